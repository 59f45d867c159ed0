"""Each ballot kind on the real broker and store: open, vote, close, result, verified board."""

import asyncio
import json

import pytest
from aiokafka import AIOKafkaConsumer

from tests.support.service import Tokens
from sharik_verify.cli import main as sharik_verify

pytestmark = pytest.mark.integration

TOPICS = [
    {"option_id": "human", "label": {"ar": "الإنسان والمجتمع", "en": "Human and society"}},
    {"option_id": "economy", "label": {"ar": "الاقتصاد", "en": "Economy"}},
    {"option_id": "environment", "label": {"ar": "البيئة", "en": "Environment"}},
    {"option_id": "culture", "label": {"ar": "الثقافة", "en": "Culture"}},
]


async def opened(client, tokens: Tokens, **kind) -> str:
    officer = tokens.officer("mcsy")
    drafted = await client.post(
        "/ballots",
        json={
            "question": {"ar": "ما موضوع المنتدى القادم؟", "en": "Which topic for the next forum?"},
            "options": TOPICS,
            "opens_at": "2026-11-01T00:00:00Z",
            "closes_at": "2030-01-01T00:00:00Z",
            **kind,
        },
        headers=officer,
    )
    assert drafted.status_code == 201, drafted.text
    ballot_id = drafted.json()["ballot_id"]
    assert (await client.post(f"/ballots/{ballot_id}/open", headers=officer)).status_code == 200
    return ballot_id


async def cast_all(client, tokens: Tokens, ballot_id: str, votes: list[dict]) -> None:
    for vote in votes:
        cast = await client.post(f"/ballots/{ballot_id}/votes", json=vote, headers=tokens.citizen())
        assert cast.status_code == 201, cast.text


async def closed(client, tokens: Tokens, ballot_id: str, tmp_path) -> dict:
    """The published result, after checking the exported board verifies against its head."""
    done = await client.post(f"/ballots/{ballot_id}/close", headers=tokens.officer("mcsy"))
    assert done.status_code == 200, done.text
    result = (await client.get(f"/ballots/{ballot_id}/result")).json()
    export = (await client.get(f"/ballots/{ballot_id}/board/export")).json()
    path = tmp_path / f"{ballot_id}.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    assert sharik_verify(["board", str(path), "--head", result["board_head"]]) == 0
    # The export carries the same extra rows as the result, so the verifier checked them.
    assert (export["result"]["write_ins"], export["result"]["rounds"]) == (result["write_ins"], result["rounds"])
    return result


