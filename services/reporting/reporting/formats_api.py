"""Public routes of competitions', initiatives' and live sessions' figures."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from reporting.formats_views import FormatViews

router = APIRouter(prefix="/transparency", tags=["participation formats"])


def _views(request: Request) -> FormatViews:
    return request.app.state.formats


Views = Annotated[FormatViews, Depends(_views)]


@router.get("/agencies/{agency}/formats")
async def agency_formats(agency: str, views: Views) -> dict[str, Any]:
    """The agency's competitions, initiatives (answered, late, overdue) and live sessions."""
    return await views.agency(agency)


@router.get("/competitions/{competition_id}")
async def competition_summary(competition_id: str, views: Views) -> dict[str, Any]:
    """A competition's stages, ideas by theme, each judged stage's ranking, its winners."""
    return await views.competition(competition_id)
