"""Quiet hours: no SMS or email between 22:00 and 07:00 Muscat time, except public
alerts. A message due then is deferred to 07:00, never dropped."""

from datetime import datetime, time, timedelta

from notifier.domain.messages import MUSCAT

QUIET_FROM = time(22, 0)
QUIET_UNTIL = time(7, 0)


def quiet_until(now: datetime) -> datetime | None:
    """When the quiet hours around `now` end, or None outside them."""
    local = now.astimezone(MUSCAT)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return None
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=MUSCAT)
