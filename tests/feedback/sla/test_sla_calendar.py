"""Oman business time: the working week, government hours, holidays, time zones."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from feedback.sla.calendar import MUSCAT, BusinessCalendar, holidays_from

HOURS = timedelta(hours=1)
GOVERNMENT = BusinessCalendar()
# The holidays these tests declare for National Day; real dates come from the decree.
NATIONAL_DAY = BusinessCalendar(holidays=holidays_from(["2026-11-18", "2026-11-19"]))


def muscat(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A moment in November 2026, Muscat time (1 November 2026 is a Sunday)."""
    return datetime(2026, month, day, hour, minute, tzinfo=MUSCAT)


def test_a_complaint_filed_thursday_afternoon_is_due_on_sunday():
    # Thursday 13:00–14:30 is 1.5 hours; the other 6.5 fall on Sunday from 07:30.
    deadline = GOVERNMENT.add_business_time(muscat(12, 13), 8 * HOURS)

    assert deadline == muscat(15, 14)
    assert deadline.strftime("%A") == "Sunday"
    assert GOVERNMENT.business_time_between(muscat(12, 13), deadline) == 8 * HOURS


def test_friday_and_saturday_do_not_count():
    assert GOVERNMENT.business_time_between(muscat(12, 14, 30), muscat(15, 7, 30)) == timedelta(0)
    assert GOVERNMENT.business_seconds_between(muscat(13, 9), muscat(14, 12)) == 0


def test_a_start_on_the_weekend_counts_from_sunday_opening():
    assert GOVERNMENT.add_business_time(muscat(13, 10), HOURS) == muscat(15, 8, 30)


def test_a_start_before_opening_counts_from_opening():
    assert GOVERNMENT.add_business_time(muscat(16, 6), HOURS) == muscat(16, 8, 30)
    assert GOVERNMENT.business_time_between(muscat(16, 6), muscat(16, 8)) == timedelta(minutes=30)


def test_a_start_after_closing_counts_from_the_next_working_morning():
    assert GOVERNMENT.add_business_time(muscat(16, 15), HOURS) == muscat(17, 8, 30)
    assert GOVERNMENT.add_business_time(muscat(12, 20), HOURS) == muscat(15, 8, 30)


def test_a_deadline_that_uses_the_whole_day_falls_at_closing_not_next_morning():
    assert GOVERNMENT.add_business_time(muscat(15, 7, 30), 7 * HOURS) == muscat(15, 14, 30)


def test_public_holidays_are_skipped():
    # Tuesday 13:00–14:30, then Wednesday and Thursday are National Day, then the weekend.
    deadline = NATIONAL_DAY.add_business_time(muscat(17, 13), 8 * HOURS)

    assert deadline == muscat(22, 14)
    assert NATIONAL_DAY.business_time_between(muscat(17, 13), muscat(22, 14)) == 8 * HOURS
    assert NATIONAL_DAY.business_time_between(muscat(18, 7), muscat(19, 15)) == timedelta(0)
    assert GOVERNMENT.business_time_between(muscat(18, 7), muscat(19, 15)) == 14 * HOURS


def test_ten_working_days_span_two_working_weeks():
    assert GOVERNMENT.add_business_time(muscat(1, 7, 30), 70 * HOURS) == muscat(12, 14, 30)


def test_a_year_holds_seven_hours_for_every_sunday_to_thursday():
    start, end = datetime(2026, 1, 1, tzinfo=MUSCAT), datetime(2027, 1, 1, tzinfo=MUSCAT)
    working_days = sum(
        1
        for n in range(365)
        if (date(2026, 1, 1) + timedelta(days=n)).strftime("%a") in {"Sun", "Mon", "Tue", "Wed", "Thu"}
    )

    assert GOVERNMENT.business_time_between(start, end) == working_days * 7 * HOURS


