"""The SLA clock of one case: elapsed business time, deadlines, pauses, breaches."""

from datetime import UTC, datetime, timedelta

import pytest

from feedback.sla.calendar import MUSCAT, BusinessCalendar, holidays_from
from feedback.sla.clock import ClockEvent, SlaPolicy, SlaTargets, sla_state

HOURS = timedelta(hours=1)
SECOND = timedelta(seconds=1)
GOVERNMENT = BusinessCalendar()
NATIONAL_DAY = BusinessCalendar(holidays=holidays_from(["2026-11-18", "2026-11-19"]))
TARGETS = SlaTargets(acknowledge=8 * HOURS, resolve=35 * HOURS)


def muscat(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, Muscat time (1 November 2026 is a Sunday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=MUSCAT)


def filed(at: datetime, *events: tuple[datetime, str]) -> list[ClockEvent]:
    return [ClockEvent(at, "filed"), *(ClockEvent(moment, kind) for moment, kind in events)]


def test_a_fresh_complaint_filed_thursday_afternoon_is_due_for_acknowledgement_on_sunday():
    state = sla_state(filed(muscat(12, 13)), TARGETS, GOVERNMENT, now=muscat(12, 14))

    ack = state.acknowledge
    assert (ack.target, ack.allowed, ack.elapsed, ack.remaining) == ("acknowledge", 8 * HOURS, HOURS, 7 * HOURS)
    assert ack.deadline == muscat(15, 14)
    assert (ack.breached, ack.paused, ack.stopped_at, ack.overdue) == (False, False, None, timedelta(0))
    assert state.resolve.deadline == GOVERNMENT.add_business_time(muscat(12, 13), 35 * HOURS)
    assert state.targets == (state.acknowledge, state.resolve)


def test_the_weekend_adds_nothing_to_elapsed_time():
    friday = sla_state(filed(muscat(12, 13)), TARGETS, GOVERNMENT, now=muscat(13, 12))
    assert friday.acknowledge.elapsed == 1.5 * HOURS
    assert friday.acknowledge.deadline == muscat(15, 14)


def test_holidays_push_the_deadline():
    state = sla_state(filed(muscat(17, 13)), TARGETS, NATIONAL_DAY, now=muscat(19, 10))
    assert state.acknowledge.elapsed == 1.5 * HOURS
    assert state.acknowledge.deadline == muscat(22, 14)


def test_acknowledging_stops_the_acknowledge_clock_but_not_the_resolve_clock():
    events = filed(muscat(12, 13), (muscat(15, 10), "acknowledged"))
    state = sla_state(events, TARGETS, GOVERNMENT, now=muscat(16, 10))

    assert state.acknowledge.stopped_at == muscat(15, 10)
    assert state.acknowledge.elapsed == 4 * HOURS
    assert state.acknowledge.deadline == muscat(15, 14)
    assert not state.acknowledge.breached
    assert state.resolve.stopped_at is None
    assert state.resolve.elapsed == 1.5 * HOURS + 7 * HOURS + 2.5 * HOURS


def test_resolving_or_rejecting_stops_both_clocks():
    events = filed(muscat(12, 13), (muscat(15, 9), "resolved"))
    state = sla_state(events, TARGETS, GOVERNMENT, now=muscat(30, 10))

    assert state.acknowledge.stopped_at == state.resolve.stopped_at == muscat(15, 9)
    assert state.acknowledge.elapsed == state.resolve.elapsed == 3 * HOURS
    assert not state.acknowledge.breached and not state.resolve.breached


class TestBreachAtTheBoundary:
    """Filed Sunday 07:30 with 8 hours to acknowledge: due Monday 08:30."""

    EVENTS = filed(muscat(15, 7, 30))
    DEADLINE = muscat(16, 8, 30)

    def test_the_deadline_itself_is_not_a_breach(self):
        ack = sla_state(self.EVENTS, TARGETS, GOVERNMENT, now=self.DEADLINE).acknowledge
        assert ack.deadline == self.DEADLINE
        assert (ack.elapsed, ack.remaining, ack.overdue, ack.breached) == (8 * HOURS, timedelta(0), timedelta(0), False)

    def test_one_second_later_is(self):
        ack = sla_state(self.EVENTS, TARGETS, GOVERNMENT, now=self.DEADLINE + SECOND).acknowledge
        assert ack.deadline == self.DEADLINE
        assert (ack.elapsed, ack.remaining, ack.overdue, ack.breached) == (
            8 * HOURS + SECOND,
            timedelta(0),
            SECOND,
            True,
        )

    def test_acknowledging_at_the_deadline_meets_it(self):
        events = [*self.EVENTS, (self.DEADLINE, "acknowledged")]
        ack = sla_state(events, TARGETS, GOVERNMENT, now=muscat(30, 10)).acknowledge
        assert (ack.stopped_at, ack.breached, ack.elapsed) == (self.DEADLINE, False, 8 * HOURS)

    def test_acknowledging_one_second_late_misses_it_for_good(self):
        events = [*self.EVENTS, (self.DEADLINE + SECOND, "acknowledged")]
        ack = sla_state(events, TARGETS, GOVERNMENT, now=muscat(30, 10)).acknowledge
        assert (ack.breached, ack.overdue, ack.deadline) == (True, SECOND, self.DEADLINE)


def test_a_deadline_at_closing_time_is_missed_that_afternoon_not_on_sunday_morning():
    events = filed(muscat(12, 7, 30))
    at_closing = sla_state(events, SlaTargets(7 * HOURS, 35 * HOURS), GOVERNMENT, now=muscat(12, 14, 30))
    after_closing = sla_state(events, SlaTargets(7 * HOURS, 35 * HOURS), GOVERNMENT, now=muscat(12, 14, 31))

    assert at_closing.acknowledge.deadline == muscat(12, 14, 30)
    assert not at_closing.acknowledge.breached
    # No business time has passed since closing, yet the deadline is behind us.
    assert after_closing.acknowledge.breached
    assert after_closing.acknowledge.overdue == timedelta(0)


class TestPauses:
    """Filed Sunday 07:30; waits for the citizen from Sunday 09:30 to Monday 09:30."""

    EVENTS = filed(muscat(15, 7, 30), (muscat(15, 9, 30), "paused"), (muscat(16, 9, 30), "resumed"))

    def test_paused_time_does_not_count_and_the_deadline_moves(self):
        ack = sla_state(self.EVENTS, TARGETS, GOVERNMENT, now=muscat(16, 10, 30)).acknowledge
        assert ack.elapsed == 3 * HOURS
        # 2 hours before the pause; of the 6 left, 5 run to Monday's closing, 1 on Tuesday.
        assert ack.deadline == muscat(17, 8, 30)
        assert not ack.breached and not ack.paused

    def test_while_paused_the_clock_stands_still_and_has_no_deadline(self):
        for now in (muscat(15, 10), muscat(15, 14), muscat(16, 9)):
            ack = sla_state(self.EVENTS, TARGETS, GOVERNMENT, now=now).acknowledge
            assert (ack.elapsed, ack.paused, ack.deadline, ack.breached) == (2 * HOURS, True, None, False)

    def test_a_long_wait_for_the_citizen_is_no_breach(self):
        events = filed(muscat(15, 7, 30), (muscat(15, 9, 30), "paused"), (muscat(26, 9, 30), "resumed"))
        ack = sla_state(events, TARGETS, GOVERNMENT, now=muscat(26, 10)).acknowledge
        assert (ack.elapsed, ack.breached, ack.deadline) == (2.5 * HOURS, False, muscat(29, 8, 30))

    def test_a_pause_after_the_deadline_does_not_undo_the_breach(self):
        events = filed(muscat(15, 7, 30), (muscat(16, 9, 30), "paused"))
        ack = sla_state(events, TARGETS, GOVERNMENT, now=muscat(20, 10)).acknowledge
        assert (ack.breached, ack.paused, ack.elapsed, ack.overdue) == (True, True, 9 * HOURS, HOURS)
        assert ack.deadline == muscat(16, 8, 30)

    def test_pausing_exactly_at_the_deadline_is_no_breach(self):
        events = filed(muscat(15, 7, 30), (muscat(16, 8, 30), "paused"))
        ack = sla_state(events, TARGETS, GOVERNMENT, now=muscat(20, 10)).acknowledge
        assert (ack.breached, ack.remaining, ack.deadline) == (False, timedelta(0), muscat(16, 8, 30))

    def test_several_pauses_add_up(self):
        events = filed(
            muscat(15, 7, 30),
            (muscat(15, 8, 30), "paused"),
            (muscat(15, 9, 30), "resumed"),
            (muscat(15, 10, 30), "paused"),
            (muscat(15, 12, 30), "resumed"),
        )
        ack = sla_state(events, TARGETS, GOVERNMENT, now=muscat(15, 13, 30)).acknowledge
        assert ack.elapsed == 3 * HOURS
        assert ack.deadline == muscat(16, 11, 30)

    def test_a_case_answered_while_paused_is_stopped_not_paused(self):
        events = [*self.EVENTS[:2], (muscat(15, 11), "resolved")]
        state = sla_state(events, TARGETS, GOVERNMENT, now=muscat(20, 10))
        assert (state.resolve.paused, state.resolve.stopped_at, state.resolve.elapsed) == (
            False,
            muscat(15, 11),
            2 * HOURS,
        )


def test_redelivered_and_redundant_events_change_nothing():
    clean = filed(
        muscat(15, 7, 30),
        (muscat(15, 9, 30), "paused"),
        (muscat(16, 9, 30), "resumed"),
        (muscat(16, 10), "acknowledged"),
    )
    noisy = [
        *clean,
        (muscat(15, 7, 45), "resumed"),  # resuming a clock that runs
        (muscat(15, 11), "paused"),  # pausing a paused clock
        (muscat(16, 9, 30), "resumed"),  # the same event delivered twice
        (muscat(16, 11), "acknowledged"),  # a second acknowledgement
    ]
    now = muscat(17, 12)
    assert sla_state(noisy, TARGETS, GOVERNMENT, now) == sla_state(clean, TARGETS, GOVERNMENT, now)


def test_the_order_events_arrive_in_does_not_matter():
    events = filed(
        muscat(15, 7, 30),
        (muscat(15, 9, 30), "paused"),
        (muscat(16, 9, 30), "resumed"),
        (muscat(16, 10), "acknowledged"),
    )
    now = muscat(17, 12)
    assert sla_state(list(reversed(events)), TARGETS, GOVERNMENT, now) == sla_state(events, TARGETS, GOVERNMENT, now)


def test_reading_the_clock_in_the_past_ignores_later_events():
    history = filed(
        muscat(15, 7, 30),
        (muscat(15, 9, 30), "paused"),
        (muscat(16, 9, 30), "resumed"),
        (muscat(16, 10), "acknowledged"),
    )
    then = muscat(15, 12)
    known_then = [event for event in history if event.at <= then]
    assert sla_state(history, TARGETS, GOVERNMENT, then) == sla_state(known_then, TARGETS, GOVERNMENT, then)


def test_plain_tuples_work_as_events():
    tuples = [(muscat(15, 7, 30), "filed"), (muscat(15, 9), "acknowledged")]
    named = filed(muscat(15, 7, 30), (muscat(15, 9), "acknowledged"))
    now = muscat(15, 12)
    assert sla_state(tuples, TARGETS, GOVERNMENT, now) == sla_state(named, TARGETS, GOVERNMENT, now)


def test_utc_and_muscat_histories_read_the_same():
    in_muscat = filed(muscat(12, 13), (muscat(15, 9), "paused"), (muscat(15, 11), "resumed"))
    in_utc = [ClockEvent(event.at.astimezone(UTC), event.kind) for event in in_muscat]
    utc_state = sla_state(in_utc, TARGETS, GOVERNMENT, now=datetime(2026, 11, 15, 8, tzinfo=UTC))
    muscat_state = sla_state(in_muscat, TARGETS, GOVERNMENT, now=muscat(15, 12))

    assert utc_state == muscat_state
    # 1.5 h on Thursday, 1.5 h on Sunday before the pause, 1 h since: 4 h left from Sunday noon.
    assert utc_state.acknowledge.elapsed == 4 * HOURS
    assert utc_state.acknowledge.deadline == muscat(16, 9)


def test_a_reader_whose_clock_lags_sees_the_case_as_just_filed():
    ack = sla_state(filed(muscat(15, 10)), TARGETS, GOVERNMENT, now=muscat(15, 9, 59)).acknowledge
    assert (ack.elapsed, ack.breached, ack.deadline) == (timedelta(0), False, muscat(16, 11))


def test_a_history_without_filing_or_with_unknown_events_is_refused():
    with pytest.raises(ValueError, match="filed"):
        sla_state([(muscat(15, 10), "acknowledged")], TARGETS, GOVERNMENT, now=muscat(15, 11))
    with pytest.raises(ValueError, match="unknown clock event 'escalated'"):
        sla_state(filed(muscat(15, 10), (muscat(15, 11), "escalated")), TARGETS, GOVERNMENT, now=muscat(15, 12))


def test_targets_follow_the_category_with_a_default():
    streetlights = SlaTargets(acknowledge=4 * HOURS, resolve=14 * HOURS)
    policy = SlaPolicy(default=TARGETS, categories={"street-lighting": streetlights})
    assert policy.targets_for("street-lighting") == streetlights
    assert policy.targets_for("noise") == TARGETS


def test_targets_must_be_positive_and_resolve_no_sooner_than_acknowledge():
    with pytest.raises(ValueError, match="positive"):
        SlaTargets(acknowledge=timedelta(0), resolve=HOURS)
    with pytest.raises(ValueError, match="shorter"):
        SlaTargets(acknowledge=8 * HOURS, resolve=4 * HOURS)
