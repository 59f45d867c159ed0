"""Subscriber dispatch on the in-memory broker: each event reaches its projection, and
a malformed message is dead-lettered without stopping the subscriber."""

from datetime import UTC, datetime

from faststream.kafka import KafkaBroker, TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from reporting.consumers import subscribe_projections
from reporting.projections import Change
from sharik.bus import publish
from sharik.events import Envelope
from sharik.events.feedback import ComplaintFiled
from sharik.events.notifier import NotificationSent

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)


class RecordingReadModel:
    def __init__(self) -> None:
        self.changes: list[Change] = []

    async def apply(self, change: Change) -> None:
        self.changes.append(change)


async def test_events_of_every_topic_are_projected_and_malformed_ones_dead_lettered():
    broker = KafkaBroker()
    read_model = RecordingReadModel()
    subscribe_projections(broker, group_id="reporting-unit", read_model=read_model)
    dead_letters = []

    @broker.subscriber("feedback.complaints.dlq")
    async def dlq(message: KafkaMessage) -> None:
        dead_letters.append((message.body, message.headers["dlq_origin_topic"]))

    filed = Envelope(
        source="feedback",
        event=ComplaintFiled(
            complaint_id="k1", agency="mm", kind="complaint", category="roads", filed_at=NOW
        ),
    )
    sent = Envelope(
        source="notifier",
        event=NotificationSent(
            delivery_id="d1", subscription_id="s", channel="email", cause_type="x", cause_id="y", attempts=1, sent_at=NOW
        ),
    )
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(b"{}", topic="feedback.complaints", headers={"ce_type": "nonsense"})
        await publish(test_broker, filed)
        await publish(test_broker, sent)

    assert [(c.collection, c.key) for c in read_model.changes] == [("complaints", "k1"), ("deliveries", "d1")]
    assert dead_letters == [(b"{}", "feedback.complaints")]
