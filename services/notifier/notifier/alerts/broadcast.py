"""One alert handed to one operator's cell broadcast centre. It is kept until the
centre acknowledges it: each attempt tries the primary endpoint, then the secondary;
a failed attempt is retried with backoff, and after the last one the hand-off fails
and waits for an operator of the platform to retry it."""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from notifier.domain.delivery import retry_delay
from sharik.errors import Conflict

BroadcastState = Literal["pending", "acknowledged", "failed"]
Endpoint = Literal["primary", "secondary"]


@dataclass(frozen=True)
class Step:
    """What one endpoint answered, for the hand-off's history."""

    at: datetime
    endpoint: Endpoint
    outcome: Literal["acknowledged", "failed"]
    detail: str | None = None


@dataclass(frozen=True)
class Broadcast:
    broadcast_id: str
    alert_id: str
    agency: str
    operator: str
    document: str
    """The CAP alert, as issued."""
    correlation_id: str
    created_at: datetime
    next_attempt_at: datetime
    state: BroadcastState = "pending"
    attempts: int = 0
    acknowledged_by: Endpoint | None = None
    acknowledged_at: datetime | None = None
    failed_at: datetime | None = None
    last_error: str | None = None
    history: tuple[Step, ...] = ()
    operator_retries: int = 0
    version: int = 0

    @classmethod
    def due(cls, *, alert_id: str, agency: str, operator: str, document: str, correlation_id: str, now: datetime):
        return cls(
            broadcast_id=f"{alert_id}:{operator}",
            alert_id=alert_id,
            agency=agency,
            operator=operator,
            document=document,
            correlation_id=correlation_id,
            created_at=now,
            next_attempt_at=now,
        )

    def acknowledged(self, steps: tuple[Step, ...], *, now: datetime) -> "Broadcast":
        self._require("pending")
        return replace(
            self,
            state="acknowledged",
            attempts=self.attempts + 1,
            acknowledged_by=steps[-1].endpoint,
            acknowledged_at=now,
            last_error=None,
            history=(*self.history, *steps),
        )

    def attempt_failed(
        self, steps: tuple[Step, ...], *, now: datetime, max_attempts: int, base_seconds: float, jitter: float
    ) -> "Broadcast":
        self._require("pending")
        attempts = self.attempts + 1
        error = "; ".join(f"{s.endpoint}: {s.detail}" for s in steps)
        history = (*self.history, *steps)
        if attempts >= max_attempts:
            return replace(self, state="failed", attempts=attempts, last_error=error, failed_at=now, history=history)
        delay = retry_delay(attempts, base_seconds=base_seconds, jitter=jitter)
        return replace(self, attempts=attempts, last_error=error, next_attempt_at=now + delay, history=history)

    def given_up(self, error: str, *, now: datetime) -> "Broadcast":
        """No attempt can be made (the operator is no longer configured)."""
        self._require("pending")
        return replace(self, state="failed", attempts=max(1, self.attempts), last_error=error, failed_at=now)

    def retried(self, *, now: datetime) -> "Broadcast":
        """An operator of the platform hands a failed broadcast over again."""
        self._require("failed")
        return replace(
            self, state="pending", attempts=0, next_attempt_at=now, failed_at=None,
            operator_retries=self.operator_retries + 1,
        )

    def _require(self, state: BroadcastState) -> None:
        if self.state != state:
            raise Conflict(f"the broadcast is {self.state}, not {state}")
