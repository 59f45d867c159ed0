"""Wiring: settings → runtime → store, handlers, routes → the ASGI app."""

from collections.abc import Callable
from datetime import datetime, timedelta

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from feedback import agency_settings_api, api, category_api, clock, escalation_api, satisfaction_api, service_api
from feedback.agency_settings import AgencySettingsStore
from feedback.category_handlers import CategoryHandlers
from feedback.category_store import CategoryStore
from feedback.config import FeedbackSettings
from feedback.escalation import EscalationScheduler, SlaRules
from feedback.escalation_store import EscalationStore
from feedback.escalation_views import EscalationViews
from feedback.handlers import ComplaintHandlers
from feedback.limits import Limiter, WindowCounters, WindowLimit, expire_windows
from feedback.open311.router import router as open311_router
from feedback.satisfaction_handlers import SatisfactionHandlers
from feedback.satisfaction_store import SatisfactionStore
from feedback.service_handlers import ServiceHandlers
from feedback.service_store import ServiceStore
from feedback.store import ComplaintStore, ReporterIdentities
from sharik import serving
from sharik.runtime import ServiceRuntime


def create_app(
    settings: FeedbackSettings | None = None,
    *,
    broker: KafkaBroker | None = None,
    mongo: AsyncMongoClient | None = None,
    now: Callable[[], datetime] = clock.now,
):
    settings = settings or FeedbackSettings()
    runtime = ServiceRuntime(
        settings, published=["feedback.complaints", "feedback.services"], broker=broker, mongo=mongo
    )
    store = ComplaintStore(runtime.db)
    satisfaction = SatisfactionStore(runtime.db)
    services = ServiceStore(runtime.db)
    escalations = EscalationStore(runtime.db)
    runtime.relay_outbox_of(
        store.complaints, satisfaction.satisfaction, services.ratings, services.evaluations, escalations.escalations
    )
    identities = ReporterIdentities(runtime.db)
    categories = CategoryStore(runtime.db)
    runtime.on_startup(categories.create_indexes)
    runtime.on_startup(store.create_indexes)
    runtime.on_startup(identities.create_indexes)
    runtime.on_startup(services.create_indexes)
    runtime.on_startup(escalations.create_indexes)
    scheduler = EscalationScheduler(
        escalations,
        SlaRules.of(settings),
        clock=now,
        every_seconds=settings.escalation_poll_seconds,
        on_saved=runtime.wake_relay,
    )
    runtime.run_in_background(scheduler.run)
    guess_counters = WindowCounters(runtime.db["guess_counters"])
    filing_counters = WindowCounters(runtime.db["filing_counters"])
    runtime.on_startup(guess_counters.create_indexes)
    runtime.on_startup(filing_counters.create_indexes)
    guesses = Limiter(
        guess_counters,
        WindowLimit(settings.guess_limit, settings.guess_window_seconds),
        code="too_many_attempts",
        message="too many failed attempts",
        clock=now,
    )
    filings = Limiter(
        filing_counters,
        WindowLimit(settings.anonymous_filing_limit, settings.anonymous_filing_window_seconds),
        code="too_many_filings",
        message="too many anonymous filings from this address",
        clock=now,
    )

    async def expire_limit_windows() -> None:
        await expire_windows([guesses, filings], every_seconds=settings.limit_expiry_seconds)

    runtime.run_in_background(expire_limit_windows)
    key = settings.pseudonym_key.get_secret_value()
    agency_settings = AgencySettingsStore(runtime.db)
    handlers = ComplaintHandlers(
        store,
        identities,
        categories,
        agency_settings,
        guesses=guesses,
        filings=filings,
        pseudonym_key=key,
        confidential_categories=frozenset(settings.confidential_categories),
        reopen_window=timedelta(days=settings.reopen_days),
        on_saved=runtime.wake_relay,
    )
    return runtime.app(
        title="Sharik feedback",
        description=(
            "Complaints, suggestions and reports to agencies (Tajawob): filing, tracking, handling; "
            "satisfaction with the handling; service ratings and mystery-shopper evaluations."
        ),
        routers=[
            api.router,
            api.triage_router,
            category_api.router,
            agency_settings_api.router,
            satisfaction_api.router,
            service_api.router,
            open311_router,
            escalation_api.router,
        ],
        state={
            "complaints": handlers,
            "categories": CategoryHandlers(categories, clock=now),
            "agency_settings": agency_settings,
            "satisfaction": SatisfactionHandlers(
                store, satisfaction, agency_settings, pseudonym_key=key, on_saved=runtime.wake_relay
            ),
            "services": ServiceHandlers(services, pseudonym_key=key, on_saved=runtime.wake_relay),
            "escalations": EscalationViews(escalations, agency_settings),
        },
    )


def run() -> None:
    settings = FeedbackSettings()
    serving.serve(settings, create_app(settings))
