"""Prometheus metrics: HTTP requests, consumer lag per partition, and (through
FastStream's middleware) publish and handler counts and latencies."""

import time

from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


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


class RequestMetricsMiddleware:
    """Counts and times requests by route template, never by raw path (ids would
    explode the label space). Plain ASGI rather than Starlette's BaseHTTPMiddleware,
    which runs every request in an extra task and costs about a millisecond each."""

    def __init__(self, app, metrics: ServiceMetrics) -> None:
        self.app = app
        self._metrics = metrics

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500

        async def send_noting_status(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self._metrics.requests.labels(scope["method"], route, str(status)).inc()
            self._metrics.latency.labels(scope["method"], route).observe(time.perf_counter() - started)
