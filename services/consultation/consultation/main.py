"""Wiring: settings → runtime → stores, handlers, routes → the ASGI app."""

from datetime import timedelta

import uvicorn
from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from consultation.campaign import api as campaign_api
from consultation.campaign.handlers import CampaignHandlers
from consultation.campaign.store import CampaignStore
from consultation.campaign.tools import ToolCheck
from consultation.competition import api as competition_api
from consultation.competition.wiring import competitions
from consultation.config import ConsultationSettings
from consultation.initiative import api as initiative_api
from consultation.initiative.wiring import initiatives
from consultation.live_session import api as live_session_api
from consultation.live_session.wiring import live_sessions
from consultation.draft_policy import api as draft_policy_api
from consultation.draft_policy.comments import CommentStore
from consultation.draft_policy.handlers import DraftPolicyHandlers, DraftPolicyStore
from consultation.moderation import api as moderation_api
from consultation.moderation.handlers import ContentStore, ModerationHandlers
from consultation.plan import api as plan_api
from consultation.plan.kpi_targets import KpiTargetHandlers
from consultation.survey import api as survey_api
from consultation.survey.handlers import SurveyHandlers
from consultation.survey.store import SurveyStore
from sharik.runtime import ServiceRuntime

PUBLISHED = [
    "consultation.campaigns",
    "consultation.surveys",
    "consultation.documents",
    "consultation.moderation",
    "consultation.plans",
    "consultation.competitions",
    "consultation.initiatives",
    "consultation.sessions",
]


def create_app(
    settings: ConsultationSettings | None = None,
    *,
    broker: KafkaBroker | None = None,
    mongo: AsyncMongoClient | None = None,
):
    settings = settings or ConsultationSettings()
    runtime = ServiceRuntime(settings, published=PUBLISHED, broker=broker, mongo=mongo)
    key = settings.pseudonym_key.get_secret_value()
    campaigns = CampaignStore(runtime.db)
    surveys = SurveyStore(runtime.db)
    contents = ContentStore(runtime.db)
    documents = DraftPolicyStore(runtime.db)
    comments = CommentStore(runtime.db)
    kpi_targets = KpiTargetHandlers(runtime.db, on_saved=runtime.wake_relay)
    runtime.relay_outbox_of(
        kpi_targets.collection,
        campaigns.collection,
        surveys.collection,
        surveys.responses,
        contents.collection,
        documents.collection,
        comments.comments,
    )
    for store in (campaigns, surveys, contents, documents, comments):
        runtime.on_startup(store.create_indexes)
    moderation = ModerationHandlers(
        contents, pseudonym_key=key, flags_to_hide=settings.flags_to_hide, on_saved=runtime.wake_relay
    )
    tools = ToolCheck(surveys, documents, comments)
    campaign_handlers = CampaignHandlers(campaigns, tools=tools, on_saved=runtime.wake_relay)
    return runtime.app(
        title="Sharik consultation",
        description=(
            "Participation campaigns through plan, launch, analyse, apply and report; surveys;"
            " draft-policy consultations; moderation of citizen text."
        ),
        routers=[campaign_api.router, survey_api.router, draft_policy_api.router, moderation_api.router, plan_api.router]
        + [competition_api.router, initiative_api.router, live_session_api.router],
        state={
            "campaigns": campaign_handlers,
            **competitions(runtime, moderation=moderation, campaigns=campaign_handlers, pseudonym_key=key),
            **initiatives(
                runtime,
                moderation=moderation,
                pseudonym_key=key,
                min_committee=settings.initiative_committee,
                clock_seconds=settings.initiative_clock_seconds,
            ),
            **live_sessions(runtime, moderation=moderation, pseudonym_key=key, poll_seconds=settings.live_poll_seconds),
            "surveys": SurveyHandlers(
                surveys,
                moderation=moderation,
                pseudonym_key=key,
                results_max_age=timedelta(seconds=settings.results_max_age_seconds),
                on_saved=runtime.wake_relay,
            ),
            "documents": DraftPolicyHandlers(
                documents, comments, moderation=moderation, pseudonym_key=key, on_saved=runtime.wake_relay
            ),
            "moderation": moderation,
            "campaign_store": campaigns,
            "kpi_targets": kpi_targets,
        },
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
