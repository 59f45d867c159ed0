"""Notification deliveries, one document per delivery, so a duplicate never counts twice.

An operator may retry a failed delivery, which may then be sent; `outcome` only rises
(failed < sent), so the order the two events are applied in does not matter."""

from reporting.projections.change import DELIVERIES, Change
from sharik.events.notifier import NotificationFailed, NotificationSent

FAILED = 1
SENT = 2
OUTCOMES = {FAILED: "failed", SENT: "sent"}


def notification_sent(event: NotificationSent) -> list[Change]:
    """The delivery reached its channel."""
    return _delivery(event.delivery_id, event.channel, event.cause_type, event.cause_id, SENT)


def notification_failed(event: NotificationFailed) -> list[Change]:
    """Every attempt of the delivery failed (so far)."""
    return _delivery(event.delivery_id, event.channel, event.cause_type, event.cause_id, FAILED)


def _delivery(delivery_id: str, channel: str, cause_type: str, cause_id: str, outcome: int) -> list[Change]:
    update = {
        "$set": {"channel": channel, "cause_type": cause_type, "cause_id": cause_id},
        "$max": {"outcome": outcome},
    }
    return [Change(DELIVERIES, delivery_id, update)]
