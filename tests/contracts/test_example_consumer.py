"""The consumer guide's example (docs/examples/consumer.py) against the real broker: it
replays a topic from the beginning, gets one aggregate's events in order, applies a
repeated event once and leaves a type it does not read alone."""

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from ulid import ULID

from sharik.bus.topics import ensure_topics
from sharik.events import Envelope
from sharik.events.reporting import DataRequestAnswered, DataRequested, DataRequestOverdue

pytestmark = pytest.mark.integration

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "consumer.py"
NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def example():
    spec = importlib.util.spec_from_file_location("example_consumer", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_example_consumer_replays_in_order_once(kafka_bootstrap_servers):
    request_id = str(ULID())
    events = [
        DataRequested(request_id=request_id, agency="mm", what="w", why="y", format="csv", requested_at=NOW,
                      due_at=NOW),
        DataRequestOverdue(request_id=request_id, agency="mm", due_at=NOW, marked_at=NOW),
        DataRequestAnswered(request_id=request_id, agency="mm", decision="published", dataset_id="d",
                            answered_at=NOW, late=True),
    ]
    envelopes = [Envelope(event=e, source="tests", agency="mm") for e in events]
    await ensure_topics(kafka_bootstrap_servers, published=[DataRequested.topic], consumed=[])
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers)
    await producer.start()
    try:
        for envelope in [*envelopes, envelopes[2]]:  # the answer delivered twice
            await producer.send_and_wait(envelope.event.topic, envelope.body(), key=envelope.event.partition_key().encode(),
                                         headers=[(k, v.encode()) for k, v in envelope.headers().items()])
    finally:
        await producer.stop()

    got: list[tuple[str, dict]] = []

    def keep(headers, payload):
        if payload["request_id"] == request_id:
            got.append((headers["ce_type"], payload))

    read = {DataRequested.type_name(): keep, DataRequestAnswered.type_name(): keep}  # not the overdue mark
    applied = await example().consume(kafka_bootstrap_servers, [DataRequested.topic], group=f"example-{ULID()}",
                                      handler_for=read.get, from_beginning=True, idle_seconds=3)
    assert applied >= 2
    assert [t for t, _ in got] == [DataRequested.type_name(), DataRequestAnswered.type_name()]
    assert got[1][1]["late"] is True
