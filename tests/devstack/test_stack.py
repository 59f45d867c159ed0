"""The local infrastructure really works: Kafka carries messages, the store keeps documents, SMTP receives mail."""

import asyncio
import smtplib
import uuid
from email.message import EmailMessage

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError

pytestmark = pytest.mark.integration


async def test_kafka_delivers_messages_in_order_per_key(kafka_bootstrap_servers):
    topic = f"devstack.test-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    finally:
        await admin.close()

    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers, enable_idempotence=True)
    await producer.start()
    try:
        for n in range(3):
            await producer.send_and_wait(topic, key=b"one-aggregate", value=f"event-{n}".encode())
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka_bootstrap_servers, group_id=f"test-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest", enable_auto_commit=False,
    )
    await consumer.start()
    received = []
    try:
        async with asyncio.timeout(60):
            while len(received) < 3:
                batches = await consumer.getmany(timeout_ms=1000)
                received += [record.value for records in batches.values() for record in records]
        await consumer.commit()  # proves the group coordinator (__consumer_offsets) works too
    finally:
        await consumer.stop()
    assert received == [b"event-0", b"event-1", b"event-2"]


async def test_store_keeps_documents_and_enforces_unique_indexes(mongodb_url):
    client = AsyncMongoClient(mongodb_url)
    database = client[f"devstack_test_{uuid.uuid4().hex[:8]}"]
    try:
        items = database["items"]
        await items.create_index("ref", unique=True)
        await items.insert_one({"ref": "a", "count": 1})
        await items.update_one({"ref": "a"}, {"$inc": {"count": 1}})

        assert (await items.find_one({"ref": "a"}))["count"] == 2
        with pytest.raises(DuplicateKeyError):
            await items.insert_one({"ref": "a", "count": 0})
    finally:
        await client.drop_database(database.name)
        await client.close()


def test_smtp_sink_keeps_every_message(smtp_sink):
    subject = f"test {uuid.uuid4()}"
    message = EmailMessage()
    message["From"] = "noreply@sharik.example"
    message["To"] = "citizen@example.om"
    message["Subject"] = subject
    message.set_content("Your complaint was received.")

    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, timeout=10) as client:
        client.send_message(message, to_addrs=["citizen@example.om", "audit@example.om"])

    [received] = [m for m in smtp_sink.messages() if m["Subject"] == subject]
    assert received.get_content().strip() == "Your complaint was received."
    assert received["X-RcptTo"] == "citizen@example.om, audit@example.om"
