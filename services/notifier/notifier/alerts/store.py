"""Alerts and their hand-offs in MongoDB, one document each, events in the document's
outbox. The CAP document of an issued alert is stored with it, exactly as it went out."""

from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from notifier.alerts.alert import Alert, Content, Info, Reference
from notifier.alerts.area import Area, Circle, Geocode
from notifier.alerts.broadcast import Broadcast, Step
from notifier.store import NOT_LEASED, claim_due
from sharik.errors import NotFound
from sharik.events import Envelope
from sharik.store import PENDING, STATE_ONLY, insert_aggregate, raise_unless_duplicates, update_aggregate


class AlertStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.alerts = db["alerts"]

    async def create_indexes(self) -> None:
        await self.alerts.create_index([("agency", ASCENDING), ("drafted_at", DESCENDING)])
        await self.alerts.create_index([("state", ASCENDING), ("sent", DESCENDING)])

    async def add(self, alert: Alert) -> Alert:
        await insert_aggregate(self.alerts, _alert_document(alert), [])
        return replace(alert, version=1)

    async def save(self, alert: Alert, events: Sequence[Envelope], *, cap: str | None = None) -> Alert:
        changes = _alert_document(alert)
        changes.pop("_id")
        if cap is not None:
            changes["cap"] = cap
        version = await update_aggregate(
            self.alerts, alert.alert_id, expected_version=alert.version, changes=changes, events=events
        )
        return replace(alert, version=version)

    async def get(self, alert_id: str) -> Alert:
        document = await self.alerts.find_one({"_id": alert_id}, {**STATE_ONLY, "cap": 0})
        if document is None:
            raise NotFound(f"no alert {alert_id}")
        return _alert(document)

    async def of_agency(self, agency: str, *, limit: int) -> list[Alert]:
        cursor = self.alerts.find({"agency": agency}, {**STATE_ONLY, "cap": 0}).sort("drafted_at", -1).limit(limit)
        return [_alert(d) async for d in cursor]

    async def issued(self, *, limit: int, include_exercises: bool = False) -> list[tuple[Alert, str]]:
        """Issued alerts with their CAP documents, newest first."""
        query: dict[str, Any] = {"state": "issued"}
        if not include_exercises:
            query["content.status"] = "Actual"
        # Alerts issued in the same second keep their order by id (a ULID, in time order).
        cursor = self.alerts.find(query, STATE_ONLY).sort([("sent", -1), ("_id", -1)]).limit(limit)
        return [(_alert(d), d["cap"]) async for d in cursor]

    async def cap_of(self, alert_id: str) -> str:
        document = await self.alerts.find_one({"_id": alert_id, "state": "issued"}, {"cap": 1})
        if document is None:
            raise NotFound(f"no issued alert {alert_id}")
        return document["cap"]


class BroadcastStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.broadcasts = db["broadcasts"]

    async def create_indexes(self) -> None:
        await self.broadcasts.create_index(
            [("state", ASCENDING), ("next_attempt_at", ASCENDING), ("lease_until", ASCENDING)]
        )
        await self.broadcasts.create_index([("alert_id", ASCENDING)])

    async def add_new(self, broadcasts: Sequence[Broadcast]) -> int:
        """Insert the hand-offs not stored yet (ids are alert:operator); how many were new."""
        if not broadcasts:
            return 0
        documents = [{**_broadcast_document(b), "version": 1, "outbox": []} for b in broadcasts]
        try:
            result = await self.broadcasts.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            raise_unless_duplicates(error)
            return error.details["nInserted"]
        return len(result.inserted_ids)

    async def claim(self, *, now: datetime, lease: timedelta) -> Broadcast | None:
        document = await claim_due(self.broadcasts, now=now, lease=lease)
        return _broadcast(document) if document else None

    async def save(self, broadcast: Broadcast, events: Sequence[Envelope]) -> Broadcast:
        changes = {**_broadcast_document(broadcast), "lease_until": NOT_LEASED}
        changes.pop("_id")
        version = await update_aggregate(
            self.broadcasts, broadcast.broadcast_id, expected_version=broadcast.version, changes=changes, events=events
        )
        return replace(broadcast, version=version)

    async def get(self, broadcast_id: str) -> Broadcast:
        document = await self.broadcasts.find_one({"_id": broadcast_id}, STATE_ONLY)
        if document is None:
            raise NotFound(f"no broadcast {broadcast_id}")
        return _broadcast(document)

    async def of_alert(self, alert_id: str) -> list[Broadcast]:
        cursor = self.broadcasts.find({"alert_id": alert_id}, STATE_ONLY).sort("operator", 1)
        return [_broadcast(d) async for d in cursor]


def _alert_document(alert: Alert) -> dict[str, Any]:
    document = asdict(alert)
    document["_id"] = document.pop("alert_id")
    document.pop("version")
    return document


def _alert(document: dict[str, Any]) -> Alert:
    fields = {k: v for k, v in document.items() if k not in ("_id", "outbox", PENDING, "cap")}
    content = dict(fields["content"])
    area = content["area"]
    content["area"] = Area(
        description=area["description"],
        polygons=tuple(tuple(tuple(point) for point in polygon) for polygon in area["polygons"]),
        circles=tuple(Circle(**c) for c in area["circles"]),
        geocodes=tuple(Geocode(**g) for g in area["geocodes"]),
    )
    content["infos"] = tuple(Info(**i) for i in content["infos"])
    content["categories"] = tuple(content["categories"])
    content["response_types"] = tuple(content["response_types"])
    return Alert(
        **{
            **fields,
            "alert_id": document["_id"],
            "content": Content(**content),
            "references": tuple(Reference(**r) for r in fields["references"]),
        }
    )


def _broadcast_document(broadcast: Broadcast) -> dict[str, Any]:
    document = asdict(broadcast)
    document["_id"] = document.pop("broadcast_id")
    document.pop("version")
    document.setdefault("lease_until", NOT_LEASED)
    return document


def _broadcast(document: dict[str, Any]) -> Broadcast:
    fields = {k: v for k, v in document.items() if k not in ("_id", "outbox", PENDING, "lease_until")}
    return Broadcast(
        **{**fields, "broadcast_id": document["_id"], "history": tuple(Step(**s) for s in fields["history"])}
    )
