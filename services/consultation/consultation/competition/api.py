"""HTTP routes of idea competitions: the call and its stages, ideas, the jury's
reviews and the results."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from consultation.competition.competition import Call, Competition, Jury
from consultation.competition.handlers import CompetitionHandlers
from consultation.competition.idea import Idea, Proposal
from consultation.competition.ideas import IdeaHandlers
from consultation.competition.reviews import ReviewHandlers
from sharik.events import LocalizedText
from sharik.http import CurrentUser, OptionalUser

router = APIRouter(prefix="/competitions", tags=["idea competitions"])



def _competitions(request: Request) -> CompetitionHandlers:
    return request.app.state.competitions


def _ideas(request: Request) -> IdeaHandlers:
    return request.app.state.ideas


def _reviews(request: Request) -> ReviewHandlers:
    return request.app.state.reviews


Competitions = Annotated[CompetitionHandlers, Depends(_competitions)]
Ideas = Annotated[IdeaHandlers, Depends(_ideas)]
Reviews = Annotated[ReviewHandlers, Depends(_reviews)]
IdeaId = Annotated[str, Field(min_length=1, max_length=60)]


class CompetitionIn(BaseModel):
    campaign_id: str | None = Field(default=None, max_length=60)
    call: Call


class CompetitionOut(BaseModel):
    """A competition as anyone sees it (the jury by its size and rubric only)."""

    competition_id: str
    agency: str
    campaign_id: str | None
    call: Call
    stage_index: int
    stage: str
    published_at: Any
    jurors: int
    rubric: dict | None
    ideas_in_stage: tuple[str, ...]
    winners: tuple[str, ...]
    people_choice_ballot: str | None

    @classmethod
    def of(cls, c: Competition) -> "CompetitionOut":
        return cls(
            competition_id=c.competition_id,
            agency=c.agency,
            campaign_id=c.campaign_id,
            call=c.call,
            stage_index=c.stage_index,
            stage=c.kind,
            published_at=c.published_at,
            jurors=len(c.jury.jurors) if c.jury else 0,
            rubric=c.jury.rubric.model_dump() if c.jury else None,
            ideas_in_stage=c.in_play,
            winners=c.winners,
            people_choice_ballot=c.people_choice_ballot,
        )


class ConflictsIn(BaseModel):
    idea_ids: tuple[IdeaId, ...] = Field(min_length=1, max_length=500)


class OverrideIn(BaseModel):
    advancing: tuple[IdeaId, ...] = Field(min_length=1, max_length=10_000)
    reason: str = Field(min_length=3, max_length=2000)


class ConcludeIn(BaseModel):
    override: OverrideIn | None = None
    """Only the chair gives one: the ideas that advance, and why."""


class BallotIn(BaseModel):
    ballot_id: str = Field(min_length=1, max_length=60)


class SimilarIn(BaseModel):
    text: str = Field(min_length=3, max_length=20_000)


class ScreeningIn(BaseModel):
    eligible: bool
    reason: LocalizedText


class AdoptionIn(BaseModel):
    text: LocalizedText
    """The decision, as the campaign records it."""
    funded_omr: float | None = Field(default=None, ge=0)


class ReviewIn(BaseModel):
    scores: dict[Annotated[str, Field(max_length=40)], int] = Field(min_length=1, max_length=20)
    comments: dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=4000)]] = Field(
        default_factory=dict, max_length=20
    )


class IdeaOut(BaseModel):
    """An idea as its submitter sees it (with the screening reason)."""

    idea_id: str
    competition_id: str
    proposal: Proposal
    status: str
    screening: dict | None
    supports: int
    decision_id: str | None
    funded_omr: float | None

    @classmethod
    def of(cls, idea: Idea) -> "IdeaOut":
        return cls(
            **idea.model_dump(include={"idea_id", "competition_id", "proposal", "status", "decision_id", "funded_omr"}),
            screening=idea.screening.model_dump(include={"eligible", "reason", "at"}) if idea.screening else None,
            supports=len(idea.supporters),
        )


@router.post("", status_code=201)
async def create_competition(body: CompetitionIn, user: CurrentUser, handlers: Competitions) -> CompetitionOut:
    """Draft a competition of the caller's agency."""
    return CompetitionOut.of(await handlers.create(body.call, campaign_id=body.campaign_id, by=user))


