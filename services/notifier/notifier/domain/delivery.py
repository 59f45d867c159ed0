"""One message to one subscriber because of one event. A delivery is never lost: it is
sent, or it fails after its attempts and waits for an operator to retry it."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from notifier.domain.messages import Message
from sharik.errors import Conflict

DeliveryState = Literal["pending", "sent", "failed", "cancelled"]
ReceiptState = Literal["submitted", "delivered", "failed"]

JITTER_FRACTION = 0.1
"""Retries are stretched by up to 10%, so deliveries that failed together (an SMTP
outage) do not all come back at the same instant."""


@dataclass(frozen=True)
class Cause:
    """The event a delivery answers."""

    event_type: str
    event_id: str
    subject: str
    """The aggregate the event is about (a campaign or ballot id)."""
    correlation_id: str | None = None


def delivery_id(event_id: str, subscription_id: str) -> str:
    """Deterministic, so the same event delivered twice creates one delivery."""
    return f"{event_id}:{subscription_id}"


def retry_delay(attempts: int, *, base_seconds: float, jitter: float) -> timedelta:
    """How long to wait after the `attempts`-th failure: base·2^(attempts-1), plus up to
    10% (`jitter` is a draw in [0, 1))."""
    return timedelta(seconds=base_seconds * 2 ** (attempts - 1) * (1 + JITTER_FRACTION * jitter))


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    subscription_id: str
    channel: str
    agency: str
    cause: Cause
    message: Message
    created_at: datetime
    next_attempt_at: datetime
    state: DeliveryState = "pending"
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None
    failed_at: datetime | None = None
    operator_retries: int = 0
    parts: tuple[str, ...] = ()
    """The channel's ids of the message's parts (SMS), whose receipts are awaited."""
    receipts: dict[str, str] | None = None
    """The receipt of each part so far (the centre's stat, e.g. DELIVRD), by part id."""
    receipt: ReceiptState | None = None
    history: tuple[tuple[datetime, str], ...] = ()
    """Each step: submitted, then delivered or failed (with the centre's word)."""
    version: int = 0

    @classmethod
    def due(
        cls, *, cause: Cause, subscription_id: str, channel: str, agency: str, message: Message, now: datetime
    ) -> "Delivery":
        """A new delivery, to be sent as soon as a worker is free."""
        return cls(
            delivery_id=delivery_id(cause.event_id, subscription_id),
            subscription_id=subscription_id,
            channel=channel,
            agency=agency,
            cause=cause,
            message=message,
            created_at=now,
            next_attempt_at=now,
        )

    def delivered(self, *, now: datetime, parts: tuple[str, ...] = ()) -> "Delivery":
        """Handed over; with part ids, submitted and awaiting their receipts."""
        self._require("pending")
        sent = replace(self, state="sent", attempts=self.attempts + 1, sent_at=now, last_error=None)
        if not parts:
            return sent
        return replace(sent, parts=parts, receipts={}, receipt="submitted", history=(*self.history, (now, "submitted")))

    def receipted(self, part: str, stat: str, *, now: datetime) -> "Delivery":
        """One part's receipt; the delivery is delivered when every part is, failed
        as soon as one is not."""
        if self.receipt != "submitted" or part not in self.parts:
            return self
        receipts = {**(self.receipts or {}), part: stat}
        if stat != "DELIVRD":
            # Failed like a refused send, so an operator can retry it.
            return replace(
                self, receipts=receipts, receipt="failed", state="failed", failed_at=now,
                last_error=f"receipt: {stat}", history=(*self.history, (now, f"failed: {stat}")),
            )
        if set(receipts) == set(self.parts) and all(s == "DELIVRD" for s in receipts.values()):
            return replace(self, receipts=receipts, receipt="delivered", history=(*self.history, (now, "delivered")))
        return replace(self, receipts=receipts)

    def attempt_failed(
        self, *, error: str, permanent: bool, now: datetime, max_attempts: int, base_seconds: float, jitter: float
    ) -> "Delivery":
        """Schedule the next attempt with exponential backoff, or fail for good after
        the last one (or at once when the channel says retrying cannot help)."""
        self._require("pending")
        attempts = self.attempts + 1
        if permanent or attempts >= max_attempts:
            return replace(self, state="failed", attempts=attempts, last_error=error, failed_at=now)
        delay = retry_delay(attempts, base_seconds=base_seconds, jitter=jitter)
        return replace(self, attempts=attempts, last_error=error, next_attempt_at=now + delay)

    def deferred(self, *, until: datetime) -> "Delivery":
        """Held back (quiet hours) without counting an attempt."""
        self._require("pending")
        return replace(self, next_attempt_at=until)

    def cancelled(self) -> "Delivery":
        """The subscriber withdrew before the message went out."""
        self._require("pending")
        return replace(self, state="cancelled")

    def retried(self, *, now: datetime) -> "Delivery":
        """An operator sends a failed delivery again, with a fresh set of attempts."""
        self._require("failed")
        return replace(
            self,
            state="pending",
            attempts=0,
            next_attempt_at=now,
            failed_at=None,
            operator_retries=self.operator_retries + 1,
            parts=(),
            receipts=None,
            receipt=None,
        )

    def _require(self, state: DeliveryState) -> None:
        if self.state != state:
            raise Conflict(f"delivery is {self.state}, not {state}")
