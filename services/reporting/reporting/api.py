"""HTTP routes: the public transparency read model, and the operator's rebuild."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from reporting.rebuild import rebuild
from reporting.store import ReadModel
from reporting.views import TransparencyViews, VolumeKey
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
    """Ballots with their state (scheduled, open, closed, published) and published results."""
    return await views.ballots(agency=agency, limit=limit)


@router.get("/ballots/{ballot_id}")
async def ballot(ballot_id: str, views: Views) -> dict[str, Any]:
    """One ballot: question, options, votes cast and, once published, its result."""
    return await views.ballot(ballot_id)


@router.get("/complaints/summary")
async def complaints_summary(views: Views, agency: str | None = None) -> dict[str, Any]:
    """Complaints by status, overall and per agency."""
    return await views.complaints(agency=agency)


@router.get("/complaints/volumes")
async def complaint_volumes(views: Views, agency: str | None = None, by: VolumeKey = "category") -> dict[str, Any]:
    """Complaints counted by category, governorate or agency, largest first."""
    return await views.volumes(agency=agency, by=by)


@router.get("/complaints/timings")
async def complaint_timings(views: Views, agency: str | None = None) -> dict[str, Any]:
    """Median wall-clock hours from filing to first acknowledgement and to first
    resolution, with how many complaints each median is over."""
    return await views.timings(agency=agency)


@router.get("/complaints/sla")
async def complaint_sla(views: Views, agency: str | None = None) -> dict[str, Any]:
    """SLA compliance per deadline (acknowledge, resolve), in business time as the
    feedback service's escalations measure it: met, missed, percent met."""
    return await views.sla(agency=agency)


@router.get("/satisfaction")
async def satisfaction(views: Views, agency: str | None = None) -> dict[str, Any]:
    """Reporters' ratings of complaint handling (count, average, 1..5 distribution), and
    per service: citizens' ratings overall and per dimension, mystery-shopper scores."""
    return await views.satisfaction(agency=agency)


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
