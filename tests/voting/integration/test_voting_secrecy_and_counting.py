"""The vote path's guarantees, played against the real store and broker:
- on a binding ballot nothing published or stored pairs a receipt, a voter mark and a
  choice by time or by order (the attacks below guess choices; they do no better than chance);
- a vote answered 201 is counted, even when storing it is slower than a racing close;
- once a ballot is final, nothing is kept per vote but its board."""

import asyncio
import json
from datetime import datetime

import pytest
from aiokafka import AIOKafkaConsumer
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from sharik.pseudonym import pseudonym
from sharik.settings import DEV_PSEUDONYM_KEY
from tests.support.service import running
from tests.support.voting import voting_settings
from voting.board_handlers import BoardHandlers
from voting.main import create_app
from sharik.events.voting import VoteCast

pytestmark = pytest.mark.integration

AGENCY = "mm"
OPTIONS = ["market", "park", "library"]
VOTERS = 36
CHANCE_LIMIT = VOTERS * 2 // 3
"""A guess right this often would be no guess: with three choices evenly spread, pairing
at random gets about a third right (12 of 36, give or take 3)."""


async def _ballot(voting, tokens, *, binding: bool, show_preliminary: bool = False) -> str:
    officer = tokens.officer(AGENCY)
    drafted = await voting.post(
        "/ballots",
        headers=officer,
        json={
            "question": {"ar": "ماذا نبني؟", "en": "What do we build?"},
            "options": [{"option_id": o, "label": {"ar": o, "en": o}} for o in OPTIONS],
            "opens_at": "2026-01-01T00:00:00Z",
            "closes_at": "2030-01-01T00:00:00Z",
            "binding": binding,
            "show_preliminary": show_preliminary,
        },
    )
    assert drafted.status_code == 201, drafted.text
    ballot_id = drafted.json()["ballot_id"]
    assert (await voting.post(f"/ballots/{ballot_id}/open", headers=officer)).status_code == 200
    return ballot_id


async def _vote_one_by_one(voting, tokens, ballot_id: str) -> dict[str, tuple[str, str]]:
    """Each voter's (receipt, choice) by subject, cast one after the other so arrival order is known."""
    cast = {}
    for n in range(VOTERS):
        subject = f"secrecy-{ballot_id}-{n}"
        choice = OPTIONS[n % len(OPTIONS)]
        response = await voting.post(
            f"/ballots/{ballot_id}/votes", json={"choice": choice}, headers=tokens.citizen(subject)
        )
        assert response.status_code == 201, response.text
        cast[subject] = (response.json()["receipt"], choice)
    return cast


async def _close(voting, tokens, ballot_id: str) -> dict:
    closed = await voting.post(f"/ballots/{ballot_id}/close", headers=tokens.officer(AGENCY))
    assert closed.status_code == 200, closed.text
    return (await voting.get(f"/ballots/{ballot_id}/result")).json()


async def _receipts_in_board_order(voting, ballot_id: str) -> list[str]:
    page = (await voting.get(f"/ballots/{ballot_id}/board", params={"list": "receipts", "limit": 1000})).json()
    return [entry["receipt"] for entry in sorted(page["entries"], key=lambda e: e["position"])]


