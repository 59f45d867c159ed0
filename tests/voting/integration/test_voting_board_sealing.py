"""Sealing the board on the real store: racing sealers, leases, and the close."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from opentelemetry import trace
from prometheus_client import CollectorRegistry

from sharik.auth import Principal
from sharik.bus.topics import ensure_topics
from sharik.store import connect
from tests.support.service import unique_database
from voting.announcer import VoteAnnouncer
from voting.audit import AuditLog
from voting.board_handlers import BoardHandlers
from voting.board_store import BoardStore
from voting.domain.ballot import Text
from sharik_verify.board import check_chain
from voting.handlers import BallotHandlers, DraftBallot
from voting.roll_store import RollStore
from voting.running_tally import RunningTally
from voting.store import BallotStore
from voting.vote_writer import VoteWriter

pytestmark = pytest.mark.integration

T0 = datetime.now(UTC).replace(microsecond=0)
OFFICER = Principal(subject="officer-1", roles=frozenset({"officer"}), agency="mm")
LEASE = timedelta(minutes=1)


@pytest.fixture
async def announcer(kafka_bootstrap_servers):
    """A real producer for the sealer's VoteCast announcements."""
    await ensure_topics(kafka_bootstrap_servers, published=["voting.votes"], consumed=[])
    announcer = VoteAnnouncer(kafka_bootstrap_servers, tracer=trace.get_tracer(__name__), registry=CollectorRegistry())
    await announcer.start()
    yield announcer
    await announcer.stop()


@pytest.fixture
async def stores(mongodb_url):
    client = connect(mongodb_url)
    db = client[unique_database("voting")]
    ballots, board = BallotStore(db), BoardStore(db)
    await ballots.create_indexes()
    await board.create_indexes()
    yield ballots, board
    await client.close()


def handlers_on(ballots: BallotStore, board: BoardStore) -> BallotHandlers:
    db = ballots.ballots.database
    return BallotHandlers(
        ballots,
        board=board,
        roll=RollStore(db),
        audit=AuditLog(db),
        tally=RunningTally(db),
        votes=VoteWriter(ballots, vouch_seconds=2),
        pseudonym_key="test-key",
        in_flight_wait_seconds=2,
        clock=lambda: T0,
    )


async def open_ballot(handlers: BallotHandlers, *, binding: bool = False) -> str:
    draft = await handlers.draft(
        DraftBallot(
            question=Text(ar="إعادة بناء السوق؟", en="Rebuild the market?"),
            options=[("yes", Text(ar="نعم", en="Yes")), ("no", Text(ar="لا", en="No"))],
            opens_at=T0,
            closes_at=T0 + timedelta(hours=1),
            binding=binding,
        ),
        by=OFFICER,
    )
    return (await handlers.open(draft.ballot_id, by=OFFICER)).ballot_id


async def cast(handlers: BallotHandlers, ballot_id: str, voters: range) -> list[str]:
    votes = [
        handlers.vote(ballot_id, "yes" if n % 3 else "no", by=Principal(subject=f"c-{n}", roles=frozenset({"citizen"})))
        for n in voters
    ]
    return [vote.receipt for vote in await asyncio.gather(*votes)]


async def seal_all(board: BoardStore, ballot_id: str, *, binding: bool = False) -> None:
    while votes := await board.waiting(ballot_id):
        await board.seal(ballot_id, votes, binding=binding)


async def chain_of(board: BoardStore, ballot_id: str, name: str) -> list[dict]:
    return [entry async for entry in board.all(ballot_id, name)]