@router.put("/{competition_id}/call")
async def revise_call(competition_id: str, body: Call, user: CurrentUser, handlers: Competitions) -> CompetitionOut:
    return CompetitionOut.of(await handlers.revise(competition_id, body, by=user))


@router.post("/{competition_id}/publish")
async def publish_competition(competition_id: str, user: CurrentUser, handlers: Competitions) -> CompetitionOut:
    """Announce the call; submissions open → CompetitionPublished, CompetitionStageOpened."""
    return CompetitionOut.of(await handlers.publish(competition_id, by=user))


@router.put("/{competition_id}/jury")
async def name_jury(competition_id: str, body: Jury, user: CurrentUser, handlers: Competitions) -> CompetitionOut:
    """Name the jurors, the chair, the rubric and the reviews each idea gets."""
    return CompetitionOut.of(await handlers.name_jury(competition_id, body, by=user))


@router.post("/{competition_id}/conflicts")
async def declare_conflicts(competition_id: str, body: ConflictsIn, user: CurrentUser, handlers: Competitions) -> dict:
    """A juror declares the ideas they have a conflict of interest with."""
    competition = await handlers.declare_conflicts(competition_id, body.idea_ids, by=user)
    return {"idea_ids": sorted(c.idea_id for c in competition.conflicts if c.juror == user.subject)}


@router.post("/{competition_id}/advance")
async def advance_stage(competition_id: str, user: CurrentUser, handlers: Competitions) -> CompetitionOut:
    """Open the next stage (a judged one assigns its reviews) → CompetitionStageOpened."""
    return CompetitionOut.of(await handlers.advance(competition_id, by=user))


@router.post("/{competition_id}/conclude")
async def conclude_stage(
    competition_id: str, user: CurrentUser, handlers: Competitions, body: ConcludeIn | None = None
) -> dict:
    """Rank the open jury stage from its reviews → JuryStageConcluded (409 on a tie at the cut)."""
    override = (body.override.advancing, body.override.reason) if body and body.override else None
    competition = await handlers.conclude(competition_id, override=override, by=user)
    return competition.outcomes[-1].model_dump(mode="json", exclude={"override": {"by"}})


@router.put("/{competition_id}/people-choice")
async def link_people_choice(competition_id: str, body: BallotIn, user: CurrentUser, handlers: Competitions) -> CompetitionOut:
    """Link the voting service's ballot over the shortlist."""
    return CompetitionOut.of(await handlers.link_people_choice(competition_id, body.ballot_id, by=user))


@router.get("/{competition_id}")
async def view_competition(competition_id: str, user: OptionalUser, handlers: Competitions) -> CompetitionOut:
    return CompetitionOut.of(await handlers.view(competition_id, by=user))


@router.get("/{competition_id}/results")
async def competition_results(competition_id: str, user: OptionalUser, handlers: Competitions) -> list[dict]:
    """Each concluded jury stage: its ranking (scores, ties) and who advanced, with the
    chair's reason where it overrode."""
    competition = await handlers.view(competition_id, by=user)
    return [o.model_dump(mode="json", exclude={"override": {"by"}}) for o in competition.outcomes]


