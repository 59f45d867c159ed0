"""Endpoints and webhook deliveries in MongoDB; deliveries carry their events in the
document's outbox."""

from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from notifier.store import NOT_LEASED, claim_due
from notifier.webhooks.delivery import Attempt, WebhookDelivery
from notifier.webhooks.endpoint import Endpoint, Secret
from sharik.errors import NotFound
from sharik.events import Envelope
from sharik.store import PENDING, STATE_ONLY, insert_aggregate, raise_unless_duplicates, update_aggregate


class EndpointStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.endpoints = db["webhook_endpoints"]

    async def create_indexes(self) -> None:
        await self.endpoints.create_index([("event_types", ASCENDING), ("state", ASCENDING)])
        await self.endpoints.create_index([("owner", ASCENDING), ("created_at", ASCENDING)])  # an owner's endpoints

    async def add(self, endpoint: Endpoint) -> Endpoint:
        await insert_aggregate(self.endpoints, _document(endpoint, "endpoint_id"), [])
        return replace(endpoint, version=1)

    async def save(self, endpoint: Endpoint) -> Endpoint:
        changes = _document(endpoint, "endpoint_id")
        changes.pop("_id")
        version = await update_aggregate(
            self.endpoints, endpoint.endpoint_id, expected_version=endpoint.version, changes=changes, events=[]
        )
        return replace(endpoint, version=version)

    async def get(self, endpoint_id: str) -> Endpoint:
        document = await self.endpoints.find_one({"_id": endpoint_id}, STATE_ONLY)
        if document is None:
            raise NotFound(f"no webhook endpoint {endpoint_id}")
        return _endpoint(document)

    async def remove(self, endpoint_id: str) -> None:
        await self.endpoints.delete_one({"_id": endpoint_id})

    async def of_owner(self, owner: str) -> list[Endpoint]:
        return [_endpoint(d) async for d in self.endpoints.find({"owner": owner}, STATE_ONLY).sort("created_at", 1)]

    async def wanting(self, event_type: str, owners: Sequence[str]) -> list[Endpoint]:
        query = {"event_types": event_type, "state": "active", "owner": {"$in": list(owners)}}
        return [_endpoint(d) async for d in self.endpoints.find(query, STATE_ONLY)]


class WebhookDeliveryStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.deliveries = db["webhook_deliveries"]

    async def create_indexes(self) -> None:
        await self.deliveries.create_index(
            [("state", ASCENDING), ("next_attempt_at", ASCENDING), ("lease_until", ASCENDING)]
        )
        await self.deliveries.create_index([("endpoint_id", ASCENDING), ("created_at", DESCENDING)])

    async def add_new(self, deliveries: Sequence[WebhookDelivery]) -> int:
        if not deliveries:
            return 0
        documents = [
            {**_document(d, "delivery_id"), "lease_until": NOT_LEASED, "version": 1, "outbox": []} for d in deliveries
        ]
        try:
            result = await self.deliveries.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            raise_unless_duplicates(error)
            return error.details["nInserted"]
        return len(result.inserted_ids)

    async def claim(self, *, now: datetime, lease: timedelta) -> WebhookDelivery | None:
        document = await claim_due(self.deliveries, now=now, lease=lease)
        return _delivery(document) if document else None

    async def save(self, delivery: WebhookDelivery, events: Sequence[Envelope]) -> WebhookDelivery:
        changes = {**_document(delivery, "delivery_id"), "lease_until": NOT_LEASED}
        changes.pop("_id")
        version = await update_aggregate(
            self.deliveries, delivery.delivery_id, expected_version=delivery.version, changes=changes, events=events
        )
        return replace(delivery, version=version)

    async def get(self, delivery_id: str) -> WebhookDelivery:
        document = await self.deliveries.find_one({"_id": delivery_id}, STATE_ONLY)
        if document is None:
            raise NotFound(f"no webhook delivery {delivery_id}")
        return _delivery(document)

    async def of_endpoint(self, endpoint_id: str, *, state: str | None, limit: int) -> list[WebhookDelivery]:
        query: dict[str, Any] = {"endpoint_id": endpoint_id}
        if state:
            query["state"] = state
        cursor = self.deliveries.find(query, STATE_ONLY).sort("created_at", -1).limit(limit)
        return [_delivery(d) async for d in cursor]


def _document(item: Any, id_field: str) -> dict[str, Any]:
    document = asdict(item)
    document["_id"] = document.pop(id_field)
    document.pop("version")
    return document


def _endpoint(document: dict[str, Any]) -> Endpoint:
    fields = {k: v for k, v in document.items() if k not in ("_id", "outbox", PENDING)}
    return Endpoint(
        **{
            **fields,
            "endpoint_id": document["_id"],
            "event_types": tuple(fields["event_types"]),
            "secrets": tuple(Secret(**s) for s in fields["secrets"]),
        }
    )


def _delivery(document: dict[str, Any]) -> WebhookDelivery:
    fields = {k: v for k, v in document.items() if k not in ("_id", "outbox", PENDING, "lease_until")}
    return WebhookDelivery(
        **{**fields, "delivery_id": document["_id"], "attempts": tuple(Attempt(**a) for a in fields["attempts"])}
    )
