"""Wiring: settings → runtime → read model, subscribers, views, routes → the ASGI app."""

import uvicorn
from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from reporting import api, data_requests_api, datasets_api, formats_api, open_data_api, participation_api
from reporting.catalogue import OpenDataCatalogue
from reporting.config import ReportingSettings
from reporting.consumers import subscribe_projections
from reporting.data_requests import DataRequests
from reporting.formats_views import FormatViews
from reporting.open_data import OpenData
from reporting.projections import TOPICS
from reporting.store import ReadModel
from reporting.participation_views import ParticipationViews
from reporting.views import TransparencyViews
from sharik.events.reporting import DataRequested
from sharik.runtime import ServiceRuntime


def create_app(
    settings: ReportingSettings | None = None,
    *,
    broker: KafkaBroker | None = None,
    mongo: AsyncMongoClient | None = None,
):
    settings = settings or ReportingSettings()
    runtime = ServiceRuntime(settings, published=[DataRequested.topic], consumed=TOPICS, broker=broker, mongo=mongo)
    read_model = ReadModel(runtime.db)
    runtime.on_startup(read_model.create_indexes)
    subscribe_projections(runtime.broker, group_id=runtime.group_id, read_model=read_model)
    open_data = OpenData(read_model, settings)
    runtime.run_in_background(open_data.keep_daily_snapshots)
    data_requests = DataRequests(
        runtime.db, answer_within=settings.data_request_answer_within, datasets=open_data,
        pseudonym_key=settings.pseudonym_key.get_secret_value(), on_saved=runtime.wake_relay,
    )
    runtime.relay_outbox_of(data_requests.requests)
    runtime.on_startup(data_requests.create_indexes)
    poll = settings.data_request_overdue_poll_seconds
    runtime.run_in_background(lambda: data_requests.keep_marking_overdue(poll_seconds=poll))
    return runtime.app(
        title="Sharik reporting",
        description=(
            "The public transparency view: campaigns, ballot results, complaints (volumes, timings,"
            " SLA compliance, satisfaction), service ratings, notifications; ballot results as open data; the DCAT-AP 3.0 catalogue of every dataset."
        ),
        routers=[
            api.router, participation_api.router, formats_api.router, open_data_api.router, datasets_api.router,
            data_requests_api.router, api.admin,
        ],
        state={
            "views": TransparencyViews(read_model),
            "catalogue": OpenDataCatalogue(read_model, voting_url=settings.voting_public_url),
            "participation": ParticipationViews(read_model),
            "open_data": open_data,
            "data_requests": data_requests,
            "formats": FormatViews(read_model),
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
