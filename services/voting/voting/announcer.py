"""Publishing VoteCast in bulk: one produce batch per partition for a sealed batch of votes.

A national ballot announces hundreds of votes a second. Through the broker's publish,
each would cost a span, metrics and a produce call of its own, more than the rest of the
sealing; here a batch costs one span and one count. Votes are untraced by design
(nothing may join a vote to the request that cast it), so a span per vote would say
nothing anyway. Delivery is as the broker's: idempotent producer, acks=all, each record
keyed by its vote id on the partition Kafka's default partitioner gives that key."""

from collections import defaultdict
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner
from opentelemetry.trace import Tracer
from prometheus_client import CollectorRegistry, Counter

from sharik.events import Envelope


class VoteAnnouncer:
    def __init__(self, bootstrap_servers: str, *, tracer: Tracer, registry: CollectorRegistry) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._producer: AIOKafkaProducer | None = None
        self._partitioner = DefaultPartitioner()
        self._tracer = tracer
        self._announced = Counter("voting_votes_announced", "VoteCast events published", registry=registry)

    async def start(self) -> None:
        # Made here: aiokafka binds a producer to the running loop.
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap_servers,
            client_id="voting-announcer",
            enable_idempotence=True,
            acks="all",
        )
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()

    async def announce(self, events: Sequence[Envelope]) -> None:
        """Publish `events` (VoteCast, in the order given within each partition); return
        once the broker has them all."""
        if not events:
            return
        with self._tracer.start_as_current_span("voting.votes publish", attributes={"votes": len(events)}):
            topic = events[0].event.topic
            partitions = sorted(await self._producer.partitions_for(topic))
            by_partition: dict[int, list[Envelope]] = defaultdict(list)
            for envelope in events:
                key = envelope.event.partition_key().encode()
                by_partition[self._partitioner(key, partitions, partitions)].append(envelope)
            sent = []
            for partition, batch in by_partition.items():
                sent += await self._send(topic, partition, batch)
            for delivery in sent:
                await delivery
        self._announced.inc(len(events))

    async def _send(self, topic: str, partition: int, envelopes: list[Envelope]) -> list:
        """Send `envelopes` to one partition in as few produce batches as they fill."""
        deliveries = []
        batch = self._producer.create_batch()
        for envelope in envelopes:
            key = envelope.event.partition_key().encode()
            headers = [(k, v.encode()) for k, v in envelope.headers().items()]
            if batch.append(key=key, value=envelope.body(), timestamp=None, headers=headers) is None:
                deliveries.append(await self._producer.send_batch(batch, topic, partition=partition))
                batch = self._producer.create_batch()
                batch.append(key=key, value=envelope.body(), timestamp=None, headers=headers)
        if batch.record_count():
            deliveries.append(await self._producer.send_batch(batch, topic, partition=partition))
        return deliveries
