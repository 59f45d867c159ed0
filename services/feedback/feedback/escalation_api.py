"""HTTP routes of the escalation ladder: read-only, the scheduler does the writing."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from feedback.escalation_views import EscalationViews
from feedback.sla.clock import Target
from feedback.sla.escalation import Level, Reason
from sharik.http import CurrentUser

router = APIRouter(tags=["escalations"])


def _views(request: Request) -> EscalationViews:
    return request.app.state.escalations


Views = Annotated[EscalationViews, Depends(_views)]
Limit = Annotated[int, Query(ge=1, le=200)]


class EscalationOut(BaseModel):
    breach_id: str
    complaint_id: str
    agency: str
    category: str
    target: Target
    level: Level
    reason: Reason
    deadline: datetime
    escalated_at: datetime

    @classmethod
    def of(cls, document: dict[str, Any]) -> "EscalationOut":
        return cls(breach_id=document["_id"], **{k: document[k] for k in cls.model_fields if k != "breach_id"})


@router.get("/complaints/{complaint_id}/escalations")
async def escalations_of_complaint(complaint_id: str, user: CurrentUser, views: Views) -> list[EscalationOut]:
    """The rungs a complaint reached, oldest first; for its agency's staff and auditors."""
    return [EscalationOut.of(d) for d in await views.of_complaint(complaint_id, by=user)]


@router.get("/escalations")
async def escalations(
    user: CurrentUser, views: Views, level: Level | None = None, limit: Limit = 50
) -> list[EscalationOut]:
    """Escalations newest first: every agency's for the operator, their own for an agency admin."""
    return [EscalationOut.of(d) for d in await views.listing(level=level, limit=limit, by=user)]
