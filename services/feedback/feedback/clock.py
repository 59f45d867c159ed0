"""The time the service stamps on records and events."""

from datetime import UTC, datetime


def now() -> datetime:
    """Now in UTC, to the millisecond the store keeps, so events and reads agree."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
