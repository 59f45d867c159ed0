"""Subscribers: campaign launches and published results become deliveries."""

from faststream.kafka import KafkaBroker

from notifier.handlers import DeliveryHandlers
from sharik.bus import subscribe_events
from sharik.events.consultation import CampaignLaunched
from sharik.events.voting import ResultPublished

CONSUMED = [CampaignLaunched.topic, ResultPublished.topic]


def subscribe(broker: KafkaBroker, *, group_id: str, handlers: DeliveryHandlers) -> None:
    """Register the notifier's subscribers in the service's consumer group."""
    subscribe_events(
        broker, topic=CampaignLaunched.topic, group_id=group_id, handlers={CampaignLaunched: handlers.campaign_launched}
    )
    subscribe_events(
        broker, topic=ResultPublished.topic, group_id=group_id, handlers={ResultPublished: handlers.result_published}
    )
