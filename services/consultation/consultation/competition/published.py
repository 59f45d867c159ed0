"""Catalog events of competitions and ideas, from their aggregates."""

from datetime import datetime

from consultation.competition.competition import Competition, Outcome
from consultation.competition.idea import Idea
from consultation.events import envelope
from sharik.events import Envelope
from sharik.events.consultation import (
    CompetitionPublished,
    CompetitionStageDates,
    CompetitionStageOpened,
    IdeaAdopted,
    IdeaScreened,
    IdeaSubmitted,
    IdeaWithdrawn,
    JuryStageConcluded,
    RankedIdea,
    WinnersAnnounced,
)


def published(c: Competition) -> Envelope:
    event = CompetitionPublished(
        competition_id=c.competition_id,
        agency=c.agency,
        campaign_id=c.campaign_id,
        title=c.call.title,
        themes=tuple(t.theme_id for t in c.call.themes),
        eligibility=c.call.eligibility,
        stages=tuple(CompetitionStageDates(**s.model_dump()) for s in c.call.stages),
        published_at=c.published_at,
    )
    return envelope(event, agency=c.agency)


def stage_opened(c: Competition, at: datetime) -> Envelope:
    event = CompetitionStageOpened(
        competition_id=c.competition_id,
        agency=c.agency,
        stage_index=c.stage_index,
        stage=c.kind,
        ideas=len(c.in_play),
        opened_at=at,
    )
    return envelope(event, agency=c.agency)


def winners(c: Competition, at: datetime) -> Envelope:
    event = WinnersAnnounced(competition_id=c.competition_id, agency=c.agency, winners=c.in_play, announced_at=at)
    return envelope(event, agency=c.agency)


def concluded(c: Competition, outcome: Outcome) -> Envelope:
    event = JuryStageConcluded(
        competition_id=c.competition_id,
        agency=c.agency,
        stage_index=outcome.stage_index,
        stage=c.call.stages[outcome.stage_index].kind,
        ranking=tuple(RankedIdea(**r.model_dump()) for r in outcome.ranking),
        advancing=outcome.advancing,
        normalised=outcome.normalised,
        overridden=outcome.override is not None,
        concluded_at=outcome.concluded_at,
    )
    return envelope(event, agency=c.agency)


def submitted(idea: Idea, *, campaign_id: str | None, participant: str) -> Envelope:
    event = IdeaSubmitted(
        idea_id=idea.idea_id,
        competition_id=idea.competition_id,
        agency=idea.agency,
        campaign_id=campaign_id,
        participant=participant,
        theme_id=idea.proposal.theme_id,
        language=idea.proposal.language,
        team_size=1 + len(idea.proposal.team),
        submitted_at=idea.submitted_at,
    )
    return envelope(event, agency=idea.agency)


def withdrawn(idea: Idea) -> Envelope:
    event = IdeaWithdrawn(
        idea_id=idea.idea_id, competition_id=idea.competition_id, agency=idea.agency, withdrawn_at=idea.updated_at
    )
    return envelope(event, agency=idea.agency)


def screened(idea: Idea) -> Envelope:
    event = IdeaScreened(
        idea_id=idea.idea_id,
        competition_id=idea.competition_id,
        agency=idea.agency,
        eligible=idea.status == "eligible",
        screened_at=idea.screening.at,
    )
    return envelope(event, agency=idea.agency)


def adopted(idea: Idea, *, campaign_id: str, at: datetime) -> Envelope:
    event = IdeaAdopted(
        idea_id=idea.idea_id,
        competition_id=idea.competition_id,
        agency=idea.agency,
        campaign_id=campaign_id,
        decision_id=idea.decision_id,
        funded_omr=idea.funded_omr,
        adopted_at=at,
    )
    return envelope(event, agency=idea.agency)
