"""The voting service on the real broker and store: open, vote once, close, result."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaConsumer


pytestmark = pytest.mark.integration

OPTIONS = [
    {"option_id": "human", "label": {"ar": "الإنسان والمجتمع", "en": "Human and society"}},
    {"option_id": "economy", "label": {"ar": "الاقتصاد", "en": "Economy"}},
    {"label": {"ar": "البيئة", "en": "Environment"}},
]


def ballot(**overrides) -> dict:
    return {
        "question": {"ar": "ما موضوع منتدى معاً نتقدم؟", "en": "Which topic for Together We Progress?"},
        "options": OPTIONS,
        "opens_at": "2026-11-01T00:00:00Z",
        "closes_at": "2030-01-01T00:00:00Z",
        **overrides,
    }


async def opened_ballot(client, officer, **overrides) -> str:
    drafted = await client.post("/ballots", json=ballot(**overrides), headers=officer)
    assert drafted.status_code == 201, drafted.text
    ballot_id = drafted.json()["ballot_id"]
    opened = await client.post(f"/ballots/{ballot_id}/open", headers=officer)
    assert opened.status_code == 200, opened.text
    return ballot_id


async def records(bootstrap: str, topic: str, *, matching, until: int, timeout: float = 30) -> list:
    """Records of `topic` from the start that satisfy `matching`, once `until` of them arrived."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    found = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(found) < until and asyncio.get_running_loop().time() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                found += [r for r in batch if matching(r)]
    finally:
        await consumer.stop()
    return found


def ce_type(record) -> str:
    return dict(record.headers)["ce_type"].decode()


async def test_open_vote_once_close_and_the_result_is_published(voting, tokens, kafka_bootstrap_servers):
    officer = tokens.officer("mtcit")
    ballot_id = await opened_ballot(voting, officer)
    voters = [f"citizen-{n}-{ballot_id}" for n in range(3)]

    receipts = []
    for subject, choice in zip(voters, ["human", "human", "economy"], strict=True):
        cast = await voting.post(f"/ballots/{ballot_id}/votes", json={"choice": choice}, headers=tokens.citizen(subject))
        assert cast.status_code == 201, cast.text
        receipts.append(cast.json()["receipt"])
    assert len(set(receipts)) == 3
    assert not any(subject in receipt for subject in voters for receipt in receipts)

    again = await voting.post(f"/ballots/{ballot_id}/votes", json={"choice": "economy"}, headers=tokens.citizen(voters[0]))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_voted"

    closed = await voting.post(f"/ballots/{ballot_id}/close", headers=officer)
    assert closed.status_code == 200, closed.text
    assert (closed.json()["state"], closed.json()["votes_cast"]) == ("closed", 3)

    ballot_events = await records(
        kafka_bootstrap_servers, "voting.ballots", matching=lambda r: r.key == ballot_id.encode(), until=3
    )
    assert [ce_type(r) for r in ballot_events] == [
        "om.sharik.voting.BallotOpened.v1",
        "om.sharik.voting.BallotClosed.v1",
        "om.sharik.voting.ResultPublished.v1",
    ]
    assert json.loads(ballot_events[1].value)["votes_cast"] == 3
    result = json.loads(ballot_events[2].value)
    assert [(c["option_id"], c["votes"]) for c in result["counts"]] == [("human", 2), ("economy", 1), ("option-1", 0)]
    assert result["total_votes"] == 3
    assert (result["outcome"], result["winners"]) == ("winner", ["human"])
    assert result["counts"][0]["percent"] == pytest.approx(66.67)

    votes = await records(
        kafka_bootstrap_servers, "voting.votes", matching=lambda r: json.loads(r.value).get("ballot_id") == ballot_id, until=3
    )
    assert sorted(json.loads(r.value)["choice"][0] for r in votes) == ["economy", "human", "human"]
    for record in votes:
        assert set(json.loads(record.value)) == {"ballot_id", "vote_id", "choice", "cast_at"}
        everything = record.value + b"".join(v for _, v in record.headers)
        assert not any(subject.encode() in everything for subject in voters)
        # Keyed by the vote, not the ballot, so a national ballot spreads over partitions.
        assert record.key.decode() == json.loads(record.value)["vote_id"]

    public = await voting.get(f"/ballots/{ballot_id}/result")
    assert public.status_code == 200
    assert public.json()["preliminary"] is False and public.json()["total_votes"] == 3
    assert result["board_head"] == public.json()["board_head"], "the published result commits to the board"


async def test_fifty_concurrent_votes_by_one_citizen_count_once(voting, tokens):
    ballot_id = await opened_ballot(voting, tokens.officer("mtcit"))
    citizen = tokens.citizen()

    responses = await asyncio.gather(
        *(voting.post(f"/ballots/{ballot_id}/votes", json={"choice": "human"}, headers=citizen) for _ in range(50))
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 49
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"already_voted"}
    closed = await voting.post(f"/ballots/{ballot_id}/close", headers=tokens.officer("mtcit"))
    assert closed.json()["votes_cast"] == 1


