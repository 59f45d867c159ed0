"""The service's Kafka broker: idempotent producer, tracing and metrics middlewares."""

import logging

from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry

from sharik.bus.topics import MAX_RECORD_BYTES
from sharik.events.envelope import Envelope


def make_broker(
    *,
    bootstrap_servers: str,
    client_id: str,
    tracer_provider: TracerProvider | None,
    registry: CollectorRegistry,
) -> KafkaBroker:
    """A broker whose producer never writes a record twice on retry (idempotence,
    acks=all) and that traces and measures every publish and handler."""
    middlewares = [KafkaPrometheusMiddleware(registry=registry, app_name=client_id)]
    logger = ConsumedTraceLogger()
    if tracer_provider is not None:
        middlewares.insert(0, KafkaTelemetryMiddleware(tracer_provider=tracer_provider))
    broker = KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        allow_auto_create_topics=False,
        middlewares=middlewares,
        graceful_timeout=15.0,
        max_request_size=MAX_RECORD_BYTES,
        # Through the root handler (sharik.logging): FastStream's own logger writes
        # coloured text to stdout, beside the service's JSON lines.
        logger=logger,
    )
    # The context the broker sets the consumed message in (FastStreamAPI replaces it with
    # its own when it takes the broker).
    logger.broker = broker
    return broker


class ConsumedTraceLogger(logging.LoggerAdapter):
    """FastStream's lines about a consumed record ("Received", "Processed") are written
    before and after its span, so they name the record's trace from its `traceparent`."""

    broker: KafkaBroker | None = None

    def __init__(self) -> None:
        super().__init__(logging.getLogger("faststream.broker"))

    def process(self, msg, kwargs):
        extra = dict(kwargs.get("extra") or {})
        message = self.broker.context.get_local("message") if self.broker is not None else None
        if message is not None:
            parts = str(dict(message.headers).get("traceparent", "")).split("-")
            if len(parts) == 4:
                extra.setdefault("trace_id", parts[1])
                extra.setdefault("span_id", parts[2])
        return msg, {**kwargs, "extra": extra}


async def publish(broker: KafkaBroker, envelope: Envelope) -> None:
    """Publish one catalog event to its topic, keyed so its aggregate stays ordered."""
    await broker.publish(
        envelope.body(),
        topic=envelope.event.topic,
        key=envelope.event.partition_key().encode(),
        headers=envelope.headers(),
    )
