"""The outbox relay: publishes the events queued in aggregates' `outbox` arrays, then
removes them. Delivery is at least once (a crash between publish and removal publishes
again, and consumers are idempotent); several replicas may relay at the same time."""

import asyncio
import contextlib
from collections.abc import Sequence

import structlog
from faststream.kafka import KafkaBroker
from opentelemetry import context, propagate
from pymongo.asynchronous.collection import AsyncCollection

from sharik.store import PENDING

log = structlog.get_logger(__name__)

BATCH = 500


class OutboxRelay:
    """Background task that drains the outboxes of `collections`."""

    def __init__(
        self, broker: KafkaBroker, collections: Sequence[AsyncCollection], *, poll_seconds: float
    ) -> None:
        self._broker = broker
        self._collections = list(collections)
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    def wake(self) -> None:
        """Relay now rather than at the next poll (called after a save)."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        """Finish the pass in flight, then stop."""
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def create_indexes(self) -> None:
        for collection in self._collections:
            await collection.create_index(PENDING, sparse=True)

    async def drain(self) -> int:
        """Publish everything queued now; return how many events were published."""
        published = 0
        for collection in self._collections:
            documents = await collection.find({PENDING: True}, {"outbox": 1}).limit(BATCH).to_list()
            # Documents in parallel, so the producer sends them in batches; each
            # document's events in order, as its key's partition must keep them.
            relayed = await asyncio.gather(*(self._relay(collection, d) for d in documents), return_exceptions=True)
            for outcome in relayed:
                # Raised once every document has finished, so none is still publishing
                # when the next pass starts.
                if isinstance(outcome, BaseException):
                    raise outcome
            published += sum(relayed)
        return published

    async def _relay(self, collection: AsyncCollection, document: dict) -> int:
        outbox = document["outbox"]
        for entry in outbox:
            await publish_entry(self._broker, entry)
        # One update when nothing was queued meanwhile; otherwise remove what was
        # published and leave the document pending for the next pass.
        emptied = await collection.update_one(
            {"_id": document["_id"], "outbox": outbox}, {"$set": {"outbox": []}, "$unset": {PENDING: ""}}
        )
        if not emptied.matched_count:
            for entry in outbox:
                await collection.update_one({"_id": document["_id"]}, {"$pull": {"outbox": entry}})
        return len(outbox)

    async def _run(self) -> None:
        while True:
            try:
                while await self.drain():
                    pass
            except Exception as error:  # noqa: BLE001 - keep relaying after an outage
                log.warning("outbox relay pass failed; retrying", error=repr(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_seconds)
            self._wake.clear()


async def publish_entry(broker: KafkaBroker, entry: dict) -> None:
    """Publish one outbox entry as stored, under the trace it was queued in."""
    token = context.attach(propagate.extract(entry.get("trace") or {}))
    try:
        await broker.publish(
            entry["body"].encode(),
            topic=entry["topic"],
            key=entry["key"].encode(),
            # A copy: the tracing middleware adds headers in place, and the entry
            # must stay as stored for the update that removes it to match.
            headers=dict(entry["headers"]),
        )
    finally:
        context.detach(token)
