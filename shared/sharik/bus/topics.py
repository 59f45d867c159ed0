"""Topic creation. Each service creates the topics it publishes and the dead-letter
topics of those it consumes, so any deployment (local, compose, Kubernetes) comes up
without a separate provisioning step."""

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from sharik.events.catalog import TOPICS

DLQ_PARTITIONS = 1
MAX_RECORD_BYTES = 1_048_576
"""The largest record batch, the same on every side: the producer's max_request_size
(bus/broker.py), each topic's max.message.bytes (below), the broker's message.max.bytes
(devstack, docker-compose.yml). A record the producer accepts, the broker accepts."""


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


async def ensure_topics(
    bootstrap_servers: str,
    *,
    published: list[str],
    consumed: list[str],
    replication_factor: int = 1,
) -> None:
    """Create any missing topic: published ones with the catalog's partitions, and a
    `.dlq` beside each consumed one."""
    wanted = {topic: TOPICS[topic] for topic in published}
    wanted.update({dead_letter_topic(topic): DLQ_PARTITIONS for topic in consumed})
    # A consumer subscribing to a topic nobody created yet would wait without error,
    # so consumed topics are created too (with the catalog's partitions).
    wanted.update({topic: TOPICS[topic] for topic in consumed if topic not in wanted})
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(
                name=name,
                num_partitions=partitions,
                replication_factor=replication_factor,
                topic_configs={"max.message.bytes": str(MAX_RECORD_BYTES)},
            )
            for name, partitions in wanted.items()
            if name not in existing
        ]
        if missing:
            try:
                await admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass  # another replica created it first
    finally:
        await admin.close()
