"""The consultation service in-process on the real broker and store."""

import asyncio

import pytest
from aiokafka import AIOKafkaConsumer

from consultation.config import ConsultationSettings
from consultation.main import create_app
from tests.support.service import running, unique_database


@pytest.fixture
async def consultation(kafka_bootstrap_servers, mongodb_url, jwt_keys):
    settings = ConsultationSettings(
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        mongodb_database=unique_database("consultation"),
        jwt_public_key=jwt_keys[1],
        environment="test",
        outbox_poll_seconds=0.2,
        flags_to_hide=2,
    )
    async with running(create_app(settings)) as client:
        yield client


async def events_of(bootstrap: str, topic: str, *, subject: str, at_least: int = 1, timeout: float = 20) -> list:
    """Records of `topic` whose ce_subject is `subject`, as (type, headers, value)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    found = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(found) < at_least and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for r in records:
                    headers = {k: v.decode() for k, v in r.headers}
                    if headers.get("ce_subject") == subject:
                        found.append((headers["ce_type"].split(".")[-2], headers, r.value))
    finally:
        await consumer.stop()
    return found
