"""Escalations in MongoDB, one document per rung reached, `_id` = breach id; and the
read-only view of open complaints the scheduler works from."""

from collections.abc import AsyncIterator
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from feedback.sla.clock import Target
from feedback.sla.escalation import LADDER, Level
from sharik.events import Envelope
from sharik.store import STATE_ONLY, insert_aggregate

FINAL_STATUSES = ["resolved", "rejected", "closed"]
OPEN_CASE_FIELDS = {"agency": 1, "category": 1, "confidential": 1, "filed_at": 1, "history": 1}


class EscalationStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.escalations = db["escalations"]
        self._complaints = db["complaints"]

    async def create_indexes(self) -> None:
        await self.escalations.create_index([("complaint_id", ASCENDING), ("escalated_at", ASCENDING)])
        await self.escalations.create_index([("agency", ASCENDING), ("level", ASCENDING), ("escalated_at", DESCENDING)])
        # The listings across agencies: one rung, or all, newest first.
        await self.escalations.create_index([("level", ASCENDING), ("escalated_at", DESCENDING)])
        await self.escalations.create_index([("escalated_at", DESCENDING)])

    async def open_complaints(self) -> AsyncIterator[dict[str, Any]]:
        """Complaints without a final answer: their agency, category, filing and history."""
        cursor = self._complaints.find({"status": {"$nin": FINAL_STATUSES}}, OPEN_CASE_FIELDS)
        async for document in cursor:
            yield document

    async def record(self, escalation: dict[str, Any], events: list[Envelope]) -> bool:
        """Store a rung with its event; False when another pass or replica already did."""
        try:
            await insert_aggregate(self.escalations, escalation, events)
        except DuplicateKeyError:
            return False
        return True

    async def reached(self, complaint_id: str) -> dict[Target, Level]:
        """The highest rung recorded per target of one complaint."""
        reached: dict[Target, Level] = {}
        async for document in self.escalations.find({"complaint_id": complaint_id}, {"target": 1, "level": 1}):
            target, level = document["target"], document["level"]
            if target not in reached or LADDER.index(level) > LADDER.index(reached[target]):
                reached[target] = level
        return reached

    async def of_complaint(self, complaint_id: str) -> list[dict[str, Any]]:
        """One complaint's escalations, oldest first."""
        cursor = self.escalations.find({"complaint_id": complaint_id}, STATE_ONLY).sort("escalated_at", ASCENDING)
        return [document async for document in cursor]

    async def listing(
        self, *, agency: str | None, level: str | None, confidential: bool | None, limit: int
    ) -> list[dict[str, Any]]:
        """Newest first; `agency` None means every agency, `confidential` None both kinds."""
        query: dict[str, Any] = {}
        if confidential is not None:
            query["confidential"] = confidential
        if agency:
            query["agency"] = agency
        if level:
            query["level"] = level
        cursor = self.escalations.find(query, STATE_ONLY).sort("escalated_at", DESCENDING).limit(limit)
        return [document async for document in cursor]

    async def complaint_access(self, complaint_id: str) -> dict[str, Any] | None:
        """Who may see a complaint's escalations: its agency, unit and whether it is confidential."""
        return await self._complaints.find_one({"_id": complaint_id}, {"agency": 1, "unit": 1, "confidential": 1})
