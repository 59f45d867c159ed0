"""The SLA clock of one case, rebuilt from its history of clock events."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, NamedTuple

from feedback.sla.calendar import BusinessCalendar

Target = Literal["acknowledge", "resolve"]

# "resolved" is any final answer from the agency, a rejection included: it stops both
# clocks, since answering a case also acknowledges it. "paused" and "resumed" bracket
# the time the case waits for the citizen, which the agency is not charged for.
EventKind = Literal["filed", "acknowledged", "paused", "resumed", "resolved"]
EVENT_KINDS = frozenset({"filed", "acknowledged", "paused", "resumed", "resolved"})

STOPPED_BY: dict[Target, frozenset[str]] = {
    "acknowledge": frozenset({"acknowledged", "resolved"}),
    "resolve": frozenset({"resolved"}),
}


class ClockEvent(NamedTuple):
    """One step of a case's history that moves its clock; a plain (at, kind) tuple works too."""

    at: datetime
    kind: EventKind


@dataclass(frozen=True)
class SlaTargets:
    """Business time an agency has to acknowledge a case and to resolve it."""

    acknowledge: timedelta
    resolve: timedelta

    def __post_init__(self) -> None:
        if self.acknowledge <= timedelta(0) or self.resolve <= timedelta(0):
            raise ValueError("SLA targets must be positive durations")
        if self.resolve < self.acknowledge:
            raise ValueError("the resolve target cannot be shorter than the acknowledge target")

    def allowed(self, target: Target) -> timedelta:
        """The business time allowed for one target."""
        return self.acknowledge if target == "acknowledge" else self.resolve


@dataclass(frozen=True)
class SlaPolicy:
    """Targets per complaint category, with a default for categories not listed."""

    default: SlaTargets
    categories: Mapping[str, SlaTargets] = field(default_factory=dict)

    def targets_for(self, category: str) -> SlaTargets:
        """The targets that apply to a case of this category."""
        return self.categories.get(category, self.default)


@dataclass(frozen=True)
class TargetState:
    """Where one target stands at the moment the clock was read."""

    target: Target
    allowed: timedelta
    elapsed: timedelta
    remaining: timedelta  # zero once the allowance is used up
    overdue: timedelta  # business time past the deadline, zero until then
    deadline: datetime | None  # None while paused with time left: it moves on resume
    stopped_at: datetime | None  # when the agency acknowledged or answered
    paused: bool  # waiting for the citizen; never true once stopped
    breached: bool


@dataclass(frozen=True)
class SlaState:
    """Both targets of one case at one moment."""

    acknowledge: TargetState
    resolve: TargetState

    @property
    def targets(self) -> tuple[TargetState, TargetState]:
        """Both targets, in the order their deadlines fall."""
        return self.acknowledge, self.resolve


def sla_state(
    events: Iterable[tuple[datetime, str]],
    targets: SlaTargets,
    calendar: BusinessCalendar,
    now: datetime,
) -> SlaState:
    """Read the clock at `now`; events after `now` have not happened yet and are ignored."""
    history = _history(events)
    return SlaState(
        acknowledge=_target_state("acknowledge", history, targets.allowed("acknowledge"), calendar, now),
        resolve=_target_state("resolve", history, targets.allowed("resolve"), calendar, now),
    )


def _history(events: Iterable[tuple[datetime, str]]) -> list[ClockEvent]:
    """Events in time order (ties keep their given order), checked."""
    history = sorted((ClockEvent(at, kind) for at, kind in events), key=lambda event: event.at)
    for event in history:
        if event.kind not in EVENT_KINDS:
            raise ValueError(f"unknown clock event {event.kind!r}")
    if not any(event.kind == "filed" for event in history):
        raise ValueError("the clock has no 'filed' event to start from")
    return history


def _target_state(
    target: Target, history: list[ClockEvent], allowed: timedelta, calendar: BusinessCalendar, now: datetime
) -> TargetState:
    """Elapsed business time, deadline and breach of one target."""
    filed_at = next(event.at for event in history if event.kind == "filed")
    stopped_at = next((e.at for e in history if e.kind in STOPPED_BY[target] and filed_at <= e.at <= now), None)
    # A reader whose clock lags the filing service sees the case as just filed.
    end = max(stopped_at or now, filed_at)
    running, paused = _running_intervals(history, filed_at, end)

    elapsed, deadline, last_running = timedelta(0), None, filed_at
    for begin, finish in running:
        worked = calendar.business_time_between(begin, finish)
        if deadline is None and elapsed + worked >= allowed:
            deadline = calendar.add_business_time(begin, allowed - elapsed)
        elapsed += worked
        last_running = finish
    if deadline is None and not paused:
        deadline = calendar.add_business_time(end, allowed - elapsed)
    # Breached once the clock ran on past the deadline, even over hours that do not count:
    # a deadline at Thursday 14:30 is missed at 14:31, not on Sunday morning.
    breached = deadline is not None and deadline < last_running
    return TargetState(
        target=target,
        allowed=allowed,
        elapsed=elapsed,
        remaining=max(allowed - elapsed, timedelta(0)),
        overdue=max(elapsed - allowed, timedelta(0)),
        deadline=deadline,
        stopped_at=stopped_at,
        paused=paused and stopped_at is None,
        breached=breached,
    )


def _running_intervals(
    history: list[ClockEvent], filed_at: datetime, end: datetime
) -> tuple[list[tuple[datetime, datetime]], bool]:
    """The spans from filing to `end` when the clock ran, and whether it is paused at `end`."""
    running: list[tuple[datetime, datetime]] = []
    since: datetime | None = filed_at
    for event in history:
        if not filed_at <= event.at <= end:
            continue
        # Repeated events (a pause while paused) are redelivered history, not news: ignored.
        if event.kind == "paused" and since is not None:
            running.append((since, event.at))
            since = None
        elif event.kind == "resumed" and since is None:
            since = event.at
    if since is not None:
        running.append((since, end))
    return running, since is None
