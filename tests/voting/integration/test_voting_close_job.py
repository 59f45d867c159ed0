"""The close job and the vote store on the real store, driven by a test clock."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from sharik.auth import Principal
from sharik.store import connect
from tests.support.service import unique_database
from voting.audit import AuditLog
from voting.board_store import BoardStore
from voting.closer import BallotCloser
from voting.domain.ballot import AlreadyVoted, Text
from voting.handlers import BallotHandlers, DraftBallot
from voting.roll_store import RollStore
from voting.running_tally import RunningTally
from voting.store import BallotStore
from voting.vote_writer import VoteNotRecorded, VoteWriter

pytestmark = pytest.mark.integration

T0 = datetime.now(UTC).replace(microsecond=0)
OFFICER = Principal(subject="officer-1", roles=frozenset({"officer"}), agency="mtcit")


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def store(mongodb_url):
    client = connect(mongodb_url)
    store = BallotStore(client[unique_database("voting")])
    await store.create_indexes()
    await BoardStore(store.ballots.database).create_indexes()
    yield store
    await client.close()


def handlers_on(store: BallotStore, clock: Clock) -> BallotHandlers:
    board = BoardStore(store.ballots.database)
    db = store.ballots.database
    return BallotHandlers(
        store,
        board=board,
        roll=RollStore(db),
        audit=AuditLog(db),
        tally=RunningTally(db),
        votes=VoteWriter(store, vouch_seconds=2),
        pseudonym_key="test-key",
        in_flight_wait_seconds=2,
        clock=clock,
    )


async def open_ballot(handlers: BallotHandlers) -> str:
    draft = await handlers.draft(
        DraftBallot(
            question=Text(ar="تمديد ساعات الكاتب بالعدل؟", en="Extend notary hours?"),
            options=[("yes", Text(ar="نعم", en="Yes")), ("no", Text(ar="لا", en="No"))],
            opens_at=T0,
            closes_at=T0 + timedelta(hours=1),
        ),
        by=OFFICER,
    )
    return (await handlers.open(draft.ballot_id, by=OFFICER)).ballot_id


async def test_two_racing_close_jobs_close_an_expired_ballot_exactly_once(store):
    clock = Clock()
    handlers = handlers_on(store, clock)
    ballot_id = await open_ballot(handlers)
    for n, choice in enumerate(["yes", "yes", "no"]):
        citizen = Principal(subject=f"citizen-{n}", roles=frozenset({"citizen"}))
        await handlers.vote(ballot_id, choice, by=citizen)
    replicas = [
        BallotCloser(handlers_on(store, clock), every_seconds=1, stale_after=timedelta(minutes=1)) for _ in range(2)
    ]

    assert await asyncio.gather(*(r.run_once() for r in replicas)) == [0, 0]  # not due yet
    clock.now = T0 + timedelta(hours=1, seconds=1)
    closed_by = await asyncio.gather(*(r.run_once() for r in replicas))

    assert sorted(closed_by) == [0, 1]
    document = await store.ballots.find_one({"_id": ballot_id})
    queued = [entry["headers"]["ce_type"] for entry in document["outbox"]]
    assert queued.count("om.sharik.voting.BallotClosed.v1") == 1
    assert queued.count("om.sharik.voting.ResultPublished.v1") == 1
    result = json.loads(document["outbox"][-1]["body"])
    assert [(c["option_id"], c["votes"]) for c in result["counts"]] == [("yes", 2), ("no", 1)]
    assert document["closed_at"] == T0 + timedelta(hours=1)
    assert await asyncio.gather(*(r.run_once() for r in replicas)) == [0, 0]
    closes = await store.ballots.database["audit_log"].find({"ballot_id": ballot_id, "action": "close"}).to_list()
    assert [(c["actor"], c["details"]) for c in closes] == [("system:close-job", {"votes_cast": 3})]


async def test_a_count_left_by_a_dead_replica_is_finished_by_the_job(store):
    clock = Clock()
    handlers = handlers_on(store, clock)
    ballot_id = await open_ballot(handlers)
    ballot = await store.get(ballot_id)
    await store.save(ballot.stop_voting(now=clock()), [])  # the replica died after this step

    clock.now = T0 + timedelta(minutes=5)
    closer = BallotCloser(handlers, every_seconds=1, stale_after=timedelta(minutes=1))
    assert await closer.run_once() == 1
    assert (await store.get(ballot_id)).state == "closed"


async def test_when_the_vote_cannot_be_stored_the_voter_mark_is_removed(store):
    ballot_id = await open_ballot(handlers_on(store, Clock()))
    writer = VoteWriter(store, vouch_seconds=2)
    await store.box.insert_one({"_id": "v-taken", "ballot_id": "other"})  # the vote insert will fail

    with pytest.raises(VoteNotRecorded):
        await writer.record(ballot_id, voter="voter-1", governorate=None, vote_id="v-taken", choice=("yes",))

    assert await store.voters.count_documents({"ballot_id": ballot_id}) == 0
    await writer.record(ballot_id, voter="voter-1", governorate=None, vote_id="v-retry", choice=("yes",))
    assert [v["choice"] async for v in store.box.find({"ballot_id": ballot_id})] == [["yes"]]


async def test_one_group_with_the_same_voter_many_times_stores_one_vote(store):
    ballot_id = await open_ballot(handlers_on(store, Clock()))
    writer = VoteWriter(store, vouch_seconds=2)
    attempts = [
        writer.record(ballot_id, voter=f"voter-{n % 3}", governorate=None, vote_id=f"v-{n}", choice=("yes",))
        for n in range(30)
    ]

    answers = await asyncio.gather(*attempts, return_exceptions=True)

    assert sum(a is None for a in answers) == 3
    assert all(isinstance(a, AlreadyVoted) for a in answers if a is not None)
    assert await store.box.count_documents({"ballot_id": ballot_id}) == 3
    assert await store.voters.count_documents({"ballot_id": ballot_id}) == 3


async def test_the_voter_mark_holds_nothing_that_joins_it_to_the_vote(store):
    handlers = handlers_on(store, Clock())
    ballot_id = await open_ballot(handlers)
    vote = await handlers.vote(ballot_id, "no", by=Principal(subject="citizen-x", roles=frozenset({"citizen"})))

    [mark] = await store.voters.find({"ballot_id": ballot_id}).to_list()
    # The governorate (for turnout) is a place shared by many voters, and the vote never has one.
    assert set(mark) == {"_id", "ballot_id", "voter", "governorate"}
    assert "citizen-x" not in mark["voter"] and vote.vote_id not in mark.values()
    [stored] = await store.box.find({"ballot_id": ballot_id}).to_list()
    assert mark["voter"] not in json.dumps(stored, default=str)
    # No time, no event: VoteCast is made, untraced, when the vote is announced.
    assert set(stored) == {"_id", "ballot_id", "choice"}
