"""The running tally on the real store: counted from the board as it is sealed, each
entry once, whoever counts and whatever crashed between sealing and counting."""

import asyncio

import pytest
from pymongo import AsyncMongoClient

from tests.support.service import unique_database
from voting.board_store import BoardStore
from sharik_verify.tally import WRITE_IN
from voting.running_tally import RunningTally

pytestmark = pytest.mark.integration

BALLOT = "01BALLOT"


@pytest.fixture
async def stores(mongodb_url):
    mongo = AsyncMongoClient(mongodb_url, tz_aware=True)
    db = mongo[unique_database("voting")]
    board, tally = BoardStore(db), RunningTally(db)
    await board.create_indexes()
    await tally.create_indexes()
    yield board, tally
    await mongo.close()


async def sealed(board: BoardStore, choices: list[list[str]], first: int = 0) -> list[dict]:
    """Put votes in the box and seal them on the consultative board; the entries appended."""
    votes = [{"_id": f"vote-{first + n}", "ballot_id": BALLOT, "choice": c} for n, c in enumerate(choices)]
    await board.box.insert_many(votes)
    return await board.seal(BALLOT, await board.waiting(BALLOT), binding=False)


async def test_a_batch_counted_again_counts_once(stores):
    board, tally = stores
    entries = await sealed(board, [["yes"], ["no"], ["yes"]])

    await tally.catch_up(BALLOT, board, sealed=entries)
    await tally.catch_up(BALLOT, board, sealed=entries)

    assert await tally.merged(BALLOT) == {("yes",): 2, ("no",): 1}


async def test_counters_racing_on_one_ballot_count_each_entry_once(stores):
    board, tally = stores
    entries = await sealed(board, [["yes"]] * 30 + [["no"]] * 20)

    await asyncio.gather(*(tally.catch_up(BALLOT, board, sealed=entries) for _ in range(4)), tally.catch_up(BALLOT, board))

    assert await tally.merged(BALLOT) == {("yes",): 30, ("no",): 20}


async def test_entries_sealed_by_a_replica_that_died_before_counting_are_counted_by_the_next(stores):
    board, tally = stores
    await sealed(board, [["yes"], ["yes"]])  # its sealer died here
    later = await sealed(board, [["no"]], first=2)

    await tally.catch_up(BALLOT, board, sealed=later)

    assert await tally.merged(BALLOT) == {("yes",): 2, ("no",): 1}


async def test_a_board_longer_than_a_page_is_counted_whole(stores):
    board, tally = stores
    for batch in range(3):
        await sealed(board, [["yes"]] * 400 + [["no"]] * 100, first=batch * 500)

    await tally.catch_up(BALLOT, board)

    assert await tally.merged(BALLOT) == {("yes",): 1200, ("no",): 300}


async def test_write_ins_count_as_one_answer_until_the_close(stores):
    board, tally = stores
    entries = await sealed(board, [[WRITE_IN, "a.b $c, d"], [WRITE_IN, "other"], ["yes"]])

    await tally.catch_up(BALLOT, board, sealed=entries)

    assert await tally.merged(BALLOT) == {(WRITE_IN, ""): 2, ("yes",): 1}
