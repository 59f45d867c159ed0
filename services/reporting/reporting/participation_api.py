"""HTTP routes of consultation's read models: participation per campaign, "you said,
we did" per campaign and agency, and KPI tables (per agency public; national for the
platform operator), as JSON or CSV."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from reporting.participation_views import ParticipationViews, kpi_csv
from sharik.http import CurrentUser

router = APIRouter(prefix="/transparency", tags=["participation"])
Period = Annotated[str, Query(pattern=r"^\d{4}-H[12]$", description="a half-year, e.g. 2026-H2")]
Format = Literal["json", "csv"]


def _views(request: Request) -> ParticipationViews:
    return request.app.state.participation


Views = Annotated[ParticipationViews, Depends(_views)]


@router.get("/campaigns/{campaign_id}/participation")
async def participation(campaign_id: str, views: Views) -> dict[str, Any]:
    """Participants, contributions per tool, by governorate and by day."""
    return await views.participation(campaign_id)


@router.get("/campaigns/{campaign_id}/accountability")
async def campaign_accountability(campaign_id: str, views: Views) -> dict[str, Any]:
    """Each decision with the inputs it rests on, its progress and history."""
    return await views.accountability(campaign_id)


@router.get("/agencies/{agency}/accountability")
async def agency_accountability(
    agency: str, views: Views, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> dict[str, Any]:
    """"You said, we did" across the agency's campaigns."""
    return await views.agency_accountability(agency, limit=limit)


# With format=csv the table comes as a CSV file.
AS_CSV = {200: {"content": {"application/json": {}, "text/csv": {"schema": {"type": "string"}}}}}


@router.get("/agencies/{agency}/kpi", response_model=None, responses=AS_CSV)
async def agency_kpi(agency: str, period: Period, views: Views, format: Format = "json") -> dict[str, Any] | Response:
    """The agency's KPI table for a half-year: target, actual from events, gap."""
    table = await views.kpi(agency, period)
    return _as(format, [table], table, name=f"kpi-{agency}-{period}")


@router.get("/kpi", response_model=None, responses=AS_CSV)
async def national_kpi(period: Period, views: Views, user: CurrentUser, format: Format = "json") -> dict[str, Any] | Response:
    """The platform operator's national view: every agency's KPI table."""
    user.require("operator")
    national = await views.national_kpi(period)
    return _as(format, national["agencies"], national, name=f"kpi-national-{period}")


def _as(format: Format, tables: list[dict[str, Any]], body: dict[str, Any], *, name: str) -> dict[str, Any] | Response:
    if format == "json":
        return body
    headers = {"content-disposition": f'attachment; filename="{name}.csv"'}
    return Response(kpi_csv(tables), media_type="text/csv; charset=utf-8", headers=headers)
