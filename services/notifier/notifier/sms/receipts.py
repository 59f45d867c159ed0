"""Delivery receipts move an SMS delivery from submitted to delivered or failed, with
the step in its history and its event."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import structlog

from notifier.domain.delivery import Delivery
from notifier.store import DeliveryStore
from notifier.worker import delivery_envelope, outcome_event
from sharik.errors import ConcurrentChange
from sharik.events import Envelope
from sharik.events.notifier import NotificationDelivered

log = structlog.get_logger(__name__)

SAVE_TRIES = 5
"""The parts' receipts arrive together and race for the same delivery."""
UNKNOWN_WAITS = (0.1, 0.2, 0.5, 1, 2, 5, 10)
"""A receipt can come before the worker has stored the parts' ids it just got (the
centre answers fast): it waits for them rather than being dropped."""


class Receipts:
    def __init__(self, deliveries: DeliveryStore, *, on_saved: Callable[[], None] = lambda: None) -> None:
        self._deliveries = deliveries
        self._on_saved = on_saved

    async def __call__(self, part: str, _delivered: bool, stat: str) -> None:
        try:
            await self._record(part, stat)
        except Exception as error:  # noqa: BLE001 - called from the SMPP reader; nothing else would log it
            log.error("receipt not recorded", part=part, stat=stat, error=repr(error))

    async def _record(self, part: str, stat: str) -> None:
        waits = iter(UNKNOWN_WAITS)
        for _ in range(SAVE_TRIES + len(UNKNOWN_WAITS)):
            delivery = await self._deliveries.by_part(part)
            if delivery is None:
                wait = next(waits, None)
                if wait is None:
                    log.warning("receipt for an unknown message", part=part, stat=stat)
                    return
                await asyncio.sleep(wait)
                continue
            after = delivery.receipted(part, stat, now=datetime.now(UTC))
            if after == delivery:
                return
            events = [_event(after)] if after.receipt != delivery.receipt else []
            try:
                await self._deliveries.save(after, events)
            except ConcurrentChange:
                continue
            if events:
                self._on_saved()
            return
        log.warning("receipt not recorded after retries", part=part)


def _event(delivery: Delivery) -> Envelope:
    if delivery.receipt == "failed":
        return outcome_event(delivery)
    return delivery_envelope(
        delivery,
        NotificationDelivered(
            delivery_id=delivery.delivery_id,
            subscription_id=delivery.subscription_id,
            channel=delivery.channel,
            cause_type=delivery.cause.event_type,
            cause_id=delivery.cause.subject,
            parts=len(delivery.parts),
            delivered_at=delivery.history[-1][0],
        ),
    )