@router.get("")
async def list_competitions(
    handlers: Competitions, agency: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[CompetitionOut]:
    return [CompetitionOut.of(c) for c in await handlers.listed(agency=agency, limit=limit)]


@router.post("/{competition_id}/ideas/similar")
async def similar_ideas(competition_id: str, body: SimilarIn, ideas: Ideas) -> list[dict]:
    """Before submitting: the competition's ideas that look like this text, to support instead."""
    return await ideas.similar(competition_id, body.text)


@router.post("/{competition_id}/ideas", status_code=201)
async def submit_idea(competition_id: str, body: Proposal, user: CurrentUser, ideas: Ideas) -> IdeaOut:
    """Submit an idea (its text goes through moderation) → IdeaSubmitted."""
    return IdeaOut.of(await ideas.submit(competition_id, body, by=user))


@router.put("/{competition_id}/ideas/{idea_id}")
async def edit_idea(competition_id: str, idea_id: str, body: Proposal, user: CurrentUser, ideas: Ideas) -> IdeaOut:
    """The submitter edits it until the submission deadline."""
    return IdeaOut.of(await ideas.edit(competition_id, idea_id, body, by=user))


@router.post("/{competition_id}/ideas/{idea_id}/withdraw")
async def withdraw_idea(competition_id: str, idea_id: str, user: CurrentUser, ideas: Ideas) -> IdeaOut:
    return IdeaOut.of(await ideas.withdraw(competition_id, idea_id, by=user))


@router.post("/{competition_id}/ideas/{idea_id}/support")
async def support_idea(competition_id: str, idea_id: str, user: CurrentUser, ideas: Ideas) -> dict:
    """Support this idea instead of submitting a similar one (once per citizen)."""
    idea = await ideas.support(competition_id, idea_id, by=user)
    return {"idea_id": idea.idea_id, "supports": len(idea.supporters)}


@router.post("/{competition_id}/ideas/{idea_id}/screening")
async def screen_idea(competition_id: str, idea_id: str, body: ScreeningIn, user: CurrentUser, ideas: Ideas) -> IdeaOut:
    """Officers: eligible or not, with a reason the submitter sees → IdeaScreened."""
    return IdeaOut.of(await ideas.screen(competition_id, idea_id, eligible=body.eligible, reason=body.reason, by=user))


@router.post("/{competition_id}/ideas/{idea_id}/adoption")
async def adopt_idea(competition_id: str, idea_id: str, body: AdoptionIn, user: CurrentUser, ideas: Ideas) -> IdeaOut:
    """Adopt a winner: a decision of the campaign → DecisionRecorded, IdeaAdopted."""
    return IdeaOut.of(await ideas.adopt(competition_id, idea_id, text=body.text, funded_omr=body.funded_omr, by=user))


@router.get("/{competition_id}/ideas")
async def list_ideas(competition_id: str, user: OptionalUser, ideas: Ideas) -> list[dict]:
    """Standing ideas, publicly: no submitter or team; moderated text."""
    return await ideas.listed(competition_id, by=user)


@router.get("/{competition_id}/my-ideas")
async def my_ideas(competition_id: str, user: CurrentUser, ideas: Ideas) -> list[IdeaOut]:
    return [IdeaOut.of(i) for i in await ideas.mine(competition_id, by=user)]


@router.get("/{competition_id}/reviews/mine")
async def my_reviews(competition_id: str, user: CurrentUser, reviews: Reviews) -> list[dict]:
    """A juror's assigned ideas in the open jury stage, blind."""
    return await reviews.assigned(competition_id, by=user)


@router.put("/{competition_id}/ideas/{idea_id}/review")
async def submit_review(competition_id: str, idea_id: str, body: ReviewIn, user: CurrentUser, reviews: Reviews) -> dict:
    """A juror scores an assigned idea on every criterion, once."""
    return await reviews.submit(competition_id, idea_id, scores=body.scores, comments=body.comments, by=user)


@router.get("/{competition_id}/ideas/{idea_id}/reviews")
async def idea_reviews(competition_id: str, idea_id: str, user: CurrentUser, reviews: Reviews) -> list[dict]:
    """An idea's reviews: to the agency's staff, and to a juror after their own."""
    return await reviews.of_idea(competition_id, idea_id, by=user)
