"""The service's MongoDB connection, and saving an aggregate with its events.

Every state change is one single-document atomic update guarded by the aggregate's
`version`, and the events it causes are pushed to the document's `outbox` array in
that same update (HANDBOOK §3): no dual write, no multi-document transaction, so it
works on a single server and on a MongoDB replica set or sharded cluster."""

from collections.abc import Mapping, Sequence
from typing import Any

from opentelemetry import propagate
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from sharik.errors import ConcurrentChange
from sharik.events.envelope import Envelope


def connect(url: str) -> AsyncMongoClient:
    """A client that fails fast when the store is away, so /readyz answers quickly."""
    return AsyncMongoClient(url, serverSelectionTimeoutMS=5000, tz_aware=True, uuidRepresentation="standard")


async def ping(client: AsyncMongoClient) -> None:
    await client.admin.command("ping")


PENDING = "outbox_pending"
"""Set while a document has events to relay; sparse-indexed so the relay finds them
without scanning every document (a national ballot has one per vote)."""

STATE_ONLY = {"outbox": 0, PENDING: 0}
"""Projection that reads an aggregate's state without its queued events."""


def public_or_own_drafts(*, agency: str | None, own_agency: str | None) -> dict[str, Any]:
    """Query for what a caller may list: everything past `draft` (of one agency if
    given), plus the drafts of the caller's own agency when the caller is staff."""
    visible: list[dict[str, Any]] = [{"state": {"$ne": "draft"}}]
    if own_agency:
        visible.append({"agency": own_agency})
    query: dict[str, Any] = {"$or": visible}
    return {"$and": [query, {"agency": agency}]} if agency else query


def outbox_entry(envelope: Envelope, *, traced: bool = True) -> dict[str, Any]:
    """An event as the relay will publish it. With `traced`, it carries the caller's
    trace context, so the trace continues from the request through Kafka; a secret
    vote is published untraced, so nothing joins it to the request that cast it."""
    trace_carrier: dict[str, str] = {}
    if traced:
        propagate.inject(trace_carrier)
    return {
        "id": envelope.id,
        "topic": envelope.event.topic,
        "key": envelope.event.partition_key(),
        "headers": envelope.headers(),
        "body": envelope.body().decode(),
        "trace": trace_carrier,
    }


async def insert_aggregate(
    collection: AsyncCollection, document: Mapping[str, Any], events: Sequence[Envelope], *, traced: bool = True
) -> None:
    """Store a new aggregate (version 1) with the events of its creation."""
    queued = {"outbox": [outbox_entry(e, traced=traced) for e in events]}
    if events:
        queued[PENDING] = True
    await collection.insert_one({**document, "version": 1, **queued})


async def update_aggregate(
    collection: AsyncCollection,
    aggregate_id: Any,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
    events: Sequence[Envelope],
) -> int:
    """Apply `changes` ($set) and queue `events` if nobody changed the aggregate since
    `expected_version`; return the new version or raise ConcurrentChange."""
    update: dict[str, Any] = {"$set": {**changes, "version": expected_version + 1}}
    if events:
        update["$set"][PENDING] = True
        update["$push"] = {"outbox": {"$each": [outbox_entry(e) for e in events]}}
    result = await collection.update_one({"_id": aggregate_id, "version": expected_version}, update)
    if result.matched_count == 0:
        raise ConcurrentChange("the record changed while this request was handled; try again")
    return expected_version + 1


DUPLICATE_KEY = 11000


def raise_unless_duplicates(error: BulkWriteError) -> None:
    """Re-raise a bulk insert's error unless every failed document was a duplicate key,
    that is already stored (a repeat after a crash, or a racing replica's)."""
    if any(e.get("code") != DUPLICATE_KEY for e in error.details.get("writeErrors", [])):
        raise error
