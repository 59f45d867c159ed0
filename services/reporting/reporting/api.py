"""HTTP routes: the public transparency read model, and the operator's rebuild."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from reporting.rebuild import rebuild
from reporting.store import ReadModel
from reporting.views import TransparencyViews
from sharik.http import CurrentUser

router = APIRouter(prefix="/transparency", tags=["transparency"])
admin = APIRouter(prefix="/admin", tags=["admin"])

Limit = Annotated[int, Query(ge=1, le=200)]


def _views(request: Request) -> TransparencyViews:
    return request.app.state.views


Views = Annotated[TransparencyViews, Depends(_views)]


@router.get("/campaigns")
async def campaigns(views: Views, agency: str | None = None, limit: Limit = 50) -> list[dict[str, Any]]:
    """Launched campaigns, latest first; titles and summaries in Arabic and English."""
    return await views.campaigns(agency=agency, limit=limit)


@router.get("/ballots")
async def ballots(views: Views, agency: str | None = None, limit: Limit = 50) -> list[dict[str, Any]]:
    """Ballots with their state (open, closed, published) and published results."""
    return await views.ballots(agency=agency, limit=limit)


@router.get("/ballots/{ballot_id}")
async def ballot(ballot_id: str, views: Views) -> dict[str, Any]:
    """One ballot: question, options, votes cast and, once published, its result."""
    return await views.ballot(ballot_id)


@router.get("/complaints/summary")
async def complaints_summary(views: Views, agency: str | None = None) -> dict[str, Any]:
    """Complaints by status, overall and per agency."""
    return await views.complaints(agency=agency)


@router.get("/notifications")
async def notifications(views: Views, cause_id: str | None = None) -> dict[str, Any]:
    """Notifications sent and failed per channel, e.g. for one ballot (`cause_id`)."""
    return await views.notifications(cause_id=cause_id)


@router.get("/summary")
async def summary(views: Views, agency: str | None = None) -> dict[str, Any]:
    """Totals: campaigns launched, ballots closed, votes cast in them, complaints by
    status, notifications sent and failed."""
    return await views.summary(agency=agency)


@admin.post("/rebuild")
async def rebuild_read_model(user: CurrentUser, request: Request) -> dict[str, Any]:
    """Operators only: drop the read model and replay every topic from the beginning."""
    user.require("operator")
    read_model: ReadModel = request.app.state.read_model
    servers = request.app.state.runtime.settings.kafka_bootstrap_servers
    return {"applied": await rebuild(read_model, bootstrap_servers=servers)}
