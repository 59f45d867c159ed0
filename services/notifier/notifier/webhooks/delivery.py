"""One event to one endpoint. Retried on a growing schedule (Standard Webhooks'
suggestion: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); 410 Gone disables the endpoint
and ends it at once. A failed delivery stays in the failure log and can be replayed."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from sharik.errors import Conflict

WebhookState = Literal["pending", "delivered", "failed"]

DEFAULT_SCHEDULE_SECONDS = (5, 300, 1800, 7200, 18000, 36000, 36000)


@dataclass(frozen=True)
class Attempt:
    at: datetime
    status_code: int | None
    error: str | None = None


@dataclass(frozen=True)
class WebhookDelivery:
    delivery_id: str
    endpoint_id: str
    owner: str
    event_id: str
    event_type: str
    body: str
    """The CloudEvent in structured mode, exactly as signed and sent."""
    correlation_id: str
    created_at: datetime
    next_attempt_at: datetime
    state: WebhookState = "pending"
    attempts: tuple[Attempt, ...] = ()
    delivered_at: datetime | None = None
    failed_at: datetime | None = None
    replays: int = 0
    tries: int = 0
    """Attempts since it was created or last replayed."""
    version: int = 0

    def delivered(self, attempt: Attempt) -> "WebhookDelivery":
        self._require("pending")
        return replace(
            self, state="delivered", attempts=(*self.attempts, attempt), tries=self.tries + 1, delivered_at=attempt.at
        )

    def attempt_failed(self, attempt: Attempt, *, schedule: tuple[float, ...], gone: bool = False) -> "WebhookDelivery":
        """The next try after the schedule's next wait; none left (or 410 Gone): failed."""
        self._require("pending")
        attempts = (*self.attempts, attempt)
        tries = self.tries + 1
        if gone or tries > len(schedule):
            return replace(self, state="failed", attempts=attempts, tries=tries, failed_at=attempt.at)
        wait = timedelta(seconds=schedule[tries - 1])
        return replace(self, attempts=attempts, tries=tries, next_attempt_at=attempt.at + wait)

    def replayed(self, *, now: datetime) -> "WebhookDelivery":
        """Sent again by hand, with the whole schedule ahead of it."""
        if self.state == "pending":
            raise Conflict("the delivery is still being attempted")
        return replace(self, state="pending", next_attempt_at=now, failed_at=None, tries=0, replays=self.replays + 1)

    @property
    def last(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None

    def _require(self, state: WebhookState) -> None:
        if self.state != state:
            raise Conflict(f"the delivery is {self.state}, not {state}")
