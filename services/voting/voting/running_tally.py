"""The running tally: a consultative ballot's votes counted as they go on its board.

One document per ballot (`running_tallies`: `{_id: ballot, counted, counts{choice: n}}`)
holds the counts of the board's first `counted` entries. It moves on in one update
conditional on `counted`, reading the entries past it by their place on the board, so
whoever counts (a sealer after its batch, another replica after a crash between sealing
and counting) counts each entry once, and the running tally is exactly the board's
count so far. Nothing is kept per vote.

It is what a ballot showing preliminary counts shows while open; such a ballot is
consultative (a binding ballot shows no running count, and its board's receipts list has
no choices). The published result is counted from the sealed board at close."""

from collections import Counter
from collections.abc import Iterable
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from voting.board_store import PAGE, BoardStore
from sharik_verify.board import VOTES
from sharik_verify.tally import WRITE_IN, Choice

SEPARATOR = ","
"""Joins a choice's parts into a field name: ids are letters, digits, '-' and '_', and a
write-in counts under its marker alone, so no part holds a comma, a dot or a leading '$'."""
LEGACY = ("partial_tallies", "tallied_votes")
"""What earlier versions kept: partial counts per Kafka partition and a note per vote."""


class RunningTally:
    def __init__(self, db: AsyncDatabase) -> None:
        self.db = db
        self.tallies = db["running_tallies"]

    async def create_indexes(self) -> None:
        # The running tally no longer comes from Kafka: the per-vote notes go.
        for legacy in LEGACY:
            await self.db.drop_collection(legacy)

    async def catch_up(self, ballot_id: str, board: BoardStore, *, sealed: Iterable[dict[str, Any]] = ()) -> None:
        """Count the entries of the ballot's board past those counted; `sealed` are
        entries just appended, read from the board only if they are not these."""
        known = {entry["position"]: entry for entry in sealed}
        while True:
            tally = await self.tallies.find_one({"_id": ballot_id}, {"counted": 1})
            counted = tally["counted"] if tally else 0
            entries = [known[p] for p in range(counted, counted + PAGE) if p in known]
            if not entries or entries[0]["position"] != counted:
                entries = await board.page(ballot_id, VOTES, start=counted, limit=PAGE)
            entries = [e for n, e in enumerate(entries) if e["position"] == counted + n]
            if not entries:
                return
            counts = Counter(_key(entry["choice"]) for entry in entries)
            try:
                moved = await self.tallies.update_one(
                    {"_id": ballot_id, "counted": counted},
                    {
                        "$inc": {f"counts.{k}": n for k, n in counts.items()},
                        "$set": {"counted": counted + len(entries)},
                    },
                    upsert=counted == 0,
                )
            except DuplicateKeyError:
                continue  # another counter started this ballot's tally first
            if not moved.matched_count and not moved.upserted_id:
                continue  # another counter moved it on: read where it stands
            if len(entries) < PAGE:
                return  # the rest of the board, or the end of what `sealed` appended

    async def merged(self, ballot_id: str) -> Counter[Choice]:
        """How many votes on the board so far hold each distinct choice."""
        tally = await self.tallies.find_one({"_id": ballot_id}, {"counts": 1})
        cast: Counter[Choice] = Counter()
        for key, votes in ((tally or {}).get("counts") or {}).items():
            choice = tuple(key.split(SEPARATOR))
            # The running tally has all write-ins as one answer; the final result names them.
            cast[(WRITE_IN, "") if choice == (WRITE_IN,) else choice] += votes
        return cast


def _key(choice: list[str]) -> str:
    return WRITE_IN if choice[0] == WRITE_IN else SEPARATOR.join(choice)
