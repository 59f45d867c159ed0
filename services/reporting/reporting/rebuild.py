"""Rebuild the read model: drop it, then replay every consumed topic from its first
offset up to its end, through the same projections the live consumer uses.

`sharik-reporting-rebuild` runs it from a shell with the service's REPORTING_* settings.

The live consumer group keeps running meanwhile. The end offsets are read after the
drop, so whatever the live consumer applied before the drop is replayed, and what it
applies later is at most a repeat; the projections are idempotent and insensitive to
the order an aggregate's events arrive in, so interleaving is safe."""

import asyncio
import json
from collections import Counter

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from reporting.config import ReportingSettings
from reporting.projections import PROJECTIONS, TOPICS, project
from reporting.store import ReadModel
from sharik.events import Envelope
from sharik.events.envelope import MalformedEvent
from sharik.store import connect

SKIPPED = "skipped"


async def rebuild(read_model: ReadModel, *, bootstrap_servers: str) -> dict[str, int]:
    """Drop and replay; return how many events of each type were applied (and skipped)."""
    await read_model.drop()
    partitions = await _partitions(bootstrap_servers)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None, enable_auto_commit=False)
    await consumer.start()
    counts: Counter[str] = Counter()
    try:
        if not partitions:
            return {}
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.beginning_offsets(partitions)
        # An explicit seek: seek_to_beginning is a lazy reset that a concurrent position
        # lookup can miss, leaving the consumer at the end.
        for partition in partitions:
            consumer.seek(partition, starts[partition])
        remaining = [tp for tp in partitions if starts[tp] < ends[tp]]
        while remaining:
            batches = await consumer.getmany(*remaining, timeout_ms=1000)
            for partition, records in batches.items():
                for record in records:
                    if record.offset < ends[partition]:
                        counts[await _replay(read_model, record)] += 1
            remaining = [tp for tp in remaining if await consumer.position(tp) < ends[tp]]
    finally:
        await consumer.stop()
    return dict(sorted(counts.items()))


async def _partitions(bootstrap_servers: str) -> list[TopicPartition]:
    """Every partition of the consumed topics that exist."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_topics(TOPICS)
    finally:
        await admin.close()
    return [
        TopicPartition(topic["topic"], partition["partition"])
        for topic in described
        if topic["error_code"] == 0
        for partition in topic["partitions"]
    ]


async def _replay(read_model: ReadModel, record: ConsumerRecord) -> str:
    # Malformed records were dead-lettered by the live consumer already; replay skips them.
    headers = {name: value.decode() for name, value in record.headers}
    try:
        envelope = Envelope.parse(headers, record.value or b"")
    except MalformedEvent:
        return SKIPPED
    if type(envelope.event) not in PROJECTIONS:
        return SKIPPED
    for change in project(envelope.event):
        await read_model.apply(change)
    return envelope.event.name


async def _rebuild_from(settings: ReportingSettings) -> dict[str, int]:
    mongo = connect(settings.mongodb_url)
    try:
        return await rebuild(ReadModel(mongo[settings.mongodb_database]), bootstrap_servers=settings.kafka_bootstrap_servers)
    finally:
        await mongo.close()


def main() -> None:
    """Console entry point: rebuild, then print the counts as JSON."""
    print(json.dumps(asyncio.run(_rebuild_from(ReportingSettings()))))
