"""A complaint's status history as SLA clock events, and the rules a deployment configures."""

from datetime import date, datetime, time, timedelta

import pytest

from feedback.config import FeedbackSettings
from feedback.escalation import SlaRules
from feedback.sla.calendar import MUSCAT
from feedback.sla.clock import ClockEvent
from feedback.sla.history import clock_events

FILED = datetime(2027, 1, 14, 13, 0, tzinfo=MUSCAT)


def at(hours: int) -> datetime:
    return FILED + timedelta(hours=hours)


def test_a_new_case_only_starts_the_clock():
    assert clock_events(FILED, [("submitted", FILED)]) == [ClockEvent(FILED, "filed")]


def test_routing_does_not_acknowledge_but_starting_work_does():
    events = clock_events(FILED, [("submitted", FILED), ("routed", at(1)), ("in_progress", at(2))])
    assert events == [ClockEvent(FILED, "filed"), ClockEvent(at(2), "acknowledged")]


def test_waiting_for_the_citizen_pauses_and_leaving_it_resumes():
    history = [
        ("submitted", FILED),
        ("acknowledged", at(1)),
        ("waiting_for_citizen", at(2)),
        ("in_progress", at(5)),
        ("waiting_for_citizen", at(6)),
        ("rejected", at(9)),
    ]
    assert clock_events(FILED, history) == [
        ClockEvent(FILED, "filed"),
        ClockEvent(at(1), "acknowledged"),
        ClockEvent(at(2), "paused"),
        ClockEvent(at(5), "resumed"),
        ClockEvent(at(5), "acknowledged"),
        ClockEvent(at(6), "paused"),
        ClockEvent(at(9), "resumed"),
        ClockEvent(at(9), "resolved"),
    ]


def settings(**values) -> FeedbackSettings:
    return FeedbackSettings(jwt_public_key="a verifying key", environment="test", **values)


def test_settings_give_default_and_per_category_targets_holidays_and_hours():
    rules = SlaRules.of(
        settings(
            sla_categories={"water-leak": {"acknowledge_hours": 2}},
            holidays="2027-01-17, 2027-01-18",
            business_opens=time(8, 0),
        )
    )
    assert rules.policy.default.acknowledge == timedelta(hours=8)
    assert rules.policy.default.resolve == timedelta(hours=70)
    leak = rules.policy.targets_for("water-leak")
    assert (leak.acknowledge, leak.resolve) == (timedelta(hours=2), timedelta(hours=70))
    assert rules.calendar.holidays == {date(2027, 1, 17), date(2027, 1, 18)}
    assert rules.calendar.opens == time(8, 0)


def test_a_misspelt_category_override_is_refused():
    with pytest.raises(ValueError, match="acknowledge_hour"):
        SlaRules.of(settings(sla_categories={"water-leak": {"acknowledge_hour": 2}}))


def test_a_reopening_turns_the_answer_into_a_pause_until_it():
    history = [
        ("submitted", FILED),
        ("acknowledged", at(1)),
        ("in_progress", at(2)),
        ("resolved", at(3)),
        ("closed", at(4)),
        ("in_progress", at(9)),
    ]
    assert clock_events(FILED, history) == [
        ClockEvent(FILED, "filed"),
        ClockEvent(at(1), "acknowledged"),
        ClockEvent(at(2), "acknowledged"),
        ClockEvent(at(3), "paused"),
        ClockEvent(at(9), "resumed"),
        ClockEvent(at(9), "acknowledged"),
    ]
    answered_again = [*history, ("resolved", at(12))]
    assert clock_events(FILED, answered_again)[-1] == ClockEvent(at(12), "resolved")
