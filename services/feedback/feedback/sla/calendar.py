"""Oman government business time: which hours count towards an SLA, and deadlines."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MUSCAT = ZoneInfo("Asia/Muscat")

# date.weekday() numbers: Monday is 0, Sunday is 6. Oman's week runs Sunday to Thursday
# (the weekend moved to Friday and Saturday in 2013).
SUNDAY_TO_THURSDAY = frozenset({6, 0, 1, 2, 3})


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days, opening hours and public holidays, all read in one time zone."""

    # The government day. Holidays are configuration, not rules: the religious ones follow
    # the moon sighting and every year's dates are announced by decree.
    opens: time = time(7, 30)
    closes: time = time(14, 30)
    holidays: frozenset[date] = frozenset()
    working_days: frozenset[int] = SUNDAY_TO_THURSDAY
    zone: ZoneInfo = MUSCAT

    def __post_init__(self) -> None:
        if self.opens >= self.closes:
            raise ValueError(f"opening time {self.opens} must be before closing time {self.closes}")
        if not self.working_days or not self.working_days <= set(range(7)):
            raise ValueError(f"working days must be weekday numbers 0..6, got {sorted(self.working_days)}")

    def is_working_day(self, day: date) -> bool:
        """Whether the offices open on this local date."""
        return day.weekday() in self.working_days and day not in self.holidays

    def business_seconds_between(self, start: datetime, end: datetime) -> float:
        """Business seconds from start to end; negative when end is before start."""
        return self.business_time_between(start, end).total_seconds()

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Opening hours from start to end; negative when end is before start."""
        start_utc, end_utc = _utc(start), _utc(end)
        if end_utc < start_utc:
            return -self.business_time_between(end, start)
        total = timedelta(0)
        day, last_day = self._local_date(start_utc), self._local_date(end_utc)
        while day <= last_day:
            if hours := self._opening_hours(day):
                opens, closes = hours
                total += max(timedelta(0), min(end_utc, closes) - max(start_utc, opens))
            day += timedelta(days=1)
        return total

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest moment by which `duration` of opening hours has passed since start."""
        if duration < timedelta(0):
            raise ValueError(f"duration must not be negative, got {duration}")
        start_utc = _utc(start)
        if not duration:
            return start_utc.astimezone(self.zone)
        remaining, day = duration, self._local_date(start_utc)
        # Ends because holidays are finite and at least one weekday is a working day.
        while True:
            if hours := self._opening_hours(day):
                opens, closes = hours
                begin = max(start_utc, opens)
                if begin < closes:
                    if remaining <= closes - begin:
                        return (begin + remaining).astimezone(self.zone)
                    remaining -= closes - begin
            day += timedelta(days=1)

    def _opening_hours(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's opening and closing instants in UTC, or None when the offices are shut."""
        if not self.is_working_day(day):
            return None
        # Arithmetic in UTC: subtracting two datetimes of one ZoneInfo ignores offset changes.
        opens = datetime.combine(day, self.opens, tzinfo=self.zone).astimezone(UTC)
        closes = datetime.combine(day, self.closes, tzinfo=self.zone).astimezone(UTC)
        return opens, closes

    def _local_date(self, moment: datetime) -> date:
        """The calendar date of a moment where the offices are."""
        return moment.astimezone(self.zone).date()


def holidays_from(entries: str | Iterable[str | date]) -> frozenset[date]:
    """Holiday dates from dates, ISO strings, or one string of ISO dates split by commas or spaces."""
    if isinstance(entries, str):
        entries = entries.replace(",", " ").split()
    holidays = set()
    for entry in entries:
        # A datetime is a date too, but never equals one, so it would silently not match.
        if isinstance(entry, datetime):
            raise ValueError(f"a holiday is a date, not a moment: {entry!r}")
        holidays.add(entry if isinstance(entry, date) else date.fromisoformat(entry.strip()))
    return frozenset(holidays)


def _utc(moment: datetime) -> datetime:
    """The same instant in UTC; a naive datetime is refused rather than guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is required, got {moment!r}")
    return moment.astimezone(UTC)
