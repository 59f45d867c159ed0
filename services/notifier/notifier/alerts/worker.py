"""Hands issued alerts to the operators' cell broadcast centres: claims a due hand-off,
tries the operator's primary then secondary endpoint, and records the outcome with
BroadcastAcknowledged or (after the last attempt) BroadcastFailed."""

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import structlog

from notifier.alerts.broadcast import Broadcast
from notifier.alerts.centres import CellBroadcastCentres
from notifier.alerts.store import BroadcastStore
from notifier.loops import WorkLoops
from notifier.worker import SOURCE, RetryPolicy
from sharik.errors import ConcurrentChange
from sharik.events import Envelope
from sharik.events.notifier import BroadcastAcknowledged, BroadcastFailed

log = structlog.get_logger(__name__)

LEASE = timedelta(seconds=60)
"""Longer than both endpoints' timeouts together."""


class BroadcastWorker:
    def __init__(
        self,
        broadcasts: BroadcastStore,
        centres: CellBroadcastCentres,
        *,
        policy: RetryPolicy,
        poll_seconds: float,
        concurrency: int,
        on_saved: Callable[[], None] = lambda: None,
    ) -> None:
        self._broadcasts = broadcasts
        self._centres = centres
        self._policy = policy
        self._on_saved = on_saved
        self._loops = WorkLoops("broadcast-worker", self.hand_off_one, poll_seconds=poll_seconds, concurrency=concurrency)

    async def start(self) -> None:
        await self._centres.start()
        await self._loops.start()

    async def stop(self) -> None:
        await self._loops.stop()
        await self._centres.stop()

    def wake(self) -> None:
        self._loops.wake()

    async def hand_off_one(self) -> bool:
        broadcast = await self._broadcasts.claim(now=datetime.now(UTC), lease=LEASE)
        if broadcast is None:
            return False
        if broadcast.operator not in self._centres.centres:
            outcome = broadcast.given_up(f"operator {broadcast.operator} is not configured", now=datetime.now(UTC))
        else:
            hand_off = await self._centres.hand_off(broadcast.operator, broadcast.document)
            now = datetime.now(UTC)
            if hand_off.acknowledged:
                outcome = broadcast.acknowledged(hand_off.steps, now=now)
            else:
                outcome = broadcast.attempt_failed(
                    hand_off.steps,
                    now=now,
                    max_attempts=self._policy.attempts,
                    base_seconds=self._policy.base_seconds,
                    jitter=random.random(),  # spreads retries; not a secret
                )
        events = [_outcome_event(outcome)] if outcome.state != "pending" else []
        try:
            await self._broadcasts.save(outcome, events)
        except ConcurrentChange:
            log.warning("broadcast lease lost before its outcome was saved", broadcast_id=broadcast.broadcast_id)
            return True
        log.info("broadcast attempted", broadcast_id=broadcast.broadcast_id, state=outcome.state)
        if events:
            self._on_saved()
        return True


def _outcome_event(broadcast: Broadcast) -> Envelope:
    if broadcast.state == "acknowledged":
        event = BroadcastAcknowledged(
            alert_id=broadcast.alert_id,
            operator=broadcast.operator,
            endpoint=broadcast.acknowledged_by,
            attempts=broadcast.attempts,
            acknowledged_at=broadcast.acknowledged_at,
        )
    else:
        event = BroadcastFailed(
            alert_id=broadcast.alert_id,
            operator=broadcast.operator,
            attempts=broadcast.attempts,
            error=broadcast.last_error or "unknown",
            failed_at=broadcast.failed_at,
        )
    return Envelope(event=event, source=SOURCE, agency=broadcast.agency, correlation_id=broadcast.correlation_id)
