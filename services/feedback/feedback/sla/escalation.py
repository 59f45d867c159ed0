"""The escalation ladder: who is told, and when, that a case has missed its SLA."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from feedback.sla.clock import SlaState, Target

Level = Literal["unit_head", "agency_admin", "platform_operator"]

# Lowest rung first: the unit that holds the case, then its agency, then the platform.
LADDER: tuple[Level, ...] = ("unit_head", "agency_admin", "platform_operator")

Reason = Literal["acknowledge_breached", "resolve_breached"]
REASONS: dict[Target, Reason] = {"acknowledge": "acknowledge_breached", "resolve": "resolve_breached"}


@dataclass(frozen=True)
class EscalationPolicy:
    """How far past a deadline, in business time, each rung is reached."""

    # The unit head hears at the breach itself; the agency and the platform only if the case
    # is still unanswered one, then three government working days (7 hours each) later.
    unit_head_after: timedelta = timedelta(0)
    agency_admin_after: timedelta = timedelta(hours=7)
    platform_operator_after: timedelta = timedelta(hours=21)

    def __post_init__(self) -> None:
        thresholds = [self.threshold(level) for level in LADDER]
        if thresholds[0] < timedelta(0) or thresholds != sorted(thresholds):
            raise ValueError(f"escalation thresholds must be non-negative and rising, got {thresholds}")

    def threshold(self, level: Level) -> timedelta:
        """The business time past the deadline at which this rung is due."""
        return getattr(self, f"{level}_after")


@dataclass(frozen=True)
class Escalation:
    """A rung due for one breached target; record it under `breach_id` exactly once."""

    case_id: str
    target: Target
    level: Level
    reason: Reason
    breach_id: str


def next_escalation(
    case_id: str,
    state: SlaState,
    reached: Mapping[Target, Level],
    policy: EscalationPolicy = EscalationPolicy(),
) -> Escalation | None:
    """The next rung due above the one reached, acknowledge before resolve; None when none is."""
    for standing in state.targets:
        # A stopped clock needs no one to act; its breach stays on record in the SLA state.
        if not standing.breached or standing.stopped_at is not None:
            continue
        level = _next_rung(reached.get(standing.target))
        if level is not None and standing.overdue >= policy.threshold(level):
            return Escalation(
                case_id=case_id,
                target=standing.target,
                level=level,
                reason=REASONS[standing.target],
                breach_id=f"{case_id}:{standing.target}:{level}",
            )
    return None


def _next_rung(reached: Level | None) -> Level | None:
    """The rung above the one reached; the lowest when none is, None at the top."""
    if reached is None:
        return LADDER[0]
    following = LADDER.index(reached) + 1
    return LADDER[following] if following < len(LADDER) else None
