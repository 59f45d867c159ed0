"""The background job that escalates complaints past their SLA, one rung at a time.

Every replica runs it. Each rung is recorded by inserting a document whose `_id` is the
breach id, with its ComplaintEscalated event in the same insert: the unique `_id` lets
exactly one replica (or pass) record a rung, so nobody is told twice of one breach."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog

from feedback.config import FeedbackSettings
from feedback.escalation_store import EscalationStore
from feedback.sla.calendar import BusinessCalendar, holidays_from
from feedback.sla.clock import SlaPolicy, SlaState, SlaTargets, sla_state
from feedback.sla.escalation import Escalation, EscalationPolicy, next_escalation
from feedback.sla.history import clock_events
from sharik.events import Envelope
from sharik.events.feedback import ComplaintEscalated

log = structlog.get_logger(__name__)

SOURCE = "feedback"


@dataclass(frozen=True)
class SlaRules:
    """What the scheduler measures against: targets, the business calendar, the ladder."""

    policy: SlaPolicy
    calendar: BusinessCalendar
    ladder: EscalationPolicy = EscalationPolicy()

    @classmethod
    def of(cls, settings: FeedbackSettings) -> "SlaRules":
        """The rules a deployment configured; a category override may give one target or both."""
        default = SlaTargets(
            acknowledge=timedelta(hours=settings.sla_acknowledge_hours),
            resolve=timedelta(hours=settings.sla_resolve_hours),
        )
        for category, hours in settings.sla_categories.items():
            if unknown := set(hours) - {"acknowledge_hours", "resolve_hours"}:
                raise ValueError(f"SLA of category {category!r}: unknown keys {sorted(unknown)}")
        categories = {
            category: SlaTargets(
                acknowledge=timedelta(hours=hours.get("acknowledge_hours", settings.sla_acknowledge_hours)),
                resolve=timedelta(hours=hours.get("resolve_hours", settings.sla_resolve_hours)),
            )
            for category, hours in settings.sla_categories.items()
        }
        calendar = BusinessCalendar(
            opens=settings.business_opens, closes=settings.business_closes, holidays=holidays_from(settings.holidays)
        )
        return cls(policy=SlaPolicy(default=default, categories=categories), calendar=calendar)


class EscalationScheduler:
    """Every `every_seconds`, escalates each open complaint up every rung now due."""

    def __init__(
        self,
        store: EscalationStore,
        rules: SlaRules,
        *,
        clock: Callable[[], datetime],
        every_seconds: float,
        on_saved: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._rules = rules
        self._clock = clock
        self._every = every_seconds
        self._on_saved = on_saved

    async def run_once(self) -> int:
        """Escalate what is due now; return how many rungs this pass recorded."""
        now = self._clock()
        recorded = 0
        async for complaint in self._store.open_complaints():
            try:
                recorded += await self._escalate(complaint, now)
            except (KeyError, TypeError, ValueError) as error:
                # One unreadable case must not hold back everyone else's escalations.
                log.error("cannot read the SLA of a complaint", complaint_id=complaint["_id"], error=repr(error))
        if recorded:
            self._on_saved()
        return recorded

    async def run(self) -> None:
        """Escalate due complaints forever, every `every_seconds`."""
        while True:
            try:
                await self.run_once()
            except Exception as error:  # noqa: BLE001 - keep escalating after an outage
                log.warning("escalating complaints failed; retrying", error=repr(error))
            await asyncio.sleep(self._every)

    async def _escalate(self, complaint: dict[str, Any], now: datetime) -> int:
        """Climb one complaint's ladder until no rung is due; count the rungs this call recorded."""
        history = [(change["status"], change["at"]) for change in complaint["history"]]
        targets = self._rules.policy.targets_for(complaint["category"])
        state = sla_state(clock_events(complaint["filed_at"], history), targets, self._rules.calendar, now)
        reached = await self._store.reached(complaint["_id"])
        recorded = 0
        # Ends: every call climbs one rung of a finite ladder.
        while (escalation := next_escalation(complaint["_id"], state, reached, self._rules.ladder)) is not None:
            document, event = _recorded(complaint, escalation, state, now)
            if await self._store.record(document, [event]):
                recorded += 1
                log.info("complaint escalated", breach_id=escalation.breach_id)
            # Recorded here or by another replica: either way the rung is reached.
            reached[escalation.target] = escalation.level
        return recorded


def _recorded(
    complaint: dict[str, Any], escalation: Escalation, state: SlaState, now: datetime
) -> tuple[dict[str, Any], Envelope]:
    """The escalation document and its event."""
    deadline = getattr(state, escalation.target).deadline
    document = {
        "_id": escalation.breach_id,
        "complaint_id": escalation.case_id,
        "agency": complaint["agency"],
        "category": complaint["category"],
        "confidential": complaint.get("confidential", False),
        "target": escalation.target,
        "level": escalation.level,
        "reason": escalation.reason,
        "deadline": deadline,
        "escalated_at": now,
    }
    event = ComplaintEscalated(
        complaint_id=escalation.case_id,
        agency=complaint["agency"],
        category=complaint["category"],
        target=escalation.target,
        level=escalation.level,
        breach_id=escalation.breach_id,
        deadline=deadline,
        escalated_at=now,
    )
    return document, Envelope(source=SOURCE, agency=complaint["agency"], event=event)
