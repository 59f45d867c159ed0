from datetime import UTC, datetime

import pytest

from notifier.domain.messages import MUSCAT
from notifier.domain.quiet import quiet_until


@pytest.mark.parametrize(
    ("local", "until"),
    [
        (datetime(2026, 12, 1, 21, 59, tzinfo=MUSCAT), None),
        (datetime(2026, 12, 1, 22, 0, tzinfo=MUSCAT), datetime(2026, 12, 2, 7, 0, tzinfo=MUSCAT)),
        (datetime(2026, 12, 1, 23, 30, tzinfo=MUSCAT), datetime(2026, 12, 2, 7, 0, tzinfo=MUSCAT)),
        (datetime(2026, 12, 2, 3, 0, tzinfo=MUSCAT), datetime(2026, 12, 2, 7, 0, tzinfo=MUSCAT)),
        (datetime(2026, 12, 2, 6, 59, tzinfo=MUSCAT), datetime(2026, 12, 2, 7, 0, tzinfo=MUSCAT)),
        (datetime(2026, 12, 2, 7, 0, tzinfo=MUSCAT), None),
    ],
)
def test_quiet_hours_run_from_22_to_07_muscat_time(local, until):
    assert quiet_until(local) == until


def test_quiet_hours_are_reckoned_in_muscat_whatever_the_clock_zone():
    # 19:00 UTC is 23:00 in Muscat.
    assert quiet_until(datetime(2026, 12, 1, 19, 0, tzinfo=UTC)) == datetime(2026, 12, 2, 7, 0, tzinfo=MUSCAT)
