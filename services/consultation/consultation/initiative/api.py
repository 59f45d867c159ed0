"""HTTP routes of citizen initiatives and of agencies' thresholds for them."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from consultation.initiative.handlers import InitiativeHandlers
from consultation.initiative.initiative import AnswerOutcome, Level, Proposal, Rules
from sharik.events import LocalizedText
from sharik.http import CurrentUser, OptionalUser

router = APIRouter(prefix="/initiatives", tags=["citizen initiatives"])


def _handlers(request: Request) -> InitiativeHandlers:
    return request.app.state.initiatives


Handlers = Annotated[InitiativeHandlers, Depends(_handlers)]


class RejectionIn(BaseModel):
    reason: LocalizedText


class AnswerIn(BaseModel):
    outcome: AnswerOutcome
    reasoning: LocalizedText


class RuleIn(Rules):
    level: Level
    code: str | None = Field(default=None, min_length=1, max_length=60)
    """One governorate or wilayat; none for every scope of the level."""


@router.post("", status_code=201)
async def draft_initiative(body: Proposal, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    """A citizen drafts an initiative (its text goes through moderation); share its id
    with the co-promoters, who join the committee."""
    initiative = await handlers.draft(body, by=user)
    return await handlers.view(initiative.initiative_id, by=user)


@router.post("/{initiative_id}/committee")
async def join_committee(initiative_id: str, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    await handlers.join(initiative_id, by=user)
    return await handlers.view(initiative_id, by=user)


@router.post("/{initiative_id}/file")
async def file_initiative(initiative_id: str, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    """The promoter files it once the committee is big enough → InitiativeFiled."""
    await handlers.file(initiative_id, by=user)
    return await handlers.view(initiative_id, by=user)


@router.post("/{initiative_id}/admission")
async def admit_initiative(initiative_id: str, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    """The addressed agency finds it admissible; collection opens → InitiativeAdmitted."""
    await handlers.admit(initiative_id, by=user)
    return await handlers.view(initiative_id, by=user)


@router.post("/{initiative_id}/rejection")
async def reject_initiative(initiative_id: str, body: RejectionIn, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    await handlers.reject(initiative_id, body.reason, by=user)
    return await handlers.view(initiative_id, by=user)


@router.put("/{initiative_id}/support")
async def support_initiative(initiative_id: str, user: CurrentUser, handlers: Handlers) -> dict[str, int]:
    """Support it (once; residents of its scope) → the live count."""
    return {"supports": await handlers.support(initiative_id, by=user)}


@router.delete("/{initiative_id}/support")
async def withdraw_support(initiative_id: str, user: CurrentUser, handlers: Handlers) -> dict[str, int]:
    """Withdraw one's support before the deadline → the live count."""
    return {"supports": await handlers.withdraw(initiative_id, by=user)}


@router.post("/{initiative_id}/answer")
async def answer_initiative(initiative_id: str, body: AnswerIn, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    """The agency's published answer → InitiativeAnswered (late when past due)."""
    await handlers.answer(initiative_id, outcome=body.outcome, reasoning=body.reasoning, by=user)
    return await handlers.view(initiative_id, by=user)


@router.get("/{initiative_id}")
async def view_initiative(initiative_id: str, user: OptionalUser, handlers: Handlers) -> dict[str, Any]:
    """The initiative with its live support count (never who supports it)."""
    return await handlers.view(initiative_id, by=user)


@router.put("/rules/{agency}", status_code=204)
async def set_rule(agency: str, body: RuleIn, user: CurrentUser, handlers: Handlers) -> None:
    """An agency admin sets the threshold, collection and answer days for a scope."""
    user.require("agency_admin")
    user.require_staff_of(agency)
    await handlers.rules.set(agency, body.level, body.code, Rules(**body.model_dump(exclude={"level", "code"})))


@router.get("/rules/{agency}")
async def agency_rules(agency: str, handlers: Handlers, limit: Annotated[int, Query(ge=1, le=500)] = 500) -> list[dict]:
    """The agency's thresholds per scope (public, so citizens know the bar)."""
    return (await handlers.rules.of_agency(agency))[:limit]
