"""Idea competitions' part of the wiring: stores (relayed, indexed) and handlers."""

from typing import Any

from consultation.campaign.handlers import CampaignHandlers
from consultation.competition.decision import campaign_decider
from consultation.competition.handlers import CompetitionHandlers
from consultation.competition.ideas import IdeaHandlers
from consultation.competition.reviews import ReviewHandlers
from consultation.competition.store import CompetitionStore, IdeaStore, ReviewStore
from consultation.moderation.handlers import ModerationHandlers
from sharik.runtime import ServiceRuntime


def competitions(
    runtime: ServiceRuntime, *, moderation: ModerationHandlers, campaigns: CampaignHandlers, pseudonym_key: str
) -> dict[str, Any]:
    """The app state entries of competitions, ideas and reviews."""
    store, ideas, reviews = CompetitionStore(runtime.db), IdeaStore(runtime.db), ReviewStore(runtime.db)
    runtime.relay_outbox_of(store.collection, ideas.collection)
    for each in (store, ideas, reviews):
        runtime.on_startup(each.create_indexes)
    handlers = CompetitionHandlers(store, ideas, reviews, on_saved=runtime.wake_relay)
    return {
        "competitions": handlers,
        "ideas": IdeaHandlers(
            ideas,
            handlers,
            moderation=moderation,
            decide=campaign_decider(campaigns),
            pseudonym_key=pseudonym_key,
            on_saved=runtime.wake_relay,
        ),
        "reviews": ReviewHandlers(reviews, ideas, handlers),
    }
