"""Complaints in MongoDB: one document per complaint, its history and outbox inside."""

from dataclasses import asdict, replace
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from feedback.domain.complaint import Complaint, StatusChange
from feedback.domain.text import Reply
from sharik.errors import NotFound
from sharik.events import Envelope
from sharik.store import STATE_ONLY, insert_aggregate, update_aggregate


class ComplaintStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.complaints = db["complaints"]

    async def create_indexes(self) -> None:
        await self.complaints.create_index("tracking_code", unique=True)
        await self.complaints.create_index([("agency", ASCENDING), ("status", ASCENDING), ("filed_at", DESCENDING)])
        await self.complaints.create_index([("reporter_id", ASCENDING), ("filed_at", DESCENDING)])

    async def get(self, complaint_id: str) -> Complaint:
        document = await self.complaints.find_one({"_id": complaint_id}, STATE_ONLY)
        if document is None:
            raise NotFound(f"no complaint {complaint_id}")
        return _complaint(document)

    async def by_tracking_code(self, tracking_code: str) -> Complaint | None:
        document = await self.complaints.find_one({"tracking_code": tracking_code}, STATE_ONLY)
        return None if document is None else _complaint(document)

    async def add(self, complaint: Complaint, events: list[Envelope]) -> Complaint:
        await insert_aggregate(self.complaints, _document(complaint), events)
        return replace(complaint, version=1)

    async def save(self, complaint: Complaint, events: list[Envelope]) -> Complaint:
        document = _document(complaint)
        document.pop("_id")
        version = await update_aggregate(
            self.complaints,
            complaint.complaint_id,
            expected_version=complaint.version,
            changes=document,
            events=events,
        )
        return replace(complaint, version=version)

    async def filed_by(self, reporter_id: str, *, limit: int) -> list[Complaint]:
        return await self._find({"reporter_id": reporter_id}, limit=limit)

    async def of_agency(self, agency: str, *, status: str | None, limit: int) -> list[Complaint]:
        query: dict[str, Any] = {"agency": agency}
        if status:
            query["status"] = status
        return await self._find(query, limit=limit)

    async def _find(self, query: dict[str, Any], *, limit: int) -> list[Complaint]:
        cursor = self.complaints.find(query, STATE_ONLY).sort("filed_at", DESCENDING).limit(limit)
        return [_complaint(document) async for document in cursor]


def _document(complaint: Complaint) -> dict[str, Any]:
    document = asdict(complaint)
    document["_id"] = document.pop("complaint_id")
    document.pop("version")
    # Kept beside the history so listing by status is an indexed query.
    document["status"] = complaint.status
    document["updated_at"] = complaint.updated_at
    return document


def _complaint(document: dict[str, Any]) -> Complaint:
    fields = {k: v for k, v in document.items() if k not in ("_id", "outbox", "status", "updated_at")}
    history = tuple(
        StatusChange(**{**change, "reply": Reply(**change["reply"]) if change.get("reply") else None})
        for change in fields.pop("history")
    )
    return Complaint(**fields, complaint_id=document["_id"], history=history)
