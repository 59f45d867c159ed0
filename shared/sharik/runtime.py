"""The wiring every service shares: settings in, a running ASGI app out.

A service builds one ServiceRuntime in its main.py, registers its subscribers and the
collections whose outboxes to relay, then asks for the app. Tests pass their own
broker or store client; otherwise real ones are built from the settings."""

import asyncio
from collections.abc import Sequence
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from faststream import BaseMiddleware, ContextRepo
from faststream.kafka import KafkaBroker
from faststream_fastapi import FastStreamAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from prometheus_client import CollectorRegistry
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from sharik.auth.tokens import TokenVerifier
from sharik.bus.broker import make_broker
from sharik.bus.topics import ensure_topics
from sharik.events.asyncapi import declare_publishers
from sharik.docs_pages import install_docs_pages
from sharik.http import install_error_handlers, install_operational_routes
from sharik.logging import configure_logging
from sharik.metrics import RequestMetricsMiddleware, ServiceMetrics
from sharik.openapi import document_errors
from sharik.outbox import OutboxRelay
from sharik.request_body import RequestBodyGuard
from sharik.settings import ServiceSettings
from sharik.store import connect, ping
from sharik.telemetry import tracer_provider

log = structlog.get_logger(__name__)

READINESS_TIMEOUT_SECONDS = 3.0


