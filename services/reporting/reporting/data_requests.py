"""Data requests: a citizen asks an agency for data that is not published; the agency
answers by the due time, with a dataset it published (linked) or a refusal with its
reason. The request and its answer are public; the requester is not.

Reporting owns this write path because what a request asks for, and what answers it,
is a dataset of reporting's catalogue; it keeps the requests in a collection of its
own (never dropped by a rebuild, which only concerns the read model) and publishes
their events through the outbox like every service. The requester's pseudonymous id
is kept apart, in `data_requesters`, so nothing that is read for the public holds it."""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from ulid import ULID

from sharik.auth import Principal
from sharik.errors import ConcurrentChange, Invalid, NotFound
from sharik.events import Envelope, LocalizedText
from sharik.events.reporting import DataFormat, DataRequestAnswered, DataRequested, DataRequestOverdue
from sharik.pseudonym import pseudonym
from sharik.store import STATE_ONLY, insert_aggregate, update_aggregate

log = structlog.get_logger(__name__)

REQUESTS = "data_requests"
REQUESTERS = "data_requesters"


@dataclass(frozen=True)
class Answer:
    decision: str  # published | refused
    dataset_id: str | None = None
    reason: LocalizedText | None = None


class DataRequests:
    def __init__(self, db: AsyncDatabase, *, answer_within: timedelta, pseudonym_key: str, datasets,
                 on_saved=lambda: None) -> None:
        self.requests = db[REQUESTS]
        self._requesters = db[REQUESTERS]
        self._answer_within = answer_within
        self._key = pseudonym_key
        self._datasets = datasets  # OpenData: an answer links a dataset that exists
        self._on_saved = on_saved

    async def create_indexes(self) -> None:
        await self.requests.create_index([("agency", ASCENDING), ("_id", ASCENDING)])
        await self.requests.create_index([("status", ASCENDING), ("due_at", ASCENDING)])

    async def ask(self, by: Principal, *, agency: str, what: str, why: str, format: DataFormat) -> dict[str, Any]:
        by.require("citizen")
        now = datetime.now(UTC)
        request = {"_id": str(ULID()), "agency": agency, "what": what, "why": why, "format": format,
                   "requested_at": now, "due_at": now + self._answer_within, "status": "open", "late": False}
        event = DataRequested(request_id=request["_id"], **{k: request[k] for k in
                              ("agency", "what", "why", "format", "requested_at", "due_at")})
        await self._requesters.insert_one({"_id": request["_id"], "requester": pseudonym(self._key, by.subject,
                                                                                          purpose="data-request")})
        await insert_aggregate(self.requests, request, [Envelope(event=event, source="reporting", agency=agency)])
        self._on_saved()
        return _public({**request, "version": 1})

    async def answer(self, by: Principal, request_id: str, answer: Answer) -> dict[str, Any]:
        request = await self._get(request_id)
        by.require_staff_of(request["agency"])
        if request["status"] not in ("open", "overdue"):
            raise Invalid(f"data request {request_id} is answered already")
        if answer.decision == "published":
            if not answer.dataset_id:
                raise Invalid("a published answer names its dataset_id")
            await self._datasets.one(answer.dataset_id)
        elif answer.reason is None:
            raise Invalid("a refusal gives its reason in Arabic and English")
        now = datetime.now(UTC)
        late = now > request["due_at"]
        changes = {"status": answer.decision, "answered_at": now, "late": late, "dataset_id": answer.dataset_id,
                   "reason": answer.reason.model_dump() if answer.reason else None}
        event = DataRequestAnswered(request_id=request_id, agency=request["agency"], decision=answer.decision,
                                    dataset_id=answer.dataset_id, reason=answer.reason, answered_at=now, late=late)
        version = await update_aggregate(self.requests, request_id, expected_version=request["version"],
                                         changes=changes, events=[Envelope(event=event, source="reporting",
                                                                           agency=request["agency"])])
        self._on_saved()
        return _public({**request, **changes, "version": version})

    async def mark_overdue(self) -> int:
        """Every open request past its due time becomes overdue, with its event."""
        now = datetime.now(UTC)
        marked = 0
        async for request in self.requests.find({"status": "open", "due_at": {"$lt": now}}, STATE_ONLY):
            event = DataRequestOverdue(request_id=request["_id"], agency=request["agency"], due_at=request["due_at"],
                                       marked_at=now)
            try:
                await update_aggregate(self.requests, request["_id"], expected_version=request["version"],
                                       changes={"status": "overdue", "late": True},
                                       events=[Envelope(event=event, source="reporting", agency=request["agency"])])
                marked += 1
            except ConcurrentChange:  # answered meanwhile: nothing to mark
                log.info("data request changed while marking it overdue", request_id=request["_id"])
        if marked:
            self._on_saved()
        return marked

    async def keep_marking_overdue(self, *, poll_seconds: float) -> None:
        while True:
            await self.mark_overdue()
            await asyncio.sleep(poll_seconds)

    async def one(self, request_id: str) -> dict[str, Any]:
        return _public(await self._get(request_id))

    async def page(self, *, agency: str | None, after: str | None, limit: int) -> list[dict[str, Any]]:
        """Requests in the order they were made (ULIDs), after the cursor."""
        query: dict[str, Any] = {"agency": agency} if agency else {}
        if after:
            query["_id"] = {"$gt": after}
        cursor = self.requests.find(query, STATE_ONLY).sort("_id", 1).limit(limit)
        return [_public(doc) async for doc in cursor]

    async def all(self) -> list[dict[str, Any]]:
        return [_public(doc) async for doc in self.requests.find({}, STATE_ONLY).sort("_id", 1)]

    async def _get(self, request_id: str) -> dict[str, Any]:
        document = await self.requests.find_one({"_id": request_id}, STATE_ONLY)
        if document is None:
            raise NotFound(f"no data request {request_id}")
        return document


def _public(document: dict[str, Any]) -> dict[str, Any]:
    fields = ("agency", "what", "why", "format", "requested_at", "due_at", "status", "late", "answered_at",
              "dataset_id", "reason", "version")
    return {"request_id": document["_id"], **{f: document.get(f) for f in fields}}
