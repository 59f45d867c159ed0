"""Shared by the reporting integration tests: a consumer group that skips the topics' history."""

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from reporting.projections import TOPICS as CONSUMED
from sharik.events import TOPICS as PARTITIONS


@pytest.fixture(scope="session")
def start_group_at_the_end(kafka_bootstrap_servers):
    """Commit a group's current end offsets, so its live consumer skips the shared topics'
    history (which others fill) and sees only what the test publishes; a rebuild still
    replays everything."""

    async def start(group: str) -> None:
        consumer = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap_servers, group_id=group, enable_auto_commit=False)
        await consumer.start()
        try:
            # On a fresh broker a topic no service has created yet has no history to skip,
            # and asking for its end offsets would wait out the request timeout.
            existing = await consumer.topics()
            partitions = [TopicPartition(t, p) for t in CONSUMED if t in existing for p in range(PARTITIONS[t])]
            if partitions:
                consumer.assign(partitions)
                await consumer.commit(await consumer.end_offsets(partitions))
        finally:
            await consumer.stop()

    return start
