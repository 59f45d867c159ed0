"""HTTP routes of an agency's plan: its annual plan and its KPI targets."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from consultation.plan.annual import annual_plan, year_bounds
from consultation.plan.kpi_targets import KpiTargetHandlers
from sharik.events.consultation import KpiTargets
from sharik.http import CurrentUser, OptionalUser

router = APIRouter(prefix="/agencies/{agency}", tags=["plans"])
Period = Annotated[str, Path(pattern=r"^\d{4}-H[12]$", description="a half-year, e.g. 2026-H2")]


@router.get("/plan")
async def agency_plan(
    agency: str,
    request: Request,
    user: OptionalUser,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> dict[str, Any]:
    """The agency's campaigns of a year (this year by default) by quarter; planned ones
    only for its staff."""
    year = year or datetime.now(UTC).year
    start, end = year_bounds(year)
    campaigns = await request.app.state.campaign_store.of_agency_between(agency, start, end)
    staff = user is not None and user.has("officer", "agency_admin") and user.agency == agency
    return annual_plan(agency, year, [c for c in campaigns if staff or c.is_public])


@router.put("/kpi-targets/{period}")
async def set_targets(agency: str, period: Period, body: KpiTargets, request: Request, user: CurrentUser) -> dict[str, Any]:
    """An agency admin sets the half-year's targets → KpiTargetsSet (reporting shows them)."""
    handlers: KpiTargetHandlers = request.app.state.kpi_targets
    return await handlers.set(agency, period, body, by=user)


@router.get("/kpi-targets/{period}")
async def get_targets(agency: str, period: Period, request: Request) -> dict[str, Any]:
    return await request.app.state.kpi_targets.get(agency, period)
