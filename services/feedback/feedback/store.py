"""Complaints in MongoDB: one document per complaint, its history and outbox inside;
confidential reporters' identities in a collection of their own."""

from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from feedback.domain.complaint import Complaint, Note, ReporterMessage, StatusChange
from feedback.domain.duplicates import OPEN
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
        await self.complaints.create_index([("status", ASCENDING), ("filed_at", ASCENDING)])
        await self.complaints.create_index([("agency", ASCENDING), ("category", ASCENDING), ("filed_at", DESCENDING)])
        await self.complaints.create_index([("kind", ASCENDING), ("filed_at", DESCENDING)])
        await self.complaints.create_index([("agency", ASCENDING), ("unit", ASCENDING), ("filed_at", DESCENDING)])
        # Every agency's cases, newest first (an operator's or auditor's listing).
        await self.complaints.create_index([("filed_at", DESCENDING)])

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

    async def filed_by(self, reporter_id: str, confidential_ids: list[str], *, limit: int) -> list[Complaint]:
        """The reporter's cases: by pseudonym, and the confidential ones by id."""
        return await self._find(
            {"$or": [{"reporter_id": reporter_id}, {"_id": {"$in": confidential_ids}}]}, limit=limit
        )

    async def of_agency(
        self, agency: str | None, *, confidential: bool | None, status: str | None, limit: int, unit: str | None = None
    ) -> list[Complaint]:
        """Newest first; `agency` None means every agency, `confidential` None both kinds,
        `unit` None every unit."""
        query: dict[str, Any] = {}
        if confidential is not None:
            # Complaints stored before confidentiality existed have no such field.
            query["confidential"] = True if confidential else {"$ne": True}
        if agency:
            query["agency"] = agency
        if status:
            query["status"] = status
        if unit and confidential is None:
            # The unit limits ordinary cases; confidential ones stay the team's, whatever the unit.
            query["$or"] = [{"unit": unit}, {"confidential": True}]
        elif unit and not confidential:
            query["unit"] = unit
        return await self._find(query, limit=limit)

    async def comparable(
        self, *, agency: str, category: str, confidential: bool, since: datetime, until: datetime, limit: int
    ) -> list[Complaint]:
        """Open cases of the agency's category filed in [since, until], confidential or
        not, newest first: the bounded set likely duplicates are looked for in."""
        query = {
            "agency": agency,
            "category": category,
            "confidential": True if confidential else {"$ne": True},
            "status": {"$in": sorted(OPEN)},
            "filed_at": {"$gte": since, "$lte": until},
        }
        return await self._find(query, limit=limit)

    async def public(
        self,
        *,
        agency: str | None,
        categories: list[str],
        statuses: list[str],
        since: datetime | None,
        until: datetime | None,
        limit: int,
    ) -> list[Complaint]:
        """Complaints anyone may list, newest first: filed signed in (not anonymously), not
        confidential, of kind complaint; filtered as Open311's GET requests asks."""
        query: dict[str, Any] = {"kind": "complaint", "confidential": {"$ne": True}, "secret_hash": None}
        filed: dict[str, datetime] = {}
        if since is not None:
            filed["$gte"] = since
        if until is not None:
            filed["$lte"] = until
        if filed:
            query["filed_at"] = filed
        if agency:
            query["agency"] = agency
        if categories:
            query["category"] = {"$in": categories}
        if statuses:
            query["status"] = {"$in": statuses}
        return await self._find(query, limit=limit)

    async def in_triage(self, *, limit: int) -> list[Complaint]:
        """Cases no rule could route, or handed back, oldest first: the operator's queue."""
        cursor = self.complaints.find({"status": "submitted"}, STATE_ONLY).sort("filed_at", ASCENDING).limit(limit)
        return [_complaint(document) async for document in cursor]

    async def _find(self, query: dict[str, Any], *, limit: int) -> list[Complaint]:
        cursor = self.complaints.find(query, STATE_ONLY).sort("filed_at", DESCENDING).limit(limit)
        return [_complaint(document) async for document in cursor]


class ReporterIdentities:
    """Who filed a confidential report (pseudonym, contact), keyed by complaint id and
    read only by the agency's confidential team; never copied into complaints or events."""

    def __init__(self, db: AsyncDatabase) -> None:
        self.identities = db["reporter_identities"]

    async def create_indexes(self) -> None:
        await self.identities.create_index("reporter_id")

    async def record(
        self, complaint_id: str, *, agency: str, reporter_id: str | None, contact: dict[str, str] | None
    ) -> None:
        await self.identities.insert_one(
            {"_id": complaint_id, "agency": agency, "reporter_id": reporter_id, "contact": contact}
        )

    async def of(self, complaint_id: str) -> dict[str, Any] | None:
        return await self.identities.find_one({"_id": complaint_id}, {"_id": 0, "reporter_id": 1, "contact": 1})

    async def filed_by(self, reporter_id: str) -> list[str]:
        """Ids of the confidential cases this reporter filed."""
        return [d["_id"] async for d in self.identities.find({"reporter_id": reporter_id}, {"_id": 1})]

    async def is_filed_by(self, complaint_id: str, reporter_id: str) -> bool:
        return await self.identities.count_documents({"_id": complaint_id, "reporter_id": reporter_id}) > 0


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
    messages = tuple(ReporterMessage(**message) for message in fields.pop("messages", []))
    notes = tuple(Note(**note) for note in fields.pop("notes", []))
    sequences = {name: tuple(fields.pop(name, [])) for name in ("attachments", "handed_back_by")}
    return Complaint(
        **fields, **sequences, complaint_id=document["_id"], history=history, messages=messages, notes=notes
    )