async def test_sealers_racing_while_votes_arrive_build_one_whole_chain(stores):
    ballots, board = stores
    handlers = handlers_on(ballots, board)
    ballot_id = await open_ballot(handlers)
    # Three sealers ignoring the lease (as when a slow holder's lease ran out), racing
    # each other and the votes still being cast.
    sealers = [BoardStore(ballots.ballots.database) for _ in range(3)]

    async def seal_repeatedly() -> None:
        for _ in range(5):
            await asyncio.gather(*(seal_all(s, ballot_id) for s in sealers))

    receipts, _ = await asyncio.gather(cast(handlers, ballot_id, range(40)), seal_repeatedly())
    await asyncio.gather(*(seal_all(s, ballot_id) for s in sealers))

    entries = await chain_of(board, ballot_id, "votes")
    seal, faults = check_chain(ballot_id, "votes", entries)
    assert faults == [] and seal.length == 40
    assert sorted(e["receipt"] for e in entries) == sorted(receipts)  # each vote exactly once
    assert await board.waiting(ballot_id) == []


async def test_the_lease_lets_one_sealer_work_a_ballot_at_a_time(stores, announcer):
    ballots, board = stores
    handlers = handlers_on(ballots, board)
    ballot_id = await open_ballot(handlers)
    await cast(handlers, ballot_id, range(10))
    replicas = [BoardHandlers(ballots, board, RunningTally(board.box.database), announcer, clock=lambda: T0) for _ in range(2)]

    appended = await asyncio.gather(*(r.seal_pending(lease=LEASE) for r in replicas))

    assert sorted(appended) == [0, 10]
    assert not await board.claim(ballot_id, holder="a third replica", now=T0, lease=LEASE)
    assert await board.claim(ballot_id, holder="a third replica", now=T0 + LEASE, lease=LEASE)


async def test_a_close_seals_what_the_sealer_has_not_and_counts_from_the_board(stores):
    ballots, board = stores
    handlers = handlers_on(ballots, board)
    ballot_id = await open_ballot(handlers, binding=True)
    receipts = await cast(handlers, ballot_id, range(6))
    await seal_all(board, ballot_id, binding=True)  # the sealer sealed these 6; 3 more arrive
    receipts += await cast(handlers, ballot_id, range(6, 9))

    closed = await handlers.close(ballot_id, by=OFFICER)

    listed = await chain_of(board, ballot_id, "receipts")
    contents = await chain_of(board, ballot_id, "contents")
    assert sorted(e["receipt"] for e in listed) == sorted(receipts)
    assert check_chain(ballot_id, "receipts", listed)[1] == check_chain(ballot_id, "contents", contents)[1] == []
    assert [e["choice"] for e in contents] == [["no"]] * 3 + [["yes"]] * 6
    assert closed.board["receipts"].length == closed.board["contents"].length == 9
    assert closed.board["contents"].head == contents[-1]["hash"]
    assert [(c.option_id, c.votes) for c in closed.result.counts] == [("yes", 6), ("no", 3)]


async def test_a_vote_stored_after_the_count_stays_off_the_sealed_board(stores, announcer):
    ballots, board = stores
    handlers = handlers_on(ballots, board)
    ballot_id = await open_ballot(handlers)
    await cast(handlers, ballot_id, range(2))
    closed = await handlers.close(ballot_id, by=OFFICER)
    # Stored after the count by a writer the close gave up on (its voter was refused).
    await ballots.box.insert_one({"_id": "late", "ballot_id": ballot_id, "choice": ["no"]})

    assert await BoardHandlers(ballots, board, RunningTally(board.box.database), announcer, clock=lambda: T0).seal_pending(lease=LEASE) == 0

    assert await board.seals(ballot_id, binding=False) == closed.board
    assert await board.box.find_one({"_id": "late"}) is None


async def test_a_close_gives_up_on_a_silent_writer_and_that_writer_cannot_confirm_its_votes(stores):
    ballots, board = stores
    handlers = handlers_on(ballots, board)
    ballot_id = await open_ballot(handlers)
    # A replica admitted three votes and died: it stopped vouching a second ago.
    await ballots.admit(ballot_id, writer="dead", votes=3, alive_until=datetime.now(UTC) - timedelta(seconds=1))

    closed = await asyncio.wait_for(handlers.close(ballot_id, by=OFFICER), 10)

    assert closed.state == "closed"
    assert not await ballots.release(ballot_id, writer="dead", votes=3)
