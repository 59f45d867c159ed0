"""Events of the notifier service (topic notifier.deliveries). They carry the
subscription's id, never the address a message went to."""

from datetime import datetime
from typing import Literal

from pydantic import Field

from sharik.events.base import Event

Channel = Literal["email", "sms", "cell_broadcast", "webhook"]


class NotificationSent(Event):
    name = "NotificationSent"
    version = 1
    topic = "notifier.deliveries"
    subject_field = "delivery_id"

    delivery_id: str
    subscription_id: str
    channel: Channel
    cause_type: str
    cause_id: str
    attempts: int = Field(ge=1)
    sent_at: datetime


class NotificationFailed(Event):
    """Every retry failed; the delivery is kept and can be retried by an operator."""

    name = "NotificationFailed"
    version = 1
    topic = "notifier.deliveries"
    subject_field = "delivery_id"

    delivery_id: str
    subscription_id: str
    channel: Channel
    cause_type: str
    cause_id: str
    attempts: int = Field(ge=1)
    error: str
    failed_at: datetime
