"""FastStream subscribers: every consumed event is projected onto the read model."""

from faststream.kafka import KafkaBroker

from reporting.projections import PROJECTIONS, TOPICS, project
from reporting.store import ReadModel
from sharik.bus import subscribe_events
from sharik.events import Envelope


def subscribe_projections(broker: KafkaBroker, *, group_id: str, read_model: ReadModel) -> None:
    """One subscriber per consumed topic, dispatching each event to its projection."""

    async def apply(envelope: Envelope) -> None:
        for change in project(envelope.event):
            await read_model.apply(change)

    for topic in TOPICS:
        handlers = {event: apply for event in PROJECTIONS if event.topic == topic}
        subscribe_events(broker, topic=topic, group_id=group_id, handlers=handlers)