class ServiceRuntime:
    """Settings, broker, store, auth, metrics and the outbox relay of one service."""

    def __init__(
        self,
        settings: ServiceSettings,
        *,
        published: Sequence[str],
        consumed: Sequence[str] = (),
        broker: KafkaBroker | None = None,
        mongo: AsyncMongoClient | None = None,
    ) -> None:
        configure_logging(settings.service_name, settings.log_level)
        self.settings = settings
        self.published = list(published)
        self.consumed = list(consumed)
        self.metrics = ServiceMetrics(CollectorRegistry())
        self.tracer_provider = tracer_provider(settings.service_name, settings.otel_exporter_otlp_endpoint)
        self.broker = broker or make_broker(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            client_id=settings.service_name,
            tracer_provider=self.tracer_provider,
            registry=self.metrics.registry,
        )
        declare_publishers(self.broker, self.published)
        self.mongo = mongo or connect(settings.mongodb_url)
        self.db: AsyncDatabase = self.mongo[settings.mongodb_database]
        self.verifier = TokenVerifier.from_settings(settings)
        self.relay: OutboxRelay | None = None
        self._outbox_collections: list[AsyncCollection] = []
        self._startup_tasks: list = []
        self._background_jobs: list = []
        self._shutdown_tasks: list = []

    @property
    def group_id(self) -> str:
        """The service's consumer group: every replica shares the work."""
        return self.settings.consumer_group or f"sharik.{self.settings.service_name}"

    def relay_outbox_of(self, *collections: AsyncCollection) -> None:
        self._outbox_collections.extend(collections)

    def on_startup(self, task) -> None:
        """Run `task()` (a coroutine function) at start, after the store is reachable."""
        self._startup_tasks.append(task)

    def run_in_background(self, job) -> None:
        """Run `job()` (a coroutine function looping forever) while the app runs; it is
        cancelled at shutdown, before the store closes."""
        self._background_jobs.append(job)

    def on_shutdown(self, task) -> None:
        """Run `task()` (a coroutine function) at shutdown, before the relay and store stop."""
        self._shutdown_tasks.append(task)

    def wake_relay(self) -> None:
        if self.relay is not None:
            self.relay.wake()

    async def readiness_problems(self) -> list[str]:
        problems = []
        try:
            await asyncio.wait_for(ping(self.mongo), READINESS_TIMEOUT_SECONDS)
        except Exception as error:  # noqa: BLE001 - any failure means not ready
            problems.append(f"store unreachable: {error!r}")
        try:
            if not await self.broker.ping(timeout=READINESS_TIMEOUT_SECONDS):
                problems.append("broker unreachable")
        except Exception as error:  # noqa: BLE001
            problems.append(f"broker unreachable: {error!r}")
        return problems

    def app(
        self,
        *,
        title: str,
        routers: Sequence[APIRouter],
        state: dict[str, Any],
        description: str = "",
        untraced: Sequence[str] = (),
    ) -> "StopOwnWorkFirst":
        """The ASGI app: the service's routes, the shared operational routes, and the
        broker's lifecycle. Start: topics, startup tasks, broker, relay, background jobs.
        Stop: background jobs, shutdown tasks and the relay first (while the producer
        still works), then the broker (stop consuming, finish handlers, flush), then
        the store connection.

        `state` holds what the routes depend on (handlers, views), on `app.state`;
        `untraced` are URL patterns (regular expressions) served without a span."""
        jobs: list[asyncio.Task] = []

        @asynccontextmanager
        async def lifespan(_app: FastAPI):
            await ensure_topics(
                self.settings.kafka_bootstrap_servers, published=self.published, consumed=self.consumed
            )
            for task in self._startup_tasks:
                await task()
            jobs.extend(asyncio.create_task(job(), name=job.__qualname__) for job in self._background_jobs)
            yield
            await self.mongo.close()
            self.tracer_provider.shutdown()

        async def stop_own_work() -> None:
            for job in jobs:
                job.cancel()
            await asyncio.gather(*jobs, return_exceptions=True)
            for task in self._shutdown_tasks:
                await task()
            if self.relay is not None:
                await self.relay.stop()

        async def connect_broker(broker: KafkaBroker) -> None:
            await broker.start()
            if self._outbox_collections:
                self.relay = OutboxRelay(
                    broker, self._outbox_collections, poll_seconds=self.settings.outbox_poll_seconds
                )
                await self.relay.create_indexes()
                self.relay.start()
            log.info("service started", port=self.settings.http_port)

        # FastAPI's own telemetry off: the instrumentation below traces with this
        # service's provider, and the native one looked for a global provider in the
        # environment on every request. docs_url=None: its own /docs, without CDN
        # scripts (install_docs_pages).
        native_telemetry = {"tracing": False, "metrics": False, "logs": False}
        fastapi = FastAPI(
            title=title,
            description=description,
            lifespan=lifespan,
            telemetry=native_telemetry,
            docs_url=None,
            redoc_url=None,
        )
        fastapi.state.runtime = self
        for name, value in state.items():
            setattr(fastapi.state, name, value)
        install_error_handlers(fastapi)
        install_operational_routes(fastapi)
        for router in routers:
            fastapi.include_router(router)
        fastapi.add_middleware(RequestBodyGuard, limit_for=self._body_limits(fastapi))
        # Outermost, so the guard's refusals (413, 400, 422) are counted too.
        fastapi.add_middleware(RequestMetricsMiddleware, metrics=self.metrics)
        document_errors(fastapi)
        # A server span per request, so the outbox entry carries the request's trace.
        # Without the internal `http receive`/`http send` spans: three spans a request
        # where one says it all (they cost a vote about a tenth of its CPU).
        FastAPIInstrumentor.instrument_app(
            fastapi,
            tracer_provider=self.tracer_provider,
            excluded_urls=",".join(["healthz", "readyz", "metrics", *untraced]),
            exclude_spans=["receive", "send"],
        )
        app = FastStreamAPI(
            self.broker, application=fastapi, safe_connection=True, connection_hook=connect_broker
        )
        install_docs_pages(fastapi, app.schema)
        self.broker.add_middleware(_message_in_context(app.context))
        return StopOwnWorkFirst(app, stop_own_work)


    def _body_limits(self, fastapi: FastAPI):
        """A route's body limit: the upload limit for routes that take a file (their
        request body is not JSON), the JSON limit for every other."""
        uploads = [
            route
            for route in iter_route_contexts(fastapi.routes)
            if isinstance(route.original_route, APIRoute)
            and any(
                not media.endswith("json")
                for media in (route.openapi_extra or {}).get("requestBody", {}).get("content", {})
            )
        ]

        def limit_for(method: str, path: str) -> int:
            for route in uploads:
                if method in route.methods and route.path_regex.match(path):
                    return self.settings.max_upload_body_bytes
            return self.settings.max_json_body_bytes

        return limit_for


class StopOwnWorkFirst:
    """ASGI wrapper that stops the service's own work when shutdown is asked for, before
    FastStreamAPI stops the broker: the relay's last publishes still have a producer."""

    def __init__(self, app: FastStreamAPI, stop_own_work) -> None:
        self.app = app
        self._stop_own_work = stop_own_work

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "lifespan":
            return await self.app(scope, receive, send)

        async def receive_then_stop():
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                await self._stop_own_work()
            return message

        return await self.app(scope, receive_then_stop, send)


def _message_in_context(context: ContextRepo) -> type[BaseMiddleware]:
    # FastStreamAPI resolves a handler's `KafkaMessage` in its own context, while the
    # broker sets the message in another; without this, handlers got a placeholder.
    class MessageInAppContext(BaseMiddleware):
        async def consume_scope(self, call_next, msg):
            with context.scope("message", msg):
                return await call_next(msg)

    return MessageInAppContext
