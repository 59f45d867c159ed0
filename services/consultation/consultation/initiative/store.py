"""Initiatives in MongoDB: one document each, its events in the outbox. The public
support count (`supports`) sits beside the aggregate's state and moves only by $inc."""

from datetime import datetime

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from consultation.aggregates import AggregateStore
from consultation.initiative.initiative import Initiative


class InitiativeStore(AggregateStore[Initiative]):
    def __init__(self, db: AsyncDatabase) -> None:
        super().__init__(db["initiatives"], Initiative, id_field="initiative_id", noun="initiative")

    async def create_indexes(self) -> None:
        await self.collection.create_index([("state", ASCENDING), ("collection_closes_at", ASCENDING)])
        await self.collection.create_index([("state", ASCENDING), ("answer_due_at", ASCENDING)])
        await self.collection.create_index([("proposal.agency", ASCENDING), ("state", ASCENDING), ("created_at", ASCENDING)])

    async def count(self, initiative_id: str) -> int:
        found = await self.collection.find_one({"_id": initiative_id}, {"supports": 1})
        return (found or {}).get("supports", 0)

    async def closing(self, now: datetime, *, limit: int) -> list[Initiative]:
        return await self.find(
            {"state": "collecting", "collection_closes_at": {"$lte": now}}, sort=[("collection_closes_at", 1)], limit=limit
        )

    async def answer_overdue(self, now: datetime, *, limit: int) -> list[Initiative]:
        query = {"state": "threshold_reached", "answer_due_at": {"$lt": now}, "overdue_at": None}
        return await self.find(query, sort=[("answer_due_at", 1)], limit=limit)
