"""OpenTelemetry tracing: one tracer provider per service, exported over OTLP when an
endpoint is configured; traces cross Kafka in the W3C `traceparent` header."""

from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor


def tracer_provider(service_name: str, otlp_endpoint: str | None) -> TracerProvider:
    """Build the service's tracer provider. It is handed to the FastAPI and FastStream
    instrumentation explicitly rather than set globally, so several services (tests)
    can share one process."""
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{otlp_endpoint}/v1/traces"))
        )
    return provider
