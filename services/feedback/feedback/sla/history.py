"""A complaint's status history read as the clock events of its SLA."""

from collections.abc import Iterable
from datetime import datetime

from feedback.sla.clock import ClockEvent

WAITING = "waiting_for_citizen"

# Starting work implies the case was seen; any final answer stops both clocks.
STOPS: dict[str, str] = {
    "acknowledged": "acknowledged",
    "in_progress": "acknowledged",
    "resolved": "resolved",
    "rejected": "resolved",
    "closed": "resolved",
}


def clock_events(filed_at: datetime, history: Iterable[tuple[str, datetime]]) -> list[ClockEvent]:
    """Clock events from `(status, at)` steps in order: waiting for the citizen pauses
    the clock and leaving that state resumes it; other statuses (e.g. routed) do not count.

    A reopened case (a final answer followed by any open status) was not settled by that
    answer: the time from the answer to the reopening is a pause, so the resolve clock
    resumes with the time it had left, and a breach already reached stands."""
    events = [ClockEvent(filed_at, "filed")]
    waiting = False
    answered_at: datetime | None = None
    for status, at in history:
        if waiting and status != WAITING:
            events.append(ClockEvent(at, "resumed"))
        waiting = status == WAITING
        if STOPS.get(status) == "resolved":
            answered_at = answered_at or at
            continue
        if answered_at is not None:
            events += [ClockEvent(answered_at, "paused"), ClockEvent(at, "resumed")]
            answered_at = None
        if waiting:
            events.append(ClockEvent(at, "paused"))
        elif status in STOPS:
            events.append(ClockEvent(at, STOPS[status]))
    if answered_at is not None:
        events.append(ClockEvent(answered_at, "resolved"))
    return events
