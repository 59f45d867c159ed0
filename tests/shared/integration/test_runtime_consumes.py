"""A service built by ServiceRuntime really consumes: through FastStreamAPI, on real
Kafka, a catalog event reaches its handler and a malformed one its dead-letter topic."""

import asyncio
from datetime import UTC, datetime

import pytest
from fastapi import APIRouter
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from ulid import ULID

from sharik.bus import publish, subscribe_events
from sharik.errors import NotFound
from sharik.events import Envelope
from sharik.events.feedback import ComplaintFiled
from sharik.runtime import ServiceRuntime
from sharik.settings import ServiceSettings
from tests.support.service import running, unique_database

pytestmark = pytest.mark.integration


async def test_a_runtime_service_consumes_and_dead_letters(kafka_bootstrap_servers, mongodb_url, jwt_keys):
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
    received: list[str] = []

    async def on_filed(envelope: Envelope) -> None:
        received.append(envelope.event.complaint_id)

    subscribe_events(runtime.broker, topic="feedback.complaints", group_id=group, handlers={ComplaintFiled: on_filed})
    complaint_id = str(ULID())
    event = ComplaintFiled(
        complaint_id=complaint_id, agency="probe", kind="complaint", category="roads", filed_at=datetime.now(UTC)
    )
    envelope = Envelope(event=event, source="probe")

    async with running(runtime.app(title="probe", routers=[], state={})):
        # Same key as the valid event, so one partition orders them: once the valid
        # event is handled, the poison before it was too.
        poison_id = f"poison-{complaint_id}"
        poison_headers = {**envelope.headers(), "ce_id": poison_id}
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers)
        await producer.start()
        try:
            await producer.send_and_wait(
                "feedback.complaints",
                b"[]",
                key=envelope.event.partition_key().encode(),
                headers=[(k, v.encode()) for k, v in poison_headers.items()],
            )
        finally:
            await producer.stop()
        await publish(runtime.broker, envelope)
        for _ in range(200):
            if complaint_id in received:
                break
            await asyncio.sleep(0.1)
    assert received.count(complaint_id) == 1

    dead = AIOKafkaConsumer("feedback.complaints.dlq", bootstrap_servers=kafka_bootstrap_servers, auto_offset_reset="earliest")
    await dead.start()
    try:
        letters = []
        for _ in range(20):
            for batch in (await dead.getmany(timeout_ms=500)).values():
                # Other consumer groups on the same broker may dead-letter it too.
                letters += [
                    r
                    for r in batch
                    if dict(r.headers)["ce_id"] == poison_id.encode()
                    and dict(r.headers)["dlq_consumer_group"] == group.encode()
                ]
            if letters:
                break
    finally:
        await dead.stop()
    [letter] = letters
    assert b"invalid om.sharik.feedback.ComplaintFiled.v1" in dict(letter.headers)["dlq_error"]


async def test_requests_are_counted_by_route_template_and_status(kafka_bootstrap_servers, mongodb_url, jwt_keys):
    settings = ServiceSettings(
        service_name="probe",
        http_port=0,
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        mongodb_database=unique_database("probe"),
        jwt_public_key=jwt_keys[1],
    )
    router = APIRouter()

    @router.get("/things/{thing_id}")
    async def thing(thing_id: str) -> dict:
        if thing_id == "missing":
            raise NotFound("no such thing")
        return {"thing_id": thing_id}

    runtime = ServiceRuntime(settings, published=[])
    async with running(runtime.app(title="probe", routers=[router], state={})) as client:
        for thing_id in ("a", "b", "missing"):
            await client.get(f"/things/{thing_id}")
        scraped = (await client.get("/metrics")).text

    assert 'sharik_http_requests_total{method="GET",route="/things/{thing_id}",status="200"} 2.0' in scraped
    assert 'sharik_http_requests_total{method="GET",route="/things/{thing_id}",status="404"} 1.0' in scraped
