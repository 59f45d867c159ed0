"""The public dashboard, from the reporting service's transparency read model."""

import asyncio

import httpx

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from portal.api import ServiceDown
from portal.charts import bar_chart
from portal.places import GOVERNORATES
from portal.web import language_of, render
from portal.web import gettext as _
from portal.web import ngettext

router = APIRouter()
STATUS_ORDER = ("submitted", "routed", "acknowledged", "in_progress", "waiting_for_citizen", "resolved", "rejected", "closed")


async def _figures(request: Request) -> dict:
    reporting = request.app.state.services
    calls = {
        "summary": ("/transparency/summary", None),
        "ballots": ("/transparency/ballots", None),
        "by_governorate": ("/transparency/complaints/volumes", {"by": "governorate"}),
        "sla": ("/transparency/complaints/sla", None),
        "satisfaction": ("/transparency/satisfaction", None),
        "open_data": ("/open-data", None),
    }
    answers = await asyncio.gather(*(reporting.get("reporting", path, params=params) for path, params in calls.values()))
    return dict(zip(calls, answers, strict=True))


def summary_figures(figures: dict) -> dict[str, int]:
    """The headline numbers, which the page's script refreshes from /dashboard.json."""
    summary = figures["summary"]
    return {
        "campaigns_launched": summary.get("campaigns_launched", 0),
        "ballots_closed": summary.get("ballots_closed", 0),
        "votes_cast": summary.get("votes_cast", 0),
        "complaints": (summary.get("complaints") or {}).get("total", 0),
    }


@router.get("/dashboard")
async def dashboard(request: Request):
    figures = await _figures(request)
    language = language_of(request)
    by_governorate = [
        (GOVERNORATES.get(row.get("governorate")) or _("Not given"), row["count"], None)
        for row in figures["by_governorate"]["counts"]
    ]
    statuses = (figures["summary"].get("complaints") or {}).get("by_status") or {}
    by_status = [(s, statuses[s]) for s in STATUS_ORDER if statuses.get(s)]
    distribution = (figures["satisfaction"].get("handling") or {}).get("distribution") or {}
    charts = {
        "governorate": bar_chart(by_governorate, language=language, title=_("Complaints by governorate"), percent=False),
        "satisfaction": bar_chart(
            [(ngettext("%(num)s star", "%(num)s stars", int(score)), distribution.get(score, 0), None) for score in "54321"],
            language=language, title=_("Ratings of complaint handling"), percent=False,
        ),
    }
    return render(
        request, "dashboard.html", figures=figures, headline=summary_figures(figures), charts=charts,
        by_governorate=by_governorate, by_status=by_status, distribution=distribution,
    )


@router.get("/dashboard.json")
async def dashboard_json(request: Request) -> JSONResponse:
    return JSONResponse(summary_figures({"summary": await request.app.state.services.get("reporting", "/transparency/summary")}))


@router.get("/open-data/{ballot_id}/result.{fmt}")
async def open_data_file(request: Request, ballot_id: str, fmt: str) -> Response:
    """A published result's file, served through the portal so the browser needs no other address."""
    if fmt not in ("csv", "json"):
        return Response(status_code=404)
    client = request.app.state.services
    try:
        answer = await client.client.get(f"{client.urls['reporting']}/open-data/ballots/{ballot_id}/result.{fmt}")
    except httpx.HTTPError as error:
        raise ServiceDown("reporting") from error
    if answer.status_code >= 500:
        raise ServiceDown("reporting")
    if answer.status_code != 200:
        return Response(status_code=404)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return Response(answer.content, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{ballot_id}-result.{fmt}"',
    })
