"""Wiring: settings → runtime → store, handlers, routes → the ASGI app."""

import uvicorn
from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from feedback import api
from feedback.config import FeedbackSettings
from feedback.handlers import ComplaintHandlers
from feedback.store import ComplaintStore
from sharik.runtime import ServiceRuntime


def create_app(
    settings: FeedbackSettings | None = None,
    *,
    broker: KafkaBroker | None = None,
    mongo: AsyncMongoClient | None = None,
):
    settings = settings or FeedbackSettings()
    runtime = ServiceRuntime(settings, published=["feedback.complaints"], broker=broker, mongo=mongo)
    store = ComplaintStore(runtime.db)
    runtime.relay_outbox_of(store.complaints)
    runtime.on_startup(store.create_indexes)
    handlers = ComplaintHandlers(
        store, pseudonym_key=settings.pseudonym_key.get_secret_value(), on_saved=runtime.wake_relay
    )
    return runtime.app(
        title="Sharik feedback",
        description="Complaints, suggestions and reports to agencies (Tajawob): filing, tracking, handling.",
        routers=[api.router],
        state={"complaints": handlers},
    )


def run() -> None:
    settings = FeedbackSettings()
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        timeout_graceful_shutdown=20,
    )
