"""The escalation ladder: one rung at a time, each recorded exactly once."""

from datetime import datetime, timedelta

import pytest

from feedback.sla.calendar import MUSCAT, BusinessCalendar
from feedback.sla.clock import ClockEvent, SlaState, SlaTargets, sla_state
from feedback.sla.escalation import LADDER, Escalation, EscalationPolicy, next_escalation

HOURS = timedelta(hours=1)
GOVERNMENT = BusinessCalendar()
TARGETS = SlaTargets(acknowledge=8 * HOURS, resolve=70 * HOURS)
# Filed Sunday 15 November 07:30: acknowledge due Monday 16 08:30, resolve Thursday 26 14:30.
FILED = [ClockEvent(datetime(2026, 11, 15, 7, 30, tzinfo=MUSCAT), "filed")]
ACK_DEADLINE = datetime(2026, 11, 16, 8, 30, tzinfo=MUSCAT)


def state_at(now: datetime, events: list = FILED) -> SlaState:
    return sla_state(events, TARGETS, GOVERNMENT, now)


def after_deadline(business: timedelta) -> datetime:
    """The moment the acknowledge clock is `business` time overdue."""
    return GOVERNMENT.add_business_time(ACK_DEADLINE, business)


class Scheduler:
    """What the feedback scheduler will do: record each decision under its breach id."""

    def __init__(self) -> None:
        self.reached: dict[str, str] = {}
        self.recorded: list[str] = []

    def tick(self, state: SlaState) -> list[Escalation]:
        decisions = []
        while escalation := next_escalation("c1", state, self.reached):
            assert escalation.breach_id not in self.recorded, "escalated twice"
            self.recorded.append(escalation.breach_id)
            self.reached[escalation.target] = escalation.level
            decisions.append(escalation)
        return decisions


def test_nothing_is_due_before_the_deadline_or_at_it():
    assert next_escalation("c1", state_at(ACK_DEADLINE - HOURS), {}) is None
    assert next_escalation("c1", state_at(ACK_DEADLINE), {}) is None


def test_the_unit_head_hears_of_the_breach_first():
    escalation = next_escalation("c1", state_at(ACK_DEADLINE + timedelta(seconds=1)), {})
    assert escalation == Escalation(
        case_id="c1",
        target="acknowledge",
        level="unit_head",
        reason="acknowledge_breached",
        breach_id="c1:acknowledge:unit_head",
    )


def test_the_same_inputs_give_the_same_decision():
    state = state_at(after_deadline(3 * HOURS))
    assert next_escalation("c1", state, {}) == next_escalation("c1", state, {})
    assert next_escalation("c1", state, {"acknowledge": "unit_head"}) is None


def test_the_ladder_climbs_one_working_day_then_three_past_the_deadline():
    reached = {"acknowledge": "unit_head"}
    assert next_escalation("c1", state_at(after_deadline(7 * HOURS - timedelta(seconds=1))), reached) is None
    assert next_escalation("c1", state_at(after_deadline(7 * HOURS)), reached).level == "agency_admin"

    reached = {"acknowledge": "agency_admin"}
    assert next_escalation("c1", state_at(after_deadline(20 * HOURS)), reached) is None
    top = next_escalation("c1", state_at(after_deadline(21 * HOURS)), reached)
    assert (top.level, top.breach_id) == ("platform_operator", "c1:acknowledge:platform_operator")

    assert next_escalation("c1", state_at(after_deadline(40 * HOURS)), {"acknowledge": "platform_operator"}) is None


def test_a_scheduler_ticking_every_half_hour_records_each_rung_exactly_once():
    scheduler = Scheduler()
    ticks = [FILED[0].at + n * timedelta(minutes=30) for n in range(2 * 24 * 14)]
    for now in ticks:
        scheduler.tick(state_at(now))
    # Replaying every tick, as after a restart, records nothing more.
    for now in ticks:
        assert scheduler.tick(state_at(now)) == []

    assert scheduler.recorded == [
        "c1:acknowledge:unit_head",
        "c1:acknowledge:agency_admin",
        "c1:acknowledge:platform_operator",
        "c1:resolve:unit_head",
    ]


def test_a_scheduler_that_was_down_climbs_every_missed_rung_in_order():
    decisions = Scheduler().tick(state_at(after_deadline(30 * HOURS)))
    assert [decision.level for decision in decisions] == list(LADDER)


def test_an_acknowledged_case_is_not_escalated_even_if_it_was_late():
    events = [*FILED, ClockEvent(after_deadline(HOURS), "acknowledged")]
    state = state_at(after_deadline(30 * HOURS), events)
    assert state.acknowledge.breached
    assert next_escalation("c1", state, {}) is None


def test_each_target_has_its_own_ladder_acknowledge_first():
    events = [*FILED, ClockEvent(after_deadline(HOURS), "acknowledged")]
    late_resolve = datetime(2026, 11, 29, 9, tzinfo=MUSCAT)
    escalation = next_escalation("c1", state_at(late_resolve, events), {"acknowledge": "platform_operator"})
    assert (escalation.target, escalation.level, escalation.reason, escalation.breach_id) == (
        "resolve",
        "unit_head",
        "resolve_breached",
        "c1:resolve:unit_head",
    )

    both_open = state_at(late_resolve)
    assert next_escalation("c1", both_open, {}).target == "acknowledge"
    assert next_escalation("c1", both_open, {"acknowledge": "platform_operator"}).target == "resolve"


def test_waiting_for_the_citizen_holds_the_ladder_where_it_is():
    events = [*FILED, ClockEvent(after_deadline(2 * HOURS), "paused")]
    state = state_at(after_deadline(50 * HOURS), events)
    assert state.acknowledge.overdue == 2 * HOURS
    assert next_escalation("c1", state, {}).level == "unit_head"
    assert next_escalation("c1", state, {"acknowledge": "unit_head"}) is None


def test_the_breach_id_names_the_case():
    state = state_at(after_deadline(HOURS))
    assert next_escalation("case-42", state, {}).breach_id == "case-42:acknowledge:unit_head"


def test_thresholds_are_configurable_and_must_rise():
    patient = EscalationPolicy(
        unit_head_after=2 * HOURS, agency_admin_after=14 * HOURS, platform_operator_after=35 * HOURS
    )
    assert next_escalation("c1", state_at(after_deadline(HOURS)), {}, patient) is None
    assert next_escalation("c1", state_at(after_deadline(2 * HOURS)), {}, patient).level == "unit_head"

    with pytest.raises(ValueError, match="rising"):
        EscalationPolicy(agency_admin_after=21 * HOURS, platform_operator_after=7 * HOURS)
    with pytest.raises(ValueError, match="non-negative"):
        EscalationPolicy(unit_head_after=-HOURS)