def test_adding_then_measuring_gives_back_the_duration():
    # A grid of starts every 37 minutes across two weeks with a holiday, and odd durations.
    starts = [muscat(14, 0) + n * timedelta(minutes=37) for n in range(14 * 24 * 60 // 37)]
    durations = [
        timedelta(seconds=1),
        45 * timedelta(minutes=1),
        7 * HOURS,
        8 * HOURS,
        40 * HOURS + timedelta(seconds=17),
    ]
    for start in starts:
        for duration in durations:
            deadline = NATIONAL_DAY.add_business_time(start, duration)
            assert NATIONAL_DAY.business_time_between(start, deadline) == duration, (start, duration)
            # The earliest such moment: a second less of work is not yet done.
            assert NATIONAL_DAY.business_time_between(start, deadline - timedelta(seconds=1)) < duration


def test_no_time_to_add_returns_the_start_itself():
    assert GOVERNMENT.add_business_time(muscat(13, 10), timedelta(0)) == muscat(13, 10)


def test_a_negative_duration_is_refused():
    with pytest.raises(ValueError, match="negative"):
        GOVERNMENT.add_business_time(muscat(15, 10), -HOURS)


def test_measuring_backwards_is_negative():
    assert GOVERNMENT.business_time_between(muscat(15, 12), muscat(15, 10)) == -2 * HOURS


def test_utc_and_muscat_inputs_give_the_same_answer():
    in_muscat = muscat(12, 13)
    in_utc = datetime(2026, 11, 12, 9, tzinfo=UTC)
    in_new_york = in_utc.astimezone(ZoneInfo("America/New_York"))
    assert in_muscat == in_utc == in_new_york

    deadlines = {GOVERNMENT.add_business_time(moment, 8 * HOURS) for moment in (in_muscat, in_utc, in_new_york)}
    assert deadlines == {muscat(15, 14)}
    assert GOVERNMENT.add_business_time(in_utc, 8 * HOURS).tzinfo == MUSCAT
    assert GOVERNMENT.business_time_between(in_utc, datetime(2026, 11, 15, 10, tzinfo=UTC)) == 8 * HOURS


def test_the_local_date_decides_the_day_not_the_utc_date():
    # 22:00 UTC on Saturday is already 02:00 Sunday in Muscat: a working day, before opening.
    saturday_night_utc = datetime(2026, 11, 14, 22, tzinfo=UTC)
    assert GOVERNMENT.add_business_time(saturday_night_utc, HOURS) == muscat(15, 8, 30)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        GOVERNMENT.add_business_time(datetime(2026, 11, 15, 10), HOURS)
    with pytest.raises(ValueError, match="timezone-aware"):
        GOVERNMENT.business_time_between(muscat(15, 10), datetime(2026, 11, 15, 12))


def test_hours_and_working_days_are_configurable():
    private_sector = BusinessCalendar(opens=time(8), closes=time(17), working_days=frozenset({6, 0, 1, 2, 3}))
    assert private_sector.add_business_time(muscat(12, 16), 2 * HOURS) == muscat(15, 9)
    six_days = BusinessCalendar(working_days=frozenset({5, 6, 0, 1, 2, 3}))
    assert six_days.add_business_time(muscat(12, 14), HOURS) == muscat(14, 8)


def test_a_calendar_must_open_before_it_closes_and_work_some_day():
    with pytest.raises(ValueError, match="before closing"):
        BusinessCalendar(opens=time(14, 30), closes=time(7, 30))
    with pytest.raises(ValueError, match="weekday"):
        BusinessCalendar(working_days=frozenset())
    with pytest.raises(ValueError, match="weekday"):
        BusinessCalendar(working_days=frozenset({7}))


def test_holidays_load_from_iso_strings_dates_or_one_configuration_string():
    expected = frozenset({date(2026, 11, 18), date(2026, 11, 19)})
    assert holidays_from(["2026-11-18", " 2026-11-19 "]) == expected
    assert holidays_from([date(2026, 11, 18), "2026-11-19"]) == expected
    assert holidays_from("2026-11-18, 2026-11-19") == expected
    assert holidays_from("2026-11-18 2026-11-19,2026-11-18") == expected
    assert holidays_from("") == frozenset()


def test_bad_holiday_entries_are_refused():
    with pytest.raises(ValueError):
        holidays_from(["18/11/2026"])
    with pytest.raises(ValueError, match="date, not a moment"):
        holidays_from([datetime(2026, 11, 18, tzinfo=MUSCAT)])
