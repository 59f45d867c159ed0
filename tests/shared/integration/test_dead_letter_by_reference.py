"""A record near the broker's size limit cannot be copied to the dead-letter topic (the
copy's headers push it over); it is dead-lettered by reference instead, and its
partition moves on. The record limits of producer, topics and broker agree."""

import asyncio
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from devstack.kafka import server_properties
from ulid import ULID

from sharik.bus import subscribe_events
from sharik.bus.topics import MAX_RECORD_BYTES
from sharik.events import Envelope
from sharik.events.feedback import ComplaintFiled
from sharik.runtime import ServiceRuntime
from sharik.settings import ServiceSettings
from tests.support.service import running, unique_database

pytestmark = pytest.mark.integration
NEAR_THE_LIMIT = 1_047_500


async def test_a_record_near_the_size_limit_is_dead_lettered_by_reference(
    kafka_bootstrap_servers, mongodb_url, jwt_keys
):
    group = f"probe-{str(ULID()).lower()}"
    settings = ServiceSettings(
        service_name="probe",
        http_port=0,
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        mongodb_database=unique_database("probe"),
        jwt_public_key=jwt_keys[1],
        consumer_group=group,
    )
    runtime = ServiceRuntime(settings, published=[], consumed=["feedback.complaints"])
    handled: list[str] = []

    async def on_filed(envelope) -> None:
        handled.append(envelope.event.complaint_id)

    subscribe_events(runtime.broker, topic="feedback.complaints", group_id=group, handlers={ComplaintFiled: on_filed})
    # A catalog event's headers on a body that is not the event: it is dead-lettered
    # with the parse error, and the copy's headers no longer fit.
    event = ComplaintFiled(
        complaint_id=str(ULID()), agency="probe", kind="complaint", category="roads", filed_at=datetime.now(UTC)
    )
    key = event.partition_key().encode()
    trace = [
        ("traceparent", f"00-{uuid.uuid4().hex}-00f067aa0ba902b7-01".encode()),
        # W3C allows 512 characters of vendors' trace state.
        ("tracestate", b"vendor=" + b"t" * 500),
    ]
    headers = [(k, v.encode()) for k, v in Envelope(event=event, source="probe").headers().items()] + trace
    value = b"x" * NEAR_THE_LIMIT
    assert DefaultRecordBatchBuilder.estimate_size_in_bytes(key, value, headers) <= MAX_RECORD_BYTES
    async with running(runtime.app(title="probe", routers=[], state={})):
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers, max_request_size=MAX_RECORD_BYTES)
        await producer.start()
        try:
            sent = await producer.send_and_wait("feedback.complaints", value, key=key, headers=headers)
        finally:
            await producer.stop()
        letter = await _dead_letter_of(kafka_bootstrap_servers, key, group)

    values = dict(letter.headers)
    assert values["dlq_by_reference"] == b"true"
    reference = json.loads(letter.value)
    assert (reference["topic"], reference["partition"], reference["offset"]) == (
        "feedback.complaints",
        sent.partition,
        sent.offset,
    )
    assert reference["consumer_group"] == group and reference["error"]
    assert reference["size_bytes"] > MAX_RECORD_BYTES
    assert values["dlq_origin_offset"] == str(sent.offset).encode()
    # Other tests' events on the topic are handled (the group is new); this one is not an event.
    assert event.complaint_id not in handled


async def _dead_letter_of(bootstrap: str, key: bytes, group: str, timeout: float = 60):
    """This consumer group's dead letter of the record (other tests' services that
    consume the topic dead-letter it too)."""
    consumer = AIOKafkaConsumer(
        "feedback.complaints.dlq", bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                for record in batch:
                    if record.key == key and dict(record.headers).get("dlq_consumer_group") == group.encode():
                        return record
        pytest.fail("the record was not dead-lettered")
    finally:
        await consumer.stop()


async def test_producer_topics_and_broker_share_one_record_limit(kafka_bootstrap_servers, tmp_path, jwt_keys):
    assert f"message.max.bytes={MAX_RECORD_BYTES}" in server_properties(port=1, controller_port=2, log_dir=tmp_path)
    compose = yaml.safe_load((Path(__file__).resolve().parents[3] / "docker-compose.yml").read_text())
    assert compose["services"]["kafka"]["environment"]["KAFKA_MESSAGE_MAX_BYTES"] == str(MAX_RECORD_BYTES)
    settings = ServiceSettings(service_name="probe", http_port=0, mongodb_database="x", jwt_public_key=jwt_keys[1])
    broker = ServiceRuntime(settings, published=[]).broker
    assert broker._connection_kwargs["max_request_size"] == MAX_RECORD_BYTES
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers)
    await admin.start()
    try:
        (described,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, "feedback.complaints")])
        configs = {c[0]: c[1] for c in described.resources[0][4]}
        assert configs["max.message.bytes"] == str(MAX_RECORD_BYTES)
    finally:
        await admin.close()
