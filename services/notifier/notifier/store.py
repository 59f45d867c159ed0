"""Subscriptions and deliveries in MongoDB, one document each. Deliveries carry their
events in the document's outbox; subscriptions hold the only copy of an address."""

from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from notifier.domain.delivery import Cause, Delivery
from notifier.domain.messages import Message
from notifier.domain.subscription import Subscription
from sharik.errors import NotFound
from sharik.events import Envelope
from sharik.store import PENDING, STATE_ONLY, raise_unless_duplicates, update_aggregate

NOT_LEASED = datetime(1970, 1, 1, tzinfo=UTC)


class SubscriptionStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.subscriptions = db["subscriptions"]

    async def create_indexes(self) -> None:
        # One subscription per owner and address: subscribing again updates it.
        await self.subscriptions.create_index(
            [("owner", ASCENDING), ("channel", ASCENDING), ("address", ASCENDING)], unique=True
        )
        await self.subscriptions.create_index([("topics", ASCENDING), ("agency", ASCENDING)])

    async def put(self, subscription: Subscription) -> tuple[Subscription, bool]:
        """Insert `subscription`, or update the owner's existing one for the same
        address; return the stored subscription and whether it is new."""
        s = subscription
        try:
            document = await self._upsert(s)
        except DuplicateKeyError:
            # Two requests raced to insert the same address; the loser now updates.
            document = await self._upsert(s)
        return _subscription(document), document["_id"] == s.subscription_id

    async def _upsert(self, s: Subscription) -> dict[str, Any]:
        return await self.subscriptions.find_one_and_update(
            {"owner": s.owner, "channel": s.channel, "address": s.address},
            {
                "$set": {
                    "language": s.language,
                    "topics": list(s.topics),
                    "agency": s.agency,
                    "updated_at": s.updated_at,
                },
                "$setOnInsert": {"_id": s.subscription_id, "created_at": s.created_at},
            },
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )

    async def of_owner(self, owner: str) -> list[Subscription]:
        cursor = self.subscriptions.find({"owner": owner}).sort("created_at", ASCENDING)
        return [_subscription(document) async for document in cursor]

    async def get(self, subscription_id: str) -> Subscription | None:
        document = await self.subscriptions.find_one({"_id": subscription_id})
        return _subscription(document) if document else None

    async def remove(self, subscription_id: str, *, owner: str) -> bool:
        result = await self.subscriptions.delete_one({"_id": subscription_id, "owner": owner})
        return result.deleted_count == 1

    async def matching(self, *, topic: str, agency: str, subscribed_by: datetime) -> AsyncIterator[Subscription]:
        """Subscriptions to `topic` for all agencies or for `agency`, made by `subscribed_by`:
        replaying old events (a new consumer group, a rebuild) must not mail new subscribers."""
        query = {"topics": topic, "agency": {"$in": [None, agency]}, "created_at": {"$lte": subscribed_by}}
        cursor = self.subscriptions.find(query, batch_size=500)
        async for document in cursor:
            yield _subscription(document)


class DeliveryStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.deliveries = db["deliveries"]

    async def create_indexes(self) -> None:
        await self.deliveries.create_index(
            [("state", ASCENDING), ("next_attempt_at", ASCENDING), ("lease_until", ASCENDING)]
        )
        await self.deliveries.create_index([("created_at", DESCENDING)])  # the listing, newest first

    async def add_new(self, deliveries: Sequence[Delivery]) -> int:
        """Insert the deliveries not stored yet (their ids are deterministic, so an event
        handled twice adds nothing); return how many were new."""
        if not deliveries:
            return 0
        documents = [{**_document(d), "version": 1, "outbox": []} for d in deliveries]
        try:
            result = await self.deliveries.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            raise_unless_duplicates(error)
            return error.details["nInserted"]
        return len(result.inserted_ids)

    async def claim(self, *, now: datetime, lease: timedelta) -> Delivery | None:
        """Take one due delivery for `lease`: atomic, so no two workers (in any replica)
        hold the same delivery; a worker that dies releases it when the lease ends."""
        document = await self.deliveries.find_one_and_update(
            {"state": "pending", "next_attempt_at": {"$lte": now}, "lease_until": {"$lt": now}},
            {"$set": {"lease_until": now + lease}, "$inc": {"version": 1}},
            # No projection: FerretDB v1's findAndModify does not implement `fields`.
            sort=[("next_attempt_at", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )
        return _delivery(document) if document else None

    async def save(self, delivery: Delivery, events: Sequence[Envelope]) -> Delivery:
        """Store the delivery's new state and release its lease, with `events`, in one
        update guarded by the version (ConcurrentChange if the lease was lost)."""
        document = {**_document(delivery), "lease_until": NOT_LEASED}
        document.pop("_id")
        version = await update_aggregate(
            self.deliveries, delivery.delivery_id, expected_version=delivery.version, changes=document, events=events
        )
        return replace(delivery, version=version)

    async def get(self, delivery_id: str) -> Delivery:
        document = await self.deliveries.find_one({"_id": delivery_id}, STATE_ONLY)
        if document is None:
            raise NotFound(f"no delivery {delivery_id}")
        return _delivery(document)

    async def list(self, *, state: str | None, limit: int) -> list[Delivery]:
        query = {"state": state} if state else {}
        cursor = self.deliveries.find(query, STATE_ONLY).sort("created_at", -1).limit(limit)
        return [_delivery(document) async for document in cursor]


def _subscription(document: dict[str, Any]) -> Subscription:
    return Subscription(
        subscription_id=document["_id"],
        owner=document["owner"],
        channel=document["channel"],
        address=document["address"],
        language=document["language"],
        topics=tuple(document["topics"]),
        agency=document.get("agency"),
        created_at=document["created_at"],
        updated_at=document["updated_at"],
    )


def _document(delivery: Delivery) -> dict[str, Any]:
    document = asdict(delivery)
    document["_id"] = document.pop("delivery_id")
    document.pop("version")
    document.setdefault("lease_until", NOT_LEASED)
    return document


def _delivery(document: dict[str, Any]) -> Delivery:
    fields = {k: v for k, v in document.items() if k not in ("_id", "outbox", PENDING, "lease_until")}
    return Delivery(
        **{
            **fields,
            "delivery_id": document["_id"],
            "cause": Cause(**fields["cause"]),
            "message": Message(**fields["message"]),
        }
    )
