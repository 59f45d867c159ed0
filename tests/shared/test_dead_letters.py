"""The consumer wrapper with FastStream's in-memory broker: dispatch, dead letters and
retries (the same paths run on real Kafka in the services' integration tests)."""

from datetime import UTC, datetime

from faststream.kafka import KafkaBroker, TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from sharik.bus import subscribe_events
from sharik.errors import Invalid
from sharik.events import Envelope
from sharik.events.feedback import ComplaintFiled, ComplaintStatusChanged

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def filed(complaint_id: str = "c1") -> Envelope:
    event = ComplaintFiled(
        complaint_id=complaint_id, agency="a", kind="complaint", category="roads", filed_at=NOW
    )
    return Envelope(event=event, source="feedback", agency="a")


def wire(handler):
    broker = KafkaBroker()
    dead = []
    subscribe_events(
        broker, topic="feedback.complaints", group_id="g", handlers={ComplaintFiled: handler}, backoff_seconds=0
    )

    async def raw_body(message) -> bytes:
        return message.body

    @broker.subscriber("feedback.complaints.dlq", decoder=raw_body)
    async def dead_letters(body: bytes, message: KafkaMessage) -> None:
        dead.append(dict(message.headers))

    return broker, dead


async def send(broker: KafkaBroker, envelope: Envelope, body: bytes | None = None) -> None:
    await broker.publish(body or envelope.body(), topic="feedback.complaints", headers=envelope.headers())


async def test_a_valid_event_reaches_its_handler():
    seen = []

    async def handler(envelope):
        seen.append(envelope.id)

    broker, dead = wire(handler)
    async with TestKafkaBroker(broker):
        envelope = filed()
        await send(broker, envelope)
    assert seen == [envelope.id]
    assert dead == []


async def test_a_malformed_event_goes_to_the_dead_letter_topic():
    seen = []

    async def handler(envelope):
        seen.append(envelope.id)

    broker, dead = wire(handler)
    async with TestKafkaBroker(broker):
        await send(broker, filed(), body=b'{"complaint_id": 1}')
        await send(broker, filed("c2"))
    [letter] = dead
    assert letter["dlq_origin_topic"] == "feedback.complaints"
    assert letter["dlq_consumer_group"] == "g"
    assert "invalid om.sharik.feedback.ComplaintFiled.v1" in letter["dlq_error"]
    assert len(seen) == 1, "the consumer keeps going after a poison message"


async def test_a_handler_that_keeps_failing_is_retried_then_dead_lettered():
    attempts = []

    async def handler(envelope):
        attempts.append(envelope.id)
        raise RuntimeError("bug")

    broker, dead = wire(handler)
    async with TestKafkaBroker(broker):
        await send(broker, filed())
    assert len(attempts) == 3
    [letter] = dead
    assert "RuntimeError('bug')" in letter["dlq_error"]


async def test_a_rule_violation_is_dead_lettered_without_retrying():
    attempts = []

    async def handler(envelope):
        attempts.append(envelope.id)
        raise Invalid("no such agency")

    broker, dead = wire(handler)
    async with TestKafkaBroker(broker):
        await send(broker, filed())
    assert len(attempts) == 1
    assert len(dead) == 1


async def test_events_without_a_handler_are_skipped():
    broker, dead = wire(lambda envelope: None)
    async with TestKafkaBroker(broker):
        event = ComplaintStatusChanged(
            complaint_id="c1", agency="a", status="acknowledged", previous_status="submitted", sequence=1, changed_at=NOW
        )
        await send(broker, Envelope(event=event, source="feedback"))
    assert dead == []
