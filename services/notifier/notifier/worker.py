"""The delivery worker: claims due deliveries, sends them on their channel, records the
outcome with its event. Runs in every replica; the claim's lease keeps any delivery in
one worker's hands at a time."""

import asyncio
import contextlib
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog

from notifier.channels import DeliveryError, Sender
from notifier.domain.delivery import Delivery
from notifier.store import DeliveryStore, SubscriptionStore
from sharik.errors import ConcurrentChange
from sharik.events import Envelope
from sharik.events.notifier import NotificationFailed, NotificationSent

log = structlog.get_logger(__name__)

SOURCE = "notifier"

LEASE = timedelta(minutes=2)
"""Longer than a channel may take to answer (the SMTP timeout is 30 s), so a delivery is
only claimed again when its worker has died."""

STOP_GRACE_SECONDS = 20.0


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int
    base_seconds: float


class DeliveryWorker:
    """`concurrency` loops that each send one delivery at a time."""

    def __init__(
        self,
        deliveries: DeliveryStore,
        subscriptions: SubscriptionStore,
        senders: Mapping[str, Sender],
        *,
        policy: RetryPolicy,
        poll_seconds: float,
        concurrency: int,
        on_saved: Callable[[], None] = lambda: None,
    ) -> None:
        self._deliveries = deliveries
        self._subscriptions = subscriptions
        self._senders = senders
        self._policy = policy
        self._poll_seconds = poll_seconds
        self._concurrency = concurrency
        self._on_saved = on_saved
        self._wake = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task] = []

    def wake(self) -> None:
        """Look for due deliveries now rather than at the next poll."""
        self._wake.set()

    async def start(self) -> None:
        """Start the delivery loops."""
        self._stopping = False
        self._tasks = [
            asyncio.create_task(self._run(), name=f"delivery-worker-{n}") for n in range(self._concurrency)
        ]

    async def stop(self) -> None:
        """Stop claiming and let the sends in flight finish and be recorded; one that
        outlasts the grace is cancelled, and its lease lets a worker take it over."""
        self._stopping = True
        self._wake.set()
        if self._tasks:
            _, late = await asyncio.wait(self._tasks, timeout=STOP_GRACE_SECONDS)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        self._tasks = []

    async def send_one(self) -> bool:
        """Claim and send one due delivery; False when none is due."""
        delivery = await self._deliveries.claim(now=datetime.now(UTC), lease=LEASE)
        if delivery is None:
            return False
        outcome = await self._attempt(delivery)
        events = [_outcome_event(outcome)] if outcome.state in ("sent", "failed") else []
        try:
            await self._deliveries.save(outcome, events)
        except ConcurrentChange:
            log.warning("delivery lease lost before its outcome was saved", delivery_id=delivery.delivery_id)
            return True
        log.info("delivery attempted", delivery_id=delivery.delivery_id, state=outcome.state, attempts=outcome.attempts)
        if events:
            self._on_saved()
        return True

    async def _attempt(self, delivery: Delivery) -> Delivery:
        subscription = await self._subscriptions.get(delivery.subscription_id)
        if subscription is None:
            return delivery.cancelled()
        sender = self._senders.get(delivery.channel)
        try:
            if sender is None:
                raise DeliveryError(f"no sender for channel {delivery.channel}", permanent=True)
            await sender.send(address=subscription.address, message=delivery.message, delivery_id=delivery.delivery_id)
        except DeliveryError as error:
            return delivery.attempt_failed(
                error=str(error),
                permanent=error.permanent,
                now=datetime.now(UTC),
                max_attempts=self._policy.attempts,
                base_seconds=self._policy.base_seconds,
                jitter=random.random(),  # spreads retries; not a secret
            )
        return delivery.delivered(now=datetime.now(UTC))

    async def _run(self) -> None:
        while not self._stopping:
            try:
                while not self._stopping and await self.send_one():
                    pass
            except Exception as error:  # noqa: BLE001 - keep working after a store outage
                log.warning("delivery pass failed; retrying", error=repr(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_seconds)
            if not self._stopping:
                self._wake.clear()


def _outcome_event(delivery: Delivery) -> Envelope:
    """NotificationSent or NotificationFailed: names the subscription, never the address."""
    common = dict(
        delivery_id=delivery.delivery_id,
        subscription_id=delivery.subscription_id,
        channel=delivery.channel,
        cause_type=delivery.cause.event_type,
        cause_id=delivery.cause.subject,
        attempts=delivery.attempts,
    )
    if delivery.state == "sent":
        event = NotificationSent(**common, sent_at=delivery.sent_at)
    else:
        event = NotificationFailed(**common, error=delivery.last_error or "unknown", failed_at=delivery.failed_at)
    return Envelope(
        event=event,
        source=SOURCE,
        agency=delivery.agency,
        correlation_id=delivery.cause.correlation_id,
        causation_id=delivery.cause.event_id,
    )
