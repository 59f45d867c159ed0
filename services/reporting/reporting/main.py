"""Wiring: settings → runtime → read model, subscribers, views, routes → the ASGI app."""

import uvicorn
from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from reporting import api, open_data_api, participation_api
from reporting.catalogue import OpenDataCatalogue
from reporting.config import ReportingSettings
from reporting.consumers import subscribe_projections
from reporting.projections import TOPICS
from reporting.store import ReadModel
from reporting.participation_views import ParticipationViews
from reporting.views import TransparencyViews
from sharik.runtime import ServiceRuntime


def create_app(
    settings: ReportingSettings | None = None,
    *,
    broker: KafkaBroker | None = None,
    mongo: AsyncMongoClient | None = None,
):
    settings = settings or ReportingSettings()
    runtime = ServiceRuntime(settings, published=[], consumed=TOPICS, broker=broker, mongo=mongo)
    read_model = ReadModel(runtime.db)
    runtime.on_startup(read_model.create_indexes)
    subscribe_projections(runtime.broker, group_id=runtime.group_id, read_model=read_model)
    return runtime.app(
        title="Sharik reporting",
        description=(
            "The public transparency view: campaigns, ballot results, complaints (volumes, timings,"
            " SLA compliance, satisfaction), service ratings, notifications; ballot results as open data."
        ),
        routers=[api.router, participation_api.router, open_data_api.router, api.admin],
        state={
            "views": TransparencyViews(read_model),
            "catalogue": OpenDataCatalogue(read_model, voting_url=settings.voting_public_url),
            "participation": ParticipationViews(read_model),
            "read_model": read_model,
        },
    )


def run() -> None:
    settings = ReportingSettings()
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        timeout_graceful_shutdown=20,
    )
