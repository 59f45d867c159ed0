"""Supports of initiatives, kept apart from the initiative and from anything naming
the supporter: one document per (initiative, supporter pseudonym) that is active or
not. Each change of a supporter's document is one conditional update, and only the
request that made it moves the initiative's public count, so concurrent supports
and withdrawals of one citizen leave exactly one support or none."""

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from sharik.errors import Conflict
from sharik.store import raise_unless_duplicates


class SupportStore:
    def __init__(self, db: AsyncDatabase, initiatives) -> None:
        self.collection = db["initiative_supports"]
        self._initiatives = initiatives

    async def create_indexes(self) -> None:
        await self.collection.create_index([("initiative_id", ASCENDING), ("active", ASCENDING)])

    async def add(self, initiative_id: str, supporter: str) -> int:
        """Count the supporter in; the new count. Conflict when already counted."""
        key = f"{initiative_id}:{supporter}"
        try:
            await self.collection.insert_one({"_id": key, "initiative_id": initiative_id, "active": True})
        except DuplicateKeyError:
            flipped = await self.collection.update_one({"_id": key, "active": False}, {"$set": {"active": True}})
            if flipped.modified_count == 0:
                raise Conflict("you already support this initiative", details=[{"field": "initiative_id"}]) from None
        return await self._count_by(initiative_id, 1)

    async def remove(self, initiative_id: str, supporter: str) -> int:
        flipped = await self.collection.update_one(
            {"_id": f"{initiative_id}:{supporter}", "active": True}, {"$set": {"active": False}}
        )
        if flipped.modified_count == 0:
            raise Conflict("you do not support this initiative", details=[{"field": "initiative_id"}])
        return await self._count_by(initiative_id, -1)

    async def add_many(self, initiative_id: str, supporters: list[str]) -> int:
        """Count many supporters in one write (supports collected in bulk); those
        already present count once. The new count."""
        documents = [{"_id": f"{initiative_id}:{s}", "initiative_id": initiative_id, "active": True} for s in supporters]
        added = len(documents)
        try:
            await self.collection.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            raise_unless_duplicates(error)
            # Counted from the refused documents: not every store reports nInserted.
            added -= len(error.details.get("writeErrors", []))
        return await self._count_by(initiative_id, added)

    async def supports(self, initiative_id: str, supporter: str) -> bool:
        found = await self.collection.find_one({"_id": f"{initiative_id}:{supporter}"})
        return bool(found and found["active"])

    async def active(self, initiative_id: str) -> int:
        """The count from the supporters' documents themselves (for audit and tests)."""
        query = [{"$match": {"initiative_id": initiative_id, "active": True}}, {"$count": "n"}]
        rows = await (await self.collection.aggregate(query)).to_list(1)
        return rows[0]["n"] if rows else 0

    async def _count_by(self, initiative_id: str, delta: int) -> int:
        updated = await self._initiatives.find_one_and_update(
            {"_id": initiative_id}, {"$inc": {"supports": delta}}, projection={"supports": 1}, return_document=ReturnDocument.AFTER
        )
        return updated["supports"]