async def published(bootstrap: str, ballot_id: str, timeout: float = 30) -> dict:
    """The ResultPublished event of the ballot, read from the broker."""
    consumer = AIOKafkaConsumer(
        "voting.ballots", bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                for record in batch:
                    if record.key == ballot_id.encode() and dict(record.headers)["ce_type"].endswith(
                        b"ResultPublished.v1"
                    ):
                        return json.loads(record.value)
    finally:
        await consumer.stop()
    raise AssertionError(f"no ResultPublished for {ballot_id}")


async def test_write_ins_are_counted_with_arabic_spellings_as_one_answer(
    voting, tokens, tmp_path, kafka_bootstrap_servers
):
    ballot_id = await opened(voting, tokens, allow_write_in=True)
    not_allowed = await voting.post(
        f"/ballots/{await opened(voting, tokens)}/votes", json={"write_in": "الرياضة"}, headers=tokens.citizen()
    )
    assert not_allowed.status_code == 422

    await cast_all(
        voting,
        tokens,
        ballot_id,
        [
            {"choice": "human"},
            {"choice": "human"},
            {"choice": "economy"},
            # One answer in four spellings: hamza, alef maqsura, tashkeel, tatweel, spaces, punctuation.
            {"write_in": "الأمن الغذائي"},
            {"write_in": "الامن الغذائى"},
            {"write_in": "الأمنُ  الغذائيّ!"},
            {"write_in": "الأمن الغـذائي"},
            {"write_in": "الرياضة"},
        ],
    )
    blank = await voting.post(f"/ballots/{ballot_id}/votes", json={"write_in": " ؟ "}, headers=tokens.citizen())
    assert blank.status_code == 422

    result = await closed(voting, tokens, ballot_id, tmp_path)

    assert (result["kind"], result["total_votes"], result["winners"]) == ("single_choice", 8, ["human"])
    top = result["write_ins"][0]
    assert (top["label"], top["votes"], top["percent"]) == ("الأمن الغذائي", 4, 50.0)
    assert [(w["label"], w["votes"]) for w in result["write_ins"][1:]] == [("الرياضة", 1)]
    event = await published(kafka_bootstrap_servers, ballot_id)
    # The catalog event keeps its v1 shape: options only, no write-in text.
    assert [(c["option_id"], c["votes"]) for c in event["counts"]] == [
        ("human", 2),
        ("economy", 1),
        ("environment", 0),
        ("culture", 0),
    ]
    assert "الغذائي" not in json.dumps(event, ensure_ascii=False)


async def test_approval_fills_its_seats_and_refuses_selections_breaking_the_limits(
    voting, tokens, tmp_path, kafka_bootstrap_servers
):
    ballot_id = await opened(voting, tokens, kind="approval", min_selections=1, max_selections=2, seats=2)
    ballot = (await voting.get(f"/ballots/{ballot_id}")).json()
    assert (ballot["kind"], ballot["min_selections"], ballot["max_selections"], ballot["seats"]) == (
        "approval",
        1,
        2,
        2,
    )
    too_many = await voting.post(
        f"/ballots/{ballot_id}/votes", json={"choices": ["human", "economy", "culture"]}, headers=tokens.citizen()
    )
    assert too_many.status_code == 422
    assert too_many.json()["error"] == {
        "code": "invalid_selection",
        "message": "choose at most 2 options, 3 chosen",
        "details": [{"field": "choices"}],
    }
    wrong_shape = await voting.post(f"/ballots/{ballot_id}/votes", json={"choice": "human"}, headers=tokens.citizen())
    assert wrong_shape.status_code == 422

    await cast_all(
        voting,
        tokens,
        ballot_id,
        [
            {"choices": ["economy", "human"]},
            {"choices": ["human", "environment"]},
            {"choices": ["economy"]},
            {"choices": ["human"]},
            {"choices": ["culture", "economy"]},
        ],
    )
    result = await closed(voting, tokens, ballot_id, tmp_path)

    assert [(c["option_id"], c["votes"], c["percent"]) for c in result["counts"]] == [
        ("human", 3, 60.0),
        ("economy", 3, 60.0),
        ("environment", 1, 20.0),
        ("culture", 1, 20.0),
    ]
    assert (result["outcome"], result["winners"], result["seats"], result["total_votes"]) == (
        "winner",
        ["human", "economy"],
        2,
        5,
    )
    event = await published(kafka_bootstrap_servers, ballot_id)
    assert (event["outcome"], event["winners"], event["total_votes"]) == ("winner", ["human", "economy"], 5)


@pytest.mark.parametrize("binding", [False, True])
async def test_ranked_runs_instant_runoff_rounds_to_a_majority(voting, tokens, tmp_path, binding, kafka_bootstrap_servers):
    ballot_id = await opened(voting, tokens, kind="ranked", binding=binding)
    unknown = await voting.post(
        f"/ballots/{ballot_id}/votes", json={"ranking": ["human", "sports"]}, headers=tokens.citizen()
    )
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (422, "unknown_option")
    twice = await voting.post(
        f"/ballots/{ballot_id}/votes", json={"ranking": ["human", "human"]}, headers=tokens.citizen()
    )
    assert twice.status_code == 422

    rankings = (
        [["human"]] * 3
        + [["economy", "environment"]] * 2
        + [["environment", "economy"]] * 2
        + [["culture", "environment"]]
    )
    await cast_all(voting, tokens, ballot_id, [{"ranking": r} for r in rankings])
    result = await closed(voting, tokens, ballot_id, tmp_path)

    assert [(r["number"], r["eliminated"]) for r in result["rounds"]] == [(1, "culture"), (2, "economy"), (3, None)]
    assert result["rounds"][0]["counts"] == {"human": 3, "economy": 2, "environment": 2, "culture": 1}
    assert [(c["option_id"], c["votes"]) for c in result["counts"]] == [("human", 3), ("environment", 5)]
    assert (result["outcome"], result["winners"], result["total_votes"]) == ("winner", ["environment"], 8)
    event = await published(kafka_bootstrap_servers, ballot_id)
    assert [(r["number"], r["eliminated"]) for r in event["rounds"]] == [(1, "culture"), (2, "economy"), (3, None)]
    assert event["rounds"] == [{k: r[k] for k in event["rounds"][0]} for r in result["rounds"]]
