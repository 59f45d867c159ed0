"""The bulletin board in MongoDB: one document per chained entry, appended, never changed.

An entry's `_id` is `<ballot>/<list>/<position>`, so two sealers racing for the same
position cannot both write it (the insert is the commit), and a receipt is unique, so
no vote is sealed twice. The chain therefore holds even if two replicas seal one ballot
at once; the lease only spares them the wasted work."""

from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from voting.domain.board import CONTENTS, VOTES, ListSeal, extend, genesis, lists_of, receipt_list, sorted_contents
from voting.domain.tally import Choice
from voting.domain.vote import receipt_of
from voting.store import UNSEALED

BATCH = 500
DUPLICATE_KEY = 11000
PUBLIC = {"_id": 0, "position": 1, "prev_hash": 1, "receipt": 1, "choice": 1, "hash": 1}


class BoardStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.entries = db["board_entries"]
        self.leases = db["board_leases"]
        self.votes = db["votes"]

    async def create_indexes(self) -> None:
        await self.entries.create_index([("ballot_id", ASCENDING), ("list", ASCENDING), ("position", ASCENDING)])
        await self.entries.create_index("receipt", unique=True, sparse=True)

    async def pending_ballots(self, *, limit: int = 100) -> list[str]:
        """Ballots with votes not yet on their board."""
        pipeline = [{"$match": {UNSEALED: True}}, {"$group": {"_id": "$ballot_id"}}, {"$limit": limit}]
        return [row["_id"] async for row in await self.votes.aggregate(pipeline)]

    async def claim(self, ballot_id: str, *, holder: str, now: datetime, lease: timedelta) -> bool:
        """Take or renew the lease to seal `ballot_id`; False while another holder has it."""
        try:
            await self.leases.update_one(
                {"_id": ballot_id, "$or": [{"until": {"$lte": now}}, {"holder": holder}]},
                {"$set": {"holder": holder, "until": now + lease}},
                upsert=True,
            )
        except DuplicateKeyError:  # the lease exists, held by someone else
            return False
        return True

    async def seal_pending(self, ballot_id: str, *, binding: bool) -> int:
        """Append the ballot's unsealed votes, oldest first; return how many this call appended."""
        name = receipt_list(binding=binding)
        appended = 0
        while batch := await self._unsealed(ballot_id):
            receipts = {receipt_of(vote["_id"]): vote for vote in batch}
            sealed = {e["receipt"] async for e in self.entries.find({"receipt": {"$in": list(receipts)}})}
            items = [(r, None if binding else v["choice"]) for r, v in receipts.items() if r not in sealed]
            chained = extend(ballot_id, name, await self._head(ballot_id, name), items)
            try:
                if chained:
                    await self.entries.insert_many([_stored(ballot_id, name, e) for e in chained], ordered=True)
                appended += len(chained)
            except BulkWriteError as race:
                # Another sealer took a position or a vote first: re-read the head and go on.
                _raise_unless_duplicates(race)
                appended += race.details.get("nInserted", 0)
                continue
            await self.votes.update_many({"_id": {"$in": [v["_id"] for v in batch]}}, {"$unset": {UNSEALED: ""}})
        return appended

    async def set_aside_late(self, ballot_id: str) -> int:
        """Mark votes stored after their ballot was counted (a vote slower than the
        in-flight wait): neither counted nor on the board; return how many."""
        result = await self.votes.update_many(
            {UNSEALED: True, "ballot_id": ballot_id}, {"$unset": {UNSEALED: ""}, "$set": {"late": True}}
        )
        return result.modified_count

    async def seal_contents(self, ballot_id: str) -> None:
        """Write a binding ballot's `contents` list, once voting has stopped."""
        # The votes on the receipts list, so both lists count the same votes.
        sealed = {"ballot_id": ballot_id, UNSEALED: {"$exists": False}, "late": {"$ne": True}}
        choices = [v["choice"] async for v in self.votes.find(sealed, {"choice": 1})]
        chained = extend(ballot_id, CONTENTS, None, sorted_contents(choices))
        if not chained:
            return
        try:
            await self.entries.insert_many([_stored(ballot_id, CONTENTS, e) for e in chained], ordered=False)
        except BulkWriteError as race:
            # A racing close wrote entries too; the list is a function of the votes, so the same ones.
            _raise_unless_duplicates(race)

    async def seals(self, ballot_id: str, *, binding: bool) -> dict[str, ListSeal]:
        """Each list's length and head hash as stored now."""
        seals = {}
        for name in lists_of(binding=binding):
            head = await self._head(ballot_id, name)
            seals[name] = (
                ListSeal(length=head["position"] + 1, head=head["hash"])
                if head
                else ListSeal(length=0, head=genesis(ballot_id, name))
            )
        return seals

    async def choices(self, ballot_id: str, *, binding: bool) -> Counter[Choice]:
        """How many entries of the board's list of choices hold each distinct choice."""
        # Read and counted here: grouping on an array `_id` is not reliable across
        # MongoDB-compatible stores (one merged distinct write-ins).
        query = {"ballot_id": ballot_id, "list": CONTENTS if binding else VOTES}
        cast: Counter[Choice] = Counter()
        async for entry in self.entries.find(query, {"_id": 0, "choice": 1}):
            cast[tuple(entry["choice"])] += 1
        return cast

    async def page(self, ballot_id: str, name: str, *, start: int, limit: int) -> list[dict[str, Any]]:
        """Entries of one list from position `start`, as published."""
        query = {"ballot_id": ballot_id, "list": name, "position": {"$gte": start}}
        return await self.entries.find(query, PUBLIC).sort("position", ASCENDING).limit(limit).to_list()

    async def all(self, ballot_id: str, name: str) -> AsyncIterator[dict[str, Any]]:
        """Every entry of one list, in order, as published."""
        query = {"ballot_id": ballot_id, "list": name}
        async for entry in self.entries.find(query, PUBLIC).sort("position", ASCENDING):
            yield entry

    async def find_receipt(self, ballot_id: str, receipt: str) -> dict[str, Any] | None:
        return await self.entries.find_one({"ballot_id": ballot_id, "receipt": receipt}, PUBLIC)

    async def _head(self, ballot_id: str, name: str) -> dict[str, Any] | None:
        return await self.entries.find_one({"ballot_id": ballot_id, "list": name}, sort=[("position", DESCENDING)])

    async def _unsealed(self, ballot_id: str) -> list[dict[str, Any]]:
        query = {UNSEALED: True, "ballot_id": ballot_id}
        oldest_first = [("cast_at", ASCENDING), ("_id", ASCENDING)]
        return await self.votes.find(query, {"choice": 1}).sort(oldest_first).limit(BATCH).to_list()


def _stored(ballot_id: str, name: str, entry: dict[str, Any]) -> dict[str, Any]:
    return {"_id": f"{ballot_id}/{name}/{entry['position']}", "ballot_id": ballot_id, "list": name, **entry}


def _raise_unless_duplicates(error: BulkWriteError) -> None:
    if any(e.get("code") != DUPLICATE_KEY for e in error.details.get("writeErrors", [])):
        raise error
