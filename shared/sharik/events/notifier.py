"""Events of the notifier service (topics notifier.deliveries and notifier.alerts). They
carry the subscription's id, never the address a message went to."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from sharik.events.base import Event, LocalizedText

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


# Public alerts (topic notifier.alerts, keyed by the alert so an alert's issue and its
# operators' acknowledgements stay in order). Alerts are public: these carry what the
# CAP document says, never who drafted or approved it.

AlertStatus = Literal["Actual", "Exercise", "Test"]
Operator = Annotated[str, Field(min_length=1, max_length=64)]


class _AlertFacts(Event):
    topic = "notifier.alerts"
    subject_field = "alert_id"

    alert_id: str
    agency: str
    identifier: str
    """CAP's <identifier>; with `sender` and `sent` it names the alert in <references>."""
    sender: str
    sent: datetime
    status: AlertStatus
    references: tuple[str, ...] = ()
    """Alert ids of every earlier alert of the chain, oldest first."""
    categories: tuple[str, ...]
    urgency: str
    severity: str
    certainty: str
    headline: LocalizedText
    onset: datetime
    expires: datetime
    geocodes: tuple[str, ...] = ()
    """The area's codes as `governorate:<slug>` or `wilayat:<slug>`."""
    polygons: int = Field(ge=0)
    circles: int = Field(ge=0)
    operators: tuple[Operator, ...]
    """The cell broadcast centres it is handed to; each answers with a Broadcast* event."""


class AlertIssued(_AlertFacts):
    """An alert authority issued a new alert (CAP msgType Alert)."""

    name = "AlertIssued"
    version = 1


class AlertUpdated(_AlertFacts):
    """An alert superseding the last of `references` (CAP msgType Update)."""

    name = "AlertUpdated"
    version = 1


class AlertCancelled(_AlertFacts):
    """An alert cancelling the last of `references` (CAP msgType Cancel)."""

    name = "AlertCancelled"
    version = 1


class BroadcastAcknowledged(Event):
    """An operator's cell broadcast centre acknowledged an alert."""

    name = "BroadcastAcknowledged"
    version = 1
    topic = "notifier.alerts"
    subject_field = "alert_id"

    alert_id: str
    operator: Operator
    endpoint: Literal["primary", "secondary"]
    attempts: int = Field(ge=1)
    acknowledged_at: datetime


class BroadcastFailed(Event):
    """Every attempt at both of an operator's endpoints failed; the hand-off is kept
    and an operator of the platform can retry it."""

    name = "BroadcastFailed"
    version = 1
    topic = "notifier.alerts"
    subject_field = "alert_id"

    alert_id: str
    operator: Operator
    attempts: int = Field(ge=1)
    error: str
    failed_at: datetime


# Webhooks (topic notifier.webhooks): the outcome of one event's delivery to one
# registered endpoint. They name the endpoint by id, never its URL or secret.


class WebhookDelivered(Event):
    name = "WebhookDelivered"
    version = 1
    topic = "notifier.webhooks"
    subject_field = "delivery_id"

    delivery_id: str
    endpoint_id: str
    event_id: str
    event_type: str
    attempts: int = Field(ge=1)
    status_code: int
    delivered_at: datetime


class WebhookFailed(Event):
    """The retry schedule ran out, or the endpoint answered 410 Gone (and is now
    disabled); the delivery stays in the failure log and can be replayed."""

    name = "WebhookFailed"
    version = 1
    topic = "notifier.webhooks"
    subject_field = "delivery_id"

    delivery_id: str
    endpoint_id: str
    event_id: str
    event_type: str
    attempts: int = Field(ge=1)
    error: str
    endpoint_disabled: bool
    failed_at: datetime


class NotificationDelivered(Event):
    """The handset got it: the SMS centre's receipts for every part said delivered.
    (A receipt saying otherwise fails the delivery: NotificationFailed.)"""

    name = "NotificationDelivered"
    version = 1
    topic = "notifier.deliveries"
    subject_field = "delivery_id"

    delivery_id: str
    subscription_id: str
    channel: Channel
    cause_type: str
    cause_id: str
    parts: int = Field(ge=1)
    delivered_at: datetime
