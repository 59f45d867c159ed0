"""Consuming catalog events: one consumer group per service, commit after the handler
succeeds, and a dead-letter topic for what cannot be handled.

A message that is not a valid catalog event, or whose handler keeps failing, is
published to `<topic>.dlq` with headers naming where it came from, then committed, so
one poison message never stalls a partition. Only an outage of Kafka or the store
propagates: the message is then nacked (not committed) and delivered again."""

import asyncio
import json
from collections.abc import Awaitable, Callable

import structlog
from aiokafka import ConsumerRecord
from aiokafka.record.default_records import DefaultRecordBatchBuilder
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from pymongo.errors import ConnectionFailure

from sharik.bus.topics import MAX_RECORD_BYTES, dead_letter_topic
from sharik.errors import DomainError
from sharik.events.base import Event
from sharik.events.envelope import Envelope, MalformedEvent

EventHandler = Callable[[Envelope], Awaitable[None]]

log = structlog.get_logger(__name__)

OUTAGE_PAUSE_SECONDS = 2.0


async def _raw_body(message: KafkaMessage) -> bytes:
    # The envelope parses the body itself, so a bad payload becomes a dead letter
    # instead of a decoding error inside FastStream.
    return message.body


def subscribe_events(
    broker: KafkaBroker,
    *,
    topic: str,
    group_id: str,
    handlers: dict[type[Event], EventHandler],
    attempts: int = 3,
    backoff_seconds: float = 0.2,
) -> None:
    """Register a subscriber on `topic` that dispatches each event to its handler.

    Events of the topic without a handler are skipped (committed)."""

    @broker.subscriber(
        topic,
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=_raw_body,
        title=f"{group_id}:{topic}",
    )
    async def consume(body: bytes, message: KafkaMessage) -> None:
        headers = dict(message.headers)
        try:
            envelope = Envelope.parse(headers, body)
        except MalformedEvent as error:
            await _dead_letter(broker, message, group_id, str(error))
            return
        handler = handlers.get(type(envelope.event))
        if handler is None:
            return
        bound = log.bind(event_type=envelope.type, event_id=envelope.id, group=group_id)
        for attempt in range(1, attempts + 1):
            try:
                await handler(envelope)
                return
            except ConnectionFailure:
                bound.warning("store unreachable; the event will be delivered again")
                await asyncio.sleep(OUTAGE_PAUSE_SECONDS)
                raise
            except DomainError as error:
                # A rule said no: trying again gives the same answer.
                await _dead_letter(broker, message, group_id, f"{error.code}: {error.message}")
                return
            except Exception as error:  # noqa: BLE001 - any handler bug must not stall the partition
                bound.warning("handler failed", attempt=attempt, error=repr(error))
                if attempt == attempts:
                    await _dead_letter(broker, message, group_id, repr(error))
                    return
                await asyncio.sleep(backoff_seconds * 2 ** (attempt - 1))


async def _dead_letter(broker: KafkaBroker, message: KafkaMessage, group_id: str, error: str) -> None:
    await dead_letter(broker, message.raw_message, dict(message.headers), group_id=group_id, error=error)


async def dead_letter(
    broker: KafkaBroker, record: ConsumerRecord, headers: dict[str, str], *, group_id: str, error: str
) -> None:
    """Publish `record` to its topic's dead-letter topic, with headers naming where it
    came from. A record too near the size limit for a copy with those headers is
    dead-lettered by reference instead: where it is (topic, partition, offset) and why,
    so it is still found and replayed from its topic, and its partition moves on."""
    origin = {
        "dlq_origin_topic": record.topic,
        "dlq_origin_partition": str(record.partition),
        "dlq_origin_offset": str(record.offset),
        "dlq_consumer_group": group_id,
        "dlq_error": error[:1000],
    }
    copy_size = DefaultRecordBatchBuilder.estimate_size_in_bytes(
        record.key, record.value, [(k, v.encode()) for k, v in {**headers, **origin}.items()]
    )
    by_reference = copy_size > MAX_RECORD_BYTES
    log.error(
        "dead-lettered",
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        group=group_id,
        error=error,
        by_reference=by_reference,
    )
    if by_reference:
        reference = {
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "consumer_group": group_id,
            "error": error[:1000],
            "size_bytes": copy_size,
        }
        await broker.publish(
            json.dumps(reference).encode(),
            topic=dead_letter_topic(record.topic),
            key=record.key,
            # The original's headers (its event id, type, trace) are small; its value is not.
            headers={**headers, **origin, "dlq_by_reference": "true", "content-type": "application/json"},
        )
        return
    await broker.publish(
        record.value or b"", topic=dead_letter_topic(record.topic), key=record.key, headers={**headers, **origin}
    )