async def _vote_casts(kafka: str, ballot_id: str) -> list[dict]:
    """Every VoteCast of the ballot on the topic, as anyone reading it sees them."""
    consumer = AIOKafkaConsumer(VoteCast.topic, bootstrap_servers=kafka, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    found: dict[str, dict] = {}
    try:
        deadline = asyncio.get_running_loop().time() + 60
        while len(found) < VOTERS:
            assert asyncio.get_running_loop().time() < deadline, f"{len(found)} of {VOTERS} VoteCast published"
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    body = json.loads(record.value)
                    if body["ballot_id"] == ballot_id:
                        headers = {k: v.decode() for k, v in record.headers}
                        found[body["vote_id"]] = {**body, **headers, "kafka_time": record.timestamp}
    finally:
        await consumer.stop()
    return list(found.values())


def _right(guesses: list[str], truth: list[str]) -> int:
    return sum(g == t for g, t in zip(guesses, truth, strict=True))


async def test_a_binding_ballot_pairs_no_receipt_and_no_voter_with_a_choice_by_time_or_order(
    voting, tokens, kafka_bootstrap_servers, mongodb_url, database, monkeypatch
):
    ballot_id = await _ballot(voting, tokens, binding=True)
    cast = await _vote_one_by_one(voting, tokens, ballot_id)
    # The closed ballot's records are kept until the attack on the store has read them.
    monkeypatch.setattr(BoardHandlers, "_compact", _not_yet)
    await _close(voting, tokens, ballot_id)
    choice_of_receipt = dict(cast.values())
    receipts = await _receipts_in_board_order(voting, ballot_id)
    assert sorted(receipts) == sorted(choice_of_receipt)
    truth = [choice_of_receipt[r] for r in receipts]

    # Pairing by insertion order: the store's documents in the order they were written.
    mongo = AsyncMongoClient(mongodb_url, tz_aware=True)
    try:
        db = mongo[database]
        deadline = asyncio.get_running_loop().time() + 30
        while await db["ballot_box"].count_documents({"ballot_id": ballot_id}):
            assert asyncio.get_running_loop().time() < deadline, "the sealed votes were never filed"
            await asyncio.sleep(0.1)
        for stored in await db.list_collection_names():
            documents = await db[stored].find({"ballot_id": ballot_id}).to_list()
            for field in ("cast_at", "at", "created_at", "stored_at"):
                assert not any(isinstance(d.get(field), datetime) for d in documents if "choice" in d), (
                    f"{stored} keeps a time beside a choice"
                )
            with_choices = [d["choice"][0] for d in documents if "choice" in d and "receipt" not in d]
            if len(with_choices) == VOTERS and "position" not in documents[0]:
                assert _right(with_choices, truth) < CHANCE_LIMIT, f"receipts paired with choices by {stored}'s order"
        # A voter's mark, by its order among the marks, paired with the vote in the same place.
        marks = [d["voter"] for d in await db["voters"].find({"ballot_id": ballot_id}).to_list()]
        votes = [d["choice"][0] for d in await db["votes"].find({"ballot_id": ballot_id}).to_list()]
        assert len(marks) == len(votes) == VOTERS
        choice_of_mark = {
            pseudonym(DEV_PSEUDONYM_KEY, subject, purpose=f"voter:{ballot_id}"): choice
            for subject, (_, choice) in cast.items()
        }
        right = _right(votes, [choice_of_mark[m] for m in marks])
        assert right < CHANCE_LIMIT, "voters paired with choices by the order of marks and votes"
    finally:
        await mongo.close()
    monkeypatch.undo()

    # Pairing by time: the p-th receipt with the p-th VoteCast by every time it carries.
    events = await _vote_casts(kafka_bootstrap_servers, ballot_id)
    for clock in ("cast_at", "ce_time", "ce_id", "kafka_time"):
        by_time = sorted(events, key=lambda e: (e[clock], e["vote_id"]))
        guesses = [e["choice"][0] for e in by_time]
        assert _right(guesses, truth) < CHANCE_LIMIT, f"receipts paired with choices by VoteCast's {clock}"


async def _not_yet(self, *, lease) -> None:
    return None


async def test_a_vote_answered_201_is_counted_even_when_stored_after_a_racing_close_gave_up_waiting(
    kafka_bootstrap_servers, mongodb_url, jwt_keys, database, tokens, monkeypatch
):
    settings = voting_settings(
        kafka_bootstrap_servers=kafka_bootstrap_servers, mongodb_url=mongodb_url, public_key=jwt_keys[1], database=database
    ).model_copy(update={"votes_in_flight_wait_seconds": 0.3})
    async with running(create_app(settings)) as voting:
        ballot_id = await _ballot(voting, tokens, binding=False, show_preliminary=True)
        storing = asyncio.Event()
        # The ballot box answers slower than the close waits for votes in flight.
        for method in ("insert_one", "insert_many"):
            original = getattr(AsyncCollection, method)

            async def slow(self, *args, _original=original, **kwargs):
                if self.name == "ballot_box":
                    storing.set()
                    await asyncio.sleep(1.5)
                return await _original(self, *args, **kwargs)

            monkeypatch.setattr(AsyncCollection, method, slow)
        vote = asyncio.create_task(
            voting.post(f"/ballots/{ballot_id}/votes", json={"choice": "park"}, headers=tokens.citizen())
        )
        await asyncio.wait_for(storing.wait(), 10)
        result = await _close(voting, tokens, ballot_id)
        answered = await vote
        assert answered.status_code in (201, 409), answered.text
        if answered.status_code == 201:
            assert result["total_votes"] == 1, "a vote answered 201 was left uncounted"
            assert result["board"]["votes"]["length"] == 1
        else:
            assert result["total_votes"] == 0


async def test_once_a_ballot_is_final_nothing_is_kept_per_vote_but_its_board(
    voting, tokens, mongodb_url, database
):
    ballots = [await _ballot(voting, tokens, binding=binding, show_preliminary=not binding) for binding in (False, True)]
    for ballot_id in ballots:
        for n in range(5):
            response = await voting.post(
                f"/ballots/{ballot_id}/votes", json={"choice": OPTIONS[n % 3]}, headers=tokens.citizen()
            )
            assert response.status_code == 201, response.text
    mongo = AsyncMongoClient(mongodb_url, tz_aware=True)
    try:
        db = mongo[database]
        # Counted while open, before anything is compacted.
        deadline = asyncio.get_running_loop().time() + 30
        while (await voting.get(f"/ballots/{ballots[0]}/result")).json()["total_votes"] < 5:
            assert asyncio.get_running_loop().time() < deadline, "the running tally never counted the votes"
            await asyncio.sleep(0.2)
        results = [await _close(voting, tokens, ballot_id) for ballot_id in ballots]
        per_vote = ("ballot_box", "votes", "voters", "tallied_votes")

        async def kept() -> dict[str, int]:
            return {
                name: await db[name].count_documents({"ballot_id": {"$in": ballots}} if name != "tallied_votes" else {})
                for name in per_vote
            }

        deadline = asyncio.get_running_loop().time() + 30
        while any((left := await kept()).values()):
            assert asyncio.get_running_loop().time() < deadline, f"still kept per vote after the close: {left}"
            await asyncio.sleep(0.2)
        # The board and the result stay whole.
        for ballot_id, closed in zip(ballots, results, strict=True):
            assert closed["total_votes"] == 5
            again = (await voting.get(f"/ballots/{ballot_id}/result")).json()
            assert again["total_votes"] == 5 and again["turnout"]["voted"] == 5
            export = await voting.get(f"/ballots/{ballot_id}/board/export")
            assert export.status_code == 200
            assert all(seal["length"] == 5 for seal in export.json()["lists"].values())
    finally:
        await mongo.close()
