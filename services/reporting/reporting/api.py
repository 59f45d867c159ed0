"""HTTP routes: the public transparency read model, and the operator's rebuild."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from reporting import models
from reporting.caching import ETagRoute
from reporting.rebuild import rebuild
from reporting.store import ReadModel
from reporting.views import TransparencyViews, VolumeKey
from sharik.http import CurrentUser

router = APIRouter(prefix="/transparency", tags=["transparency"], route_class=ETagRoute)
admin = APIRouter(prefix="/admin", tags=["admin"])

Limit = Annotated[int, Query(ge=1, le=200)]


def _views(request: Request) -> TransparencyViews:
    return request.app.state.views


Views = Annotated[TransparencyViews, Depends(_views)]


@router.get("/campaigns", responses=models.ERRORS)
async def campaigns(
    views: Views, request: Request, response: Response, agency: str | None = None, limit: Limit = 50,
    cursor: str | None = None,
) -> list[models.Campaign]:
    """Launched campaigns, latest first; titles and summaries in Arabic and English.
    When there are more, a `Link: <…>; rel="next"` header gives the next page."""
    items, following = await views.campaigns(agency=agency, limit=limit, cursor=cursor)
    _link_next(request, response, following)
    return items


@router.get("/ballots", responses=models.ERRORS, response_model_exclude_unset=True)
async def ballots(
    views: Views, request: Request, response: Response, agency: str | None = None, limit: Limit = 50,
    cursor: str | None = None,
) -> list[models.Ballot]:
    """Ballots with their state (scheduled, open, closed, published) and published results, latest
    first; a `Link: <…>; rel="next"` header gives the next page when there is one."""
    items, following = await views.ballots(agency=agency, limit=limit, cursor=cursor)
    _link_next(request, response, following)
    return items


def _link_next(request: Request, response: Response, cursor: str | None) -> None:
    # The list stays the body (as before paging); the next page travels as RFC 8288 Link.
    if cursor is not None:
        response.headers["link"] = f'<{request.url.include_query_params(cursor=cursor)}>; rel="next"'


@router.get("/ballots/{ballot_id}", responses=models.ERRORS, response_model_exclude_unset=True)
async def ballot(ballot_id: str, views: Views) -> models.Ballot:
    """One ballot: question, options, votes cast and, once published, its result."""
    return await views.ballot(ballot_id)


@router.get("/complaints/summary", responses=models.ERRORS)
async def complaints_summary(views: Views, agency: str | None = None) -> models.ComplaintsSummary:
    """Complaints by status, overall and per agency."""
    return await views.complaints(agency=agency)


@router.get("/complaints/volumes", responses=models.ERRORS)
async def complaint_volumes(views: Views, agency: str | None = None, by: VolumeKey = "category") -> models.Volumes:
    """Complaints counted by category, governorate or agency, largest first."""
    return await views.volumes(agency=agency, by=by)


@router.get("/complaints/timings", responses=models.ERRORS)
async def complaint_timings(views: Views, agency: str | None = None) -> models.Timings:
    """Median wall-clock hours from filing to first acknowledgement and to first
    resolution, with how many complaints each median is over."""
    return await views.timings(agency=agency)


@router.get("/complaints/sla", responses=models.ERRORS)
async def complaint_sla(views: Views, agency: str | None = None) -> models.Sla:
    """SLA compliance per deadline (acknowledge, resolve), in business time as the
    feedback service's escalations measure it: met, missed, percent met."""
    return await views.sla(agency=agency)


@router.get("/satisfaction", responses=models.ERRORS)
async def satisfaction(views: Views, agency: str | None = None) -> models.Satisfaction:
    """Reporters' ratings of complaint handling (count, average, 1..5 distribution), and
    per service: citizens' ratings overall and per dimension, mystery-shopper scores."""
    return await views.satisfaction(agency=agency)


@router.get("/notifications", responses=models.ERRORS)
async def notifications(views: Views, cause_id: str | None = None) -> models.Notifications:
    """Notifications sent and failed per channel, e.g. for one ballot (`cause_id`)."""
    return await views.notifications(cause_id=cause_id)


@router.get("/summary", responses=models.ERRORS)
async def summary(views: Views, agency: str | None = None) -> models.Summary:
    """Totals: campaigns launched, ballots closed, votes cast in them, complaints by
    status, notifications sent and failed."""
    return await views.summary(agency=agency)


@admin.post("/rebuild", responses={401: {"description": "No or a bad bearer token"}, 403: {"description": "Not an operator"}})
async def rebuild_read_model(user: CurrentUser, request: Request) -> models.Rebuilt:
    """Operators only: drop the read model and replay every topic from the beginning."""
    user.require("operator")
    read_model: ReadModel = request.app.state.read_model
    servers = request.app.state.runtime.settings.kafka_bootstrap_servers
    return {"applied": await rebuild(read_model, bootstrap_servers=servers)}
