"""HTTP routes for candidacies in a constituency election (staff of the ballot's agency, while it is a draft)."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from sharik.events import LocalizedText
from sharik.http import CurrentUser
from voting.catalog_events import localized
from voting.domain.ballot import Text
from voting.domain.constituency import MAX_REASON, Candidacy
from voting.handlers import BallotHandlers

router = APIRouter(prefix="/ballots", tags=["candidacies"])


async def _handlers(request: Request) -> BallotHandlers:
    return request.app.state.ballots


Handlers = Annotated[BallotHandlers, Depends(_handlers)]


class CandidacyIn(BaseModel):
    wilayat: str = Field(max_length=100, description="The constituency the candidate stands in.")
    name: LocalizedText = Field(description="The candidate's name as the ballot shows it; public once it opens.")


class RejectIn(BaseModel):
    reason: str = Field(max_length=MAX_REASON, description="Why; shown to the agency's staff, never published.")


class CandidacyOut(BaseModel):
    candidacy_id: str = Field(description="Once approved and the ballot open, the candidate's option id.")
    wilayat: str
    name: LocalizedText
    status: Literal["pending", "approved", "rejected"]
    reason: str | None
    applied_at: datetime
    decided_at: datetime | None

    @classmethod
    def of(cls, c: Candidacy) -> "CandidacyOut":
        return cls(
            candidacy_id=c.candidacy_id,
            wilayat=c.wilayat,
            name=localized(c.name),
            status=c.status,
            reason=c.reason,
            applied_at=c.applied_at,
            decided_at=c.decided_at,
        )


@router.post("/{ballot_id}/candidacies", status_code=201)
async def apply(ballot_id: str, body: CandidacyIn, user: CurrentUser, handlers: Handlers) -> CandidacyOut:
    """An officer of the ballot's agency enters a candidacy on the candidate's behalf; it waits for approval.

    422 when the wilayat is not one of the ballot's constituencies; 409 once the ballot is open."""
    name = Text(ar=body.name.ar, en=body.name.en)
    return CandidacyOut.of(await handlers.apply(ballot_id, body.wilayat, name, by=user))


@router.get("/{ballot_id}/candidacies")
async def candidacies(ballot_id: str, user: CurrentUser, handlers: Handlers) -> list[CandidacyOut]:
    """Every candidacy with its status, for staff of the ballot's agency."""
    return [CandidacyOut.of(c) for c in await handlers.candidacies(ballot_id, by=user)]


@router.post("/{ballot_id}/candidacies/{candidacy_id}/approve")
async def approve(ballot_id: str, candidacy_id: str, user: CurrentUser, handlers: Handlers) -> CandidacyOut:
    """Approve a pending candidacy: the candidate is on the ballot when it opens. Audited."""
    return CandidacyOut.of(await handlers.decide(ballot_id, candidacy_id, approve=True, reason=None, by=user))


@router.post("/{ballot_id}/candidacies/{candidacy_id}/reject")
async def reject(
    ballot_id: str, candidacy_id: str, body: RejectIn, user: CurrentUser, handlers: Handlers
) -> CandidacyOut:
    """Reject a pending candidacy with a reason. Audited (without the reason)."""
    decided = await handlers.decide(ballot_id, candidacy_id, approve=False, reason=body.reason, by=user)
    return CandidacyOut.of(decided)
