"""Sends due webhook deliveries and records each outcome: WebhookDelivered, or
WebhookFailed once the schedule ran out or the endpoint answered 410 Gone (which
disables the endpoint)."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import structlog

from notifier.loops import WorkLoops
from notifier.webhooks.delivery import Attempt, WebhookDelivery
from notifier.webhooks.sender import WebhookSender
from notifier.webhooks.store import EndpointStore, WebhookDeliveryStore
from notifier.worker import SOURCE
from sharik.errors import ConcurrentChange, NotFound
from sharik.events import Envelope
from sharik.events.notifier import WebhookDelivered, WebhookFailed

log = structlog.get_logger(__name__)

LEASE = timedelta(seconds=90)
"""Longer than a request's timeout."""


class WebhookWorker:
    def __init__(
        self,
        deliveries: WebhookDeliveryStore,
        endpoints: EndpointStore,
        sender: WebhookSender,
        *,
        schedule: tuple[float, ...],
        poll_seconds: float,
        concurrency: int,
        on_saved: Callable[[], None] = lambda: None,
    ) -> None:
        self._deliveries = deliveries
        self._endpoints = endpoints
        self._sender = sender
        self._schedule = schedule
        self._on_saved = on_saved
        self._loops = WorkLoops("webhook-worker", self.send_one, poll_seconds=poll_seconds, concurrency=concurrency)

    async def start(self) -> None:
        await self._sender.start()
        await self._loops.start()

    async def stop(self) -> None:
        await self._loops.stop()
        await self._sender.stop()

    def wake(self) -> None:
        self._loops.wake()

    async def send_one(self) -> bool:
        delivery = await self._deliveries.claim(now=datetime.now(UTC), lease=LEASE)
        if delivery is None:
            return False
        disabled = False
        try:
            endpoint = await self._endpoints.get(delivery.endpoint_id)
        except NotFound:
            endpoint = None
        if endpoint is None or endpoint.state != "active":
            reason = "the endpoint was removed" if endpoint is None else "the endpoint is disabled"
            outcome = delivery.attempt_failed(Attempt(datetime.now(UTC), None, reason), schedule=(), gone=True)
        else:
            attempt = await self._sender.send(
                url=endpoint.url,
                message_id=delivery.delivery_id,
                body=delivery.body,
                secrets=endpoint.signing_secrets(datetime.now(UTC)),
            )
            if attempt.error is None:
                outcome = delivery.delivered(attempt)
            else:
                disabled = attempt.status_code == 410
                outcome = delivery.attempt_failed(attempt, schedule=self._schedule, gone=disabled)
                if disabled:
                    await self._endpoints.save(endpoint.disabled("the endpoint answered 410 Gone"))
        events = [_outcome_event(outcome, endpoint_disabled=disabled)] if outcome.state != "pending" else []
        try:
            await self._deliveries.save(outcome, events)
        except ConcurrentChange:
            log.warning("webhook lease lost before its outcome was saved", delivery_id=delivery.delivery_id)
            return True
        if events:
            self._on_saved()
        return True


def _outcome_event(delivery: WebhookDelivery, *, endpoint_disabled: bool) -> Envelope:
    last = delivery.last
    assert last is not None
    common = dict(
        delivery_id=delivery.delivery_id,
        endpoint_id=delivery.endpoint_id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        attempts=len(delivery.attempts),
    )
    if delivery.state == "delivered":
        event = WebhookDelivered(**common, status_code=last.status_code or 0, delivered_at=delivery.delivered_at)
    else:
        event = WebhookFailed(
            **common, error=last.error or "unknown", endpoint_disabled=endpoint_disabled, failed_at=delivery.failed_at
        )
    agency = None if delivery.owner == "platform" else delivery.owner
    return Envelope(
        event=event, source=SOURCE, agency=agency, correlation_id=delivery.correlation_id,
        causation_id=delivery.event_id,
    )
