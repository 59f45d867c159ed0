"""Prometheus metrics: HTTP requests, consumer lag per partition, and (through
FastStream's middleware) publish and handler counts and latencies."""

import time

from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request


class ServiceMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.requests = Counter(
            "sharik_http_requests", "HTTP requests", ["method", "route", "status"], registry=registry
        )
        self.latency = Histogram(
            "sharik_http_request_seconds", "HTTP request latency", ["method", "route"], registry=registry
        )
        self.consumer_lag = Gauge(
            "sharik_consumer_lag",
            "Records not yet consumed (high watermark minus position)",
            ["topic", "partition", "group"],
            registry=registry,
        )

    async def refresh_consumer_lag(self, broker: KafkaBroker) -> None:
        """Read each subscriber's lag from its consumer, just before a scrape."""
        for subscriber in broker.subscribers:
            consumer = getattr(subscriber, "consumer", None)
            if consumer is None:
                continue
            group = getattr(consumer, "_group_id", None) or ""
            for partition in consumer.assignment():
                highwater = consumer.highwater(partition)
                if highwater is None:
                    continue
                position = await consumer.position(partition)
                self.consumer_lag.labels(partition.topic, str(partition.partition), group).set(
                    max(0, highwater - position)
                )


class RequestMetricsMiddleware(BaseHTTPMiddleware):
    """Counts and times requests by route template, never by raw path (ids would
    explode the label space)."""

    def __init__(self, app, metrics: ServiceMetrics) -> None:
        super().__init__(app)
        self._metrics = metrics

    async def dispatch(self, request: Request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        self._metrics.requests.labels(request.method, route, str(response.status_code)).inc()
        self._metrics.latency.labels(request.method, route).observe(time.perf_counter() - started)
        return response
