"""Wiring: settings → runtime → store, handlers, routes → the ASGI app."""

import uvicorn
from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from consultation import api
from consultation.config import ConsultationSettings
from consultation.handlers import CampaignHandlers
from consultation.store import CampaignStore
from sharik.runtime import ServiceRuntime


def create_app(
    settings: ConsultationSettings | None = None,
    *,
    broker: KafkaBroker | None = None,
    mongo: AsyncMongoClient | None = None,
):
    settings = settings or ConsultationSettings()
    runtime = ServiceRuntime(settings, published=["consultation.campaigns"], broker=broker, mongo=mongo)
    store = CampaignStore(runtime.db)
    runtime.relay_outbox_of(store.campaigns)
    runtime.on_startup(store.create_indexes)
    return runtime.app(
        title="Sharik consultation",
        description="Participation campaigns: plan, launch, and what was done with the input.",
        routers=[api.router],
        state={"campaigns": CampaignHandlers(store, on_saved=runtime.wake_relay)},
    )


def run() -> None:
    settings = ConsultationSettings()
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        timeout_graceful_shutdown=20,
    )
