"""HTTP routes of satisfaction with the handling of a complaint."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field, StringConstraints

from feedback.domain.satisfaction import COMMENT_MAX_CHARS, Satisfaction
from feedback.satisfaction_handlers import SatisfactionHandlers
from sharik.http import CurrentUser

router = APIRouter(prefix="/complaints", tags=["satisfaction"])


def _handlers(request: Request) -> SatisfactionHandlers:
    return request.app.state.satisfaction


Handlers = Annotated[SatisfactionHandlers, Depends(_handlers)]
Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=COMMENT_MAX_CHARS)]


class SatisfactionIn(BaseModel):
    score: int = Field(ge=1, le=5)
    comment: Comment | None = None


class SatisfactionOut(BaseModel):
    complaint_id: str
    score: int
    comment: str | None
    rated_at: datetime

    @classmethod
    def of(cls, satisfaction: Satisfaction) -> "SatisfactionOut":
        return cls(
            complaint_id=satisfaction.complaint_id,
            score=satisfaction.score,
            comment=satisfaction.comment,
            rated_at=satisfaction.rated_at,
        )


@router.post("/{complaint_id}/satisfaction", status_code=201)
async def rate_handling(
    complaint_id: str, body: SatisfactionIn, user: CurrentUser, handlers: Handlers
) -> SatisfactionOut:
    """The citizen who filed it rates the handling once it is resolved or closed; emits ComplaintRated."""
    satisfaction = await handlers.rate(complaint_id, score=body.score, comment=body.comment, by=user)
    return SatisfactionOut.of(satisfaction)


@router.get("/{complaint_id}/satisfaction")
async def view_rating(complaint_id: str, user: CurrentUser, handlers: Handlers) -> SatisfactionOut:
    """The rating with its comment, for the citizen who gave it or the agency's staff."""
    return SatisfactionOut.of(await handlers.view(complaint_id, by=user))
