"""The outbox relay on real Kafka and the real store: every queued event published, in
its document's order, and an event queued while the relay publishes is kept for the next pass."""

from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from prometheus_client import CollectorRegistry
from ulid import ULID

from sharik.bus import ensure_topics, make_broker
from sharik.events import TOPICS, Envelope
from sharik.events.feedback import ComplaintFiled
from sharik import outbox
from sharik.outbox import OutboxRelay, publish_entry
from sharik.store import PENDING, connect, insert_aggregate, outbox_entry
from tests.support.service import unique_database

pytestmark = pytest.mark.integration

TOPIC = "feedback.complaints"


def filed(complaint_id: str) -> Envelope:
    event = ComplaintFiled(
        complaint_id=complaint_id, agency="probe", kind="complaint", category="roads", filed_at=datetime.now(UTC)
    )
    return Envelope(event=event, source="probe")


@pytest.fixture
async def relay_on(kafka_bootstrap_servers, mongodb_url):
    client = connect(mongodb_url)
    collection = client[unique_database("relay")]["aggregates"]
    broker = make_broker(
        bootstrap_servers=kafka_bootstrap_servers,
        client_id="relay-test",
        tracer_provider=None,
        registry=CollectorRegistry(),
    )
    await broker.start()
    yield collection, broker
    await broker.stop()
    await client.close()


async def published_ids(bootstrap: str, start: dict, wanted: set[str]) -> list[str]:
    """The ce_ids among `wanted` published on TOPIC after the offsets in `start`, in partition order."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(list(start))
        for partition, offset in start.items():
            consumer.seek(partition, offset)
        seen: list[str] = []
        while len(seen) < len(wanted):
            batch = await consumer.getmany(timeout_ms=10_000)
            assert batch, f"only {len(seen)} of {len(wanted)} events arrived"
            for records in batch.values():
                for record in records:
                    ce_id = dict(record.headers)["ce_id"].decode()
                    if ce_id in wanted:
                        seen.append(ce_id)
        return seen
    finally:
        await consumer.stop()


async def end_offsets(bootstrap: str) -> dict[TopicPartition, int]:
    await ensure_topics(bootstrap, published=[TOPIC], consumed=[])
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        return await consumer.end_offsets([TopicPartition(TOPIC, p) for p in range(TOPICS[TOPIC])])
    finally:
        await consumer.stop()


async def test_every_queued_event_is_published_in_its_documents_order(relay_on, kafka_bootstrap_servers):
    collection, broker = relay_on
    start = await end_offsets(kafka_bootstrap_servers)
    # One complaint id per document: same key, same partition, so order is observable.
    first, second = str(ULID()), str(ULID())
    envelopes = {first: [filed(first), filed(first)], second: [filed(second)]}
    for complaint_id, events in envelopes.items():
        await insert_aggregate(collection, {"_id": complaint_id, "version": 1}, events)

    relay = OutboxRelay(broker, [collection], poll_seconds=60)
    assert await relay.drain() == 3

    wanted = [e.id for events in envelopes.values() for e in events]
    seen = await published_ids(kafka_bootstrap_servers, start, set(wanted))
    assert sorted(seen) == sorted(wanted)
    assert [i for i in seen if i in {e.id for e in envelopes[first]}] == [e.id for e in envelopes[first]]
    assert await collection.count_documents({PENDING: True}) == 0
    assert [d["outbox"] async for d in collection.find({})] == [[], []]


async def test_an_event_queued_while_the_relay_publishes_waits_for_the_next_pass(
    relay_on, kafka_bootstrap_servers, monkeypatch
):
    collection, broker = relay_on
    start = await end_offsets(kafka_bootstrap_servers)
    complaint_id = str(ULID())
    early, late = filed(complaint_id), filed(complaint_id)
    await insert_aggregate(collection, {"_id": complaint_id, "version": 1}, [early])

    async def publish_then_queue_more(broker, entry: dict) -> None:
        await publish_entry(broker, entry)
        if entry["body"] == outbox_entry(early)["body"]:
            # The aggregate changes between the publish and the removal.
            await collection.update_one(
                {"_id": complaint_id}, {"$push": {"outbox": outbox_entry(late)}, "$set": {PENDING: True}}
            )

    monkeypatch.setattr(outbox, "publish_entry", publish_then_queue_more)
    relay = OutboxRelay(broker, [collection], poll_seconds=60)
    assert await relay.drain() == 1
    [document] = await collection.find({}).to_list()
    assert [entry["body"] for entry in document["outbox"]] == [outbox_entry(late)["body"]]
    assert document[PENDING] is True

    assert await relay.drain() == 1
    assert await relay.drain() == 0
    assert await published_ids(kafka_bootstrap_servers, start, {early.id, late.id}) == [early.id, late.id]
