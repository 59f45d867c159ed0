"""The delivery worker: claims due deliveries, sends them on their channel, records the
outcome with its event. Runs in every replica; the claim's lease keeps any delivery in
one worker's hands at a time."""

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog

from notifier.channels import DeliveryError, Sender
from notifier.domain.delivery import Delivery
from notifier.domain.messages import with_unsubscribe_link
from notifier.domain.quiet import quiet_until
from notifier.domain.subscription import Subscription
from notifier.handlers import VERIFICATION
from notifier.loops import WorkLoops
from notifier.store import DeliveryStore, SubscriptionStore
from sharik.errors import ConcurrentChange
from sharik.events import Envelope, Event
from sharik.events.notifier import (
    AlertCancelled,
    AlertIssued,
    AlertUpdated,
    NotificationFailed,
    NotificationSent,
)

log = structlog.get_logger(__name__)

SOURCE = "notifier"

ALERTS = frozenset(e.type_name() for e in (AlertIssued, AlertUpdated, AlertCancelled))

LEASE = timedelta(minutes=2)
"""Longer than a channel may take to answer (the SMTP timeout is 30 s), so a delivery is
only claimed again when its worker has died."""


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
        unsubscribe_url: Callable[[Subscription], str],
        on_saved: Callable[[], None] = lambda: None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._unsubscribe_url = unsubscribe_url
        self._clock = clock
        self._deliveries = deliveries
        self._subscriptions = subscriptions
        self._senders = senders
        self._policy = policy
        self._on_saved = on_saved
        self._loops = WorkLoops("delivery-worker", self.send_one, poll_seconds=poll_seconds, concurrency=concurrency)

    async def start(self) -> None:
        await self._loops.start()

    async def stop(self) -> None:
        await self._loops.stop()

    def wake(self) -> None:
        self._loops.wake()

    async def send_one(self) -> bool:
        """Claim and send one due delivery; False when none is due."""
        delivery = await self._deliveries.claim(now=datetime.now(UTC), lease=LEASE)
        if delivery is None:
            return False
        outcome = await self._attempt(delivery)
        events = [outcome_event(outcome)] if outcome.state in ("sent", "failed") else []
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
        message = delivery.message
        unsubscribe_url = None
        if delivery.cause.event_type != VERIFICATION:
            # Deferred, not dropped: the next attempt is when the quiet hours end.
            # Public alerts are never held back.
            quiet = subscription.quiet_hours and delivery.cause.event_type not in ALERTS
            until = quiet_until(self._clock()) if quiet else None
            if until is not None:
                return delivery.deferred(until=until)
            unsubscribe_url = self._unsubscribe_url(subscription)
            message = with_unsubscribe_link(message, unsubscribe_url)
        sender = self._senders.get(delivery.channel)
        try:
            if sender is None:
                raise DeliveryError(f"no sender for channel {delivery.channel}", permanent=True)
            parts = await sender.send(
                address=subscription.address,
                message=message,
                delivery_id=delivery.delivery_id,
                unsubscribe_url=unsubscribe_url,
            )
        except DeliveryError as error:
            return delivery.attempt_failed(
                error=str(error),
                permanent=error.permanent,
                now=datetime.now(UTC),
                max_attempts=self._policy.attempts,
                base_seconds=self._policy.base_seconds,
                jitter=random.random(),  # spreads retries; not a secret
            )
        return delivery.delivered(now=datetime.now(UTC), parts=parts)


def outcome_event(delivery: Delivery) -> Envelope:
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
    return delivery_envelope(delivery, event)


def delivery_envelope(delivery: Delivery, event: Event) -> Envelope:
    """An event about a delivery, continuing the conversation of the event that caused it."""
    return Envelope(
        event=event,
        source=SOURCE,
        agency=delivery.agency,
        correlation_id=delivery.cause.correlation_id,
        causation_id=delivery.cause.event_id,
    )
