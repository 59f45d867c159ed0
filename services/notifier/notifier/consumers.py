"""Subscribers, one per topic in the service's consumer group: campaign launches,
published results, complaints' status changes and escalations become deliveries to the
people concerned, and every event offered to webhooks becomes deliveries to the
endpoints that want it."""

from collections.abc import Awaitable, Callable

from faststream.kafka import KafkaBroker

from notifier.handlers import DeliveryHandlers
from notifier.webhooks.handlers import WEBHOOK_TOPICS, WebhookHandlers
from sharik.bus import subscribe_events
from sharik.events import CATALOG, Envelope
from sharik.events.consultation import CampaignLaunched
from sharik.events.feedback import ComplaintEscalated, ComplaintFiled, ComplaintStatusChanged
from sharik.events.voting import ResultPublished

CONSUMED = list(WEBHOOK_TOPICS)

Handler = Callable[[Envelope], Awaitable[None]]


def subscribe(
    broker: KafkaBroker, *, group_id: str, handlers: DeliveryHandlers, webhooks: WebhookHandlers
) -> None:
    """Register the notifier's subscribers. One subscriber per topic: two in one group
    would split the topic's records between them."""
    own: dict[type, Handler] = {
        CampaignLaunched: handlers.campaign_launched,
        ResultPublished: handlers.result_published,
        ComplaintFiled: handlers.complaint_filed,
        ComplaintStatusChanged: handlers.complaint_status_changed,
        ComplaintEscalated: handlers.complaint_escalated,
    }
    for topic in CONSUMED:
        by_type = {
            cls: _then(own[cls], webhooks.event) if cls in own else webhooks.event
            for cls in CATALOG.values()
            if cls.topic == topic
        }
        subscribe_events(broker, topic=topic, group_id=group_id, handlers=by_type)


def _then(first: Handler, second: Handler) -> Handler:
    # Both are idempotent (deterministic delivery ids), so a retry after the second
    # failed redoes the first harmlessly.
    async def both(envelope: Envelope) -> None:
        await first(envelope)
        await second(envelope)

    return both
