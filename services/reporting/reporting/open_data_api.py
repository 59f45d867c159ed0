"""HTTP routes of the open-data catalogue and its result files (public, read-only)."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from reporting.caching import ETagRoute
from reporting.catalogue import OpenDataCatalogue
from sharik.open_data import RESULT_COLUMNS, csv_document, result_rows

router = APIRouter(prefix="/open-data", tags=["open data"], route_class=ETagRoute)


def _catalogue(request: Request) -> OpenDataCatalogue:
    return request.app.state.catalogue


Catalogue = Annotated[OpenDataCatalogue, Depends(_catalogue)]


@router.get("")
async def datasets(
    request: Request,
    catalogue: Catalogue,
    agency: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[dict[str, Any]]:
    """Published ballot results, latest first: title {ar, en}, agency, board head, and
    links to the result here (JSON, CSV) and to the board at the voting service."""
    return await catalogue.datasets(agency=agency, limit=limit, base_url=str(request.base_url))


@router.get("/ballots/{ballot_id}/result.json")
async def result_json(ballot_id: str, catalogue: Catalogue) -> dict[str, Any]:
    """A published result with the ballot's facts, as ResultPublished carried it."""
    return await catalogue.result(ballot_id)


@router.get("/ballots/{ballot_id}/result.csv", response_class=Response)
async def result_csv(ballot_id: str, catalogue: Catalogue) -> Response:
    """The published result as one CSV table (UTF-8 with a byte order mark)."""
    return Response(
        csv_document(RESULT_COLUMNS, result_rows(await catalogue.result(ballot_id))),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{ballot_id}-result.csv"'},
    )
