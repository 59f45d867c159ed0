"""The service's Kafka broker: idempotent producer, tracing and metrics middlewares."""

from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry

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
    if tracer_provider is not None:
        middlewares.insert(0, KafkaTelemetryMiddleware(tracer_provider=tracer_provider))
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        allow_auto_create_topics=False,
        middlewares=middlewares,
        graceful_timeout=15.0,
    )


async def publish(broker: KafkaBroker, envelope: Envelope) -> None:
    """Publish one catalog event to its topic, keyed so its aggregate stays ordered."""
    await broker.publish(
        envelope.body(),
        topic=envelope.event.topic,
        key=envelope.event.partition_key().encode(),
        headers=envelope.headers(),
    )
