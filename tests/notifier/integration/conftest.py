"""Fixtures of the notifier's integration tests: the service on the real broker, store
and SMTP sink, and small helpers to publish to and read from Kafka and the sink."""

import asyncio
import re
from urllib.parse import urlsplit
from collections.abc import Callable
from contextlib import asynccontextmanager
from email.message import EmailMessage

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from ulid import ULID

from notifier.config import NotifierSettings
from notifier.consumers import CONSUMED
from notifier.main import create_app
from sharik.bus.topics import DLQ_PARTITIONS
from sharik.events import TOPICS, Envelope
from tests.support.service import running, unique_database

DEADLINE_SECONDS = 45.0


async def eventually(probe: Callable, *, what: str, timeout: float = DEADLINE_SECONDS):
    """Poll `probe` (sync or async) until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = probe()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


def partition_count(topic: str) -> int:
    """Partitions as ensure_topics creates them (a consumer's metadata only covers the
    topics it subscribed to, so it cannot be asked)."""
    return DLQ_PARTITIONS if topic.endswith(".dlq") else TOPICS[topic]


async def start_group_at_end(bootstrap_servers: str, group_id: str, topics: list[str]) -> None:
    """Commit the end of `topics` for a new consumer group, so a test's notifier skips
    the history other tests left on the shared broker and sees only what comes next."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=group_id, enable_auto_commit=False)
    await consumer.start()
    try:
        existing = await consumer.topics()
        partitions = [TopicPartition(t, p) for t in topics if t in existing for p in range(partition_count(t))]
        if partitions:
            consumer.assign(partitions)
            await consumer.commit(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


@pytest.fixture
async def settings(kafka_bootstrap_servers, mongodb_url, jwt_keys, smtp_sink) -> NotifierSettings:
    """Settings of one test's notifier: its own database and its own consumer group,
    mail to the sink, quick retries."""
    group = f"notifier-test-{str(ULID()).lower()}"
    await start_group_at_end(kafka_bootstrap_servers, group, CONSUMED)
    return NotifierSettings(
        consumer_group=group,
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        mongodb_database=unique_database("notifier"),
        jwt_public_key=jwt_keys[1],
        environment="test",
        outbox_poll_seconds=0.2,
        smtp_host=smtp_sink.host,
        smtp_port=smtp_sink.port,
        delivery_attempts=3,
        retry_base_seconds=0.05,
        delivery_poll_seconds=0.2,
    )


@pytest.fixture
def notifier():
    """Run a notifier with the given settings: `async with notifier(settings) as client`."""

    @asynccontextmanager
    async def run(settings: NotifierSettings):
        async with running(create_app(settings)) as client:
            yield client

    return run


class Bus:
    """Publishing to and reading from the real Kafka, as another service would."""

    def __init__(self, bootstrap_servers: str) -> None:
        self.bootstrap_servers = bootstrap_servers

    async def publish(self, envelope: Envelope) -> None:
        await self.publish_raw(
            envelope.event.topic, envelope.body(), key=envelope.event.partition_key(), headers=envelope.headers()
        )

    async def publish_raw(self, topic: str, value: bytes, *, key: str, headers: dict[str, str]) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap_servers)
        await producer.start()
        try:
            await producer.send_and_wait(
                topic, value, key=key.encode(), headers=[(k, v.encode()) for k, v in headers.items()]
            )
        finally:
            await producer.stop()

    async def end_offsets(self, topic: str) -> dict[TopicPartition, int]:
        """Where `topic` ends now; read from there, not through what other tests left."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap_servers)
        await consumer.start()
        try:
            partitions = [TopicPartition(topic, p) for p in range(partition_count(topic))]
            return await consumer.end_offsets(partitions)
        finally:
            await consumer.stop()

    async def records(self, topic: str, *, key: str, since: dict[TopicPartition, int], count: int = 1) -> list:
        """The first `count` records of `topic` with `key` after `since`, waiting for them."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap_servers, group_id=None)
        await consumer.start()
        found: list = []
        try:
            consumer.assign(list(since))
            for partition, offset in since.items():
                consumer.seek(partition, offset)

            async def more():
                batches = await consumer.getmany(timeout_ms=500)
                found.extend(r for records in batches.values() for r in records if r.key == key.encode())
                return len(found) >= count

            await eventually(more, what=f"{count} record(s) with key {key} on {topic}")
        finally:
            await consumer.stop()
        return found


@pytest.fixture
def bus(kafka_bootstrap_servers) -> Bus:
    return Bus(kafka_bootstrap_servers)


CONFIRMATION_SUBJECTS = ("تأكيد عنوانك لدى منصة شارك", "Confirm your address with Sharik")


def is_confirmation(message: EmailMessage) -> bool:
    return message["Subject"] in CONFIRMATION_SUBJECTS


@pytest.fixture
def mail_to(smtp_sink) -> Callable[[str], list[EmailMessage]]:
    """The messages the sink received for one address, but the confirmation link."""
    return lambda address: [m for m in smtp_sink.messages() if m["X-RcptTo"] == address and not is_confirmation(m)]


@pytest.fixture
def confirm_address(smtp_sink):
    """Follow the confirmation link mailed to `address`, as its owner would."""

    async def confirm(client, address: str) -> None:
        [message] = await eventually(
            lambda: [m for m in smtp_sink.messages() if m["X-RcptTo"] == address and is_confirmation(m)],
            what=f"the confirmation link for {address}",
        )
        link = re.search(r"https?://\S+/subscriptions/\S+/confirm\?token=\w+", message.get_content()).group(0)
        parts = urlsplit(link)
        response = await client.get(f"{parts.path}?{parts.query}")
        assert response.status_code == 200, response.text

    return confirm