async def test_officers_of_another_agency_get_403(voting, tokens):
    drafted = await voting.post("/ballots", json=ballot(), headers=tokens.officer("mtcit"))
    ballot_id = drafted.json()["ballot_id"]
    other = tokens.officer("moh")

    for response in (
        await voting.post(f"/ballots/{ballot_id}/open", headers=other),
        await voting.get(f"/ballots/{ballot_id}", headers=other),
    ):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert (await voting.get(f"/ballots/{ballot_id}")).status_code == 404

    await voting.post(f"/ballots/{ballot_id}/open", headers=tokens.officer("mtcit", role="agency_admin"))
    assert (await voting.post(f"/ballots/{ballot_id}/close", headers=other)).status_code == 403
    assert (await voting.get(f"/ballots/{ballot_id}", headers=other)).status_code == 200


async def test_only_staff_draft_and_only_citizens_vote(voting, tokens):
    assert (await voting.post("/ballots", json=ballot())).status_code == 401
    assert (await voting.post("/ballots", json=ballot(), headers=tokens.citizen())).status_code == 403
    ballot_id = await opened_ballot(voting, tokens.officer("mtcit"))
    as_officer = await voting.post(
        f"/ballots/{ballot_id}/votes", json={"choice": "human"}, headers=tokens.officer("mtcit")
    )
    assert as_officer.status_code == 403


async def test_a_vote_must_name_an_option_of_an_open_ballot(voting, tokens):
    officer = tokens.officer("mtcit")
    drafted = (await voting.post("/ballots", json=ballot(), headers=officer)).json()["ballot_id"]
    on_draft = await voting.post(f"/ballots/{drafted}/votes", json={"choice": "human"}, headers=tokens.citizen())
    assert (on_draft.status_code, on_draft.json()["error"]["code"]) == (409, "ballot_not_open")

    ballot_id = await opened_ballot(voting, officer)
    unknown = await voting.post(f"/ballots/{ballot_id}/votes", json={"choice": "sports"}, headers=tokens.citizen())
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (422, "unknown_option")

    await voting.post(f"/ballots/{ballot_id}/close", headers=officer)
    late = await voting.post(f"/ballots/{ballot_id}/votes", json={"choice": "human"}, headers=tokens.citizen())
    assert (late.status_code, late.json()["error"]["code"]) == (409, "window_closed")
    assert "closed" in late.json()["error"]["message"]


async def test_bad_ballots_are_refused_naming_the_field(voting, tokens):
    officer = tokens.officer("mtcit")
    one_option = await voting.post("/ballots", json=ballot(options=OPTIONS[:1]), headers=officer)
    assert one_option.status_code == 422
    assert one_option.json()["error"]["details"][0]["field"] == "options"
    past = await voting.post("/ballots", json=ballot(closes_at="2020-01-01T00:00:00Z"), headers=officer)
    assert past.status_code == 422 and past.json()["error"]["details"][0]["field"] == "closes_at"


async def test_the_result_before_closing_is_shown_only_as_preliminary_where_allowed(voting, tokens):
    officer = tokens.officer("mtcit")
    hidden = await opened_ballot(voting, officer)
    early = await voting.get(f"/ballots/{hidden}/result")
    assert early.status_code == 409

    shown = await opened_ballot(voting, officer, show_preliminary=True)
    await voting.post(f"/ballots/{shown}/votes", json={"choice": "economy"}, headers=tokens.citizen())
    # The running count is the tally consumers': it shows the vote once VoteCast is counted.
    deadline = asyncio.get_running_loop().time() + 30
    while (running_count := (await voting.get(f"/ballots/{shown}/result")).json())["total_votes"] < 1:
        assert asyncio.get_running_loop().time() < deadline, "the running tally never counted the vote"
        await asyncio.sleep(0.1)
    assert running_count["preliminary"] is True and running_count["published_at"] is None
    assert [(c["option_id"], c["votes"]) for c in running_count["counts"]][:2] == [("human", 0), ("economy", 1)]


async def test_opened_ballots_are_listed_by_agency_and_drafts_only_to_their_staff(voting, tokens):
    officer = tokens.officer("mtcit")
    ballot_id = await opened_ballot(voting, officer)
    draft_id = (await voting.post("/ballots", json=ballot(), headers=officer)).json()["ballot_id"]

    public = [b["ballot_id"] for b in (await voting.get("/ballots", params={"agency": "mtcit"})).json()]
    assert ballot_id in public and draft_id not in public
    staff = [b["ballot_id"] for b in (await voting.get("/ballots", params={"agency": "mtcit"}, headers=officer)).json()]
    assert draft_id in staff


async def test_a_ballot_past_its_closing_time_closes_by_itself(voting, tokens):
    closes_at = datetime.now(UTC) + timedelta(seconds=3)
    ballot_id = await opened_ballot(voting, tokens.officer("mtcit"), closes_at=closes_at.isoformat())
    await voting.post(f"/ballots/{ballot_id}/votes", json={"choice": "human"}, headers=tokens.citizen())

    deadline = asyncio.get_running_loop().time() + 30
    state = None
    while state != "closed" and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.2)
        state = (await voting.get(f"/ballots/{ballot_id}")).json()["state"]
    assert state == "closed"
    result = (await voting.get(f"/ballots/{ballot_id}/result")).json()
    assert (result["total_votes"], result["winners"]) == (1, ["human"])
