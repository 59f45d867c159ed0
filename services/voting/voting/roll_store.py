"""Electoral rolls in MongoDB: one document per registered voter, keyed by pseudonym.

No civil number is stored: `voter` is the citizen pseudonym the identity provider
uses as the token subject (docs/services/voting.md, electoral roll)."""

import uuid
from collections.abc import Iterable

from pymongo import ASCENDING, ReturnDocument, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

BATCH = 1_000


class RollStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.roll = db["roll"]
        self.changes = db["roll_changes"]

    async def create_indexes(self) -> None:
        await self.roll.create_index([("ballot_id", ASCENDING), ("wilayat", ASCENDING)])
        await self.changes.create_index([("ballot_id", ASCENDING)])

    async def register(self, ballot_id: str, registrations: Iterable[tuple[str, str]]) -> int:
        """Put each (voter, wilayat) on the roll, replacing an earlier registration; return how many."""
        written = 0
        batch: list[UpdateOne] = []
        for voter, wilayat in registrations:
            batch.append(
                UpdateOne(
                    {"_id": _key(ballot_id, voter)},
                    {"$set": {"ballot_id": ballot_id, "voter": voter, "wilayat": wilayat}},
                    upsert=True,
                )
            )
            if len(batch) == BATCH:
                written += await self._write(batch)
                batch = []
        return written + (await self._write(batch) if batch else 0)

    async def wilayat_of(self, ballot_id: str, voter: str) -> str | None:
        """The wilayat `voter` is registered in for the ballot, or None when not on its roll."""
        document = await self.roll.find_one({"_id": _key(ballot_id, voter)}, {"wilayat": 1})
        return document["wilayat"] if document else None

    async def transfer(self, ballot_id: str, voter: str, to_wilayat: str) -> str | None:
        """Move `voter`'s registration; return the wilayat it was in, None when not on the roll."""
        before = await self.roll.find_one_and_update(
            {"_id": _key(ballot_id, voter)},
            {"$set": {"wilayat": to_wilayat}},
            projection={"wilayat": 1},
            return_document=ReturnDocument.BEFORE,
        )
        return before["wilayat"] if before else None

    async def summary(self, ballot_id: str) -> dict[str, int]:
        """How many are registered in each wilayat."""
        pipeline = [{"$match": {"ballot_id": ballot_id}}, {"$group": {"_id": "$wilayat", "voters": {"$sum": 1}}}]
        return {group["_id"]: group["voters"] async for group in await self.roll.aggregate(pipeline)}

    async def begin_change(self, ballot_id: str) -> str:
        """Note a roll change in flight, so an open waits for it; return the note's id."""
        change = uuid.uuid4().hex
        await self.changes.insert_one({"_id": change, "ballot_id": ballot_id})
        return change

    async def end_change(self, change: str) -> None:
        await self.changes.delete_one({"_id": change})

    async def changes_in_flight(self, ballot_id: str) -> int:
        return await self.changes.count_documents({"ballot_id": ballot_id})

    async def _write(self, batch: list[UpdateOne]) -> int:
        result = await self.roll.bulk_write(batch, ordered=False)
        return result.upserted_count + result.matched_count


def _key(ballot_id: str, voter: str) -> str:
    return f"{ballot_id}/{voter}"
