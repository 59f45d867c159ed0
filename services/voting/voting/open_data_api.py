"""HTTP routes of the open-data files: a closed ballot's result (JSON, CSV) and its
bulletin board lists (CSV), for anyone, no sign-in."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse

from sharik.errors import Conflict
from sharik.open_data import RESULT_COLUMNS, csv_document, csv_header, csv_lines, result_rows
from voting.api import Handlers, ResultOut
from voting.board_api import Boards
from voting.board_handlers import BoardNotPublished
from voting.open_data import BOARD_COLUMNS, board_row

router = APIRouter(prefix="/ballots", tags=["open data"])

BOARD_PAGE = 1000
CSV = "text/csv; charset=utf-8"


class ResultNotFinal(Conflict):
    code = "result_not_final"


class OpenResult(ResultOut):
    agency: str
    closed_at: datetime


@router.get("/{ballot_id}/open-data/result.json")
async def result_json(ballot_id: str, handlers: Handlers) -> OpenResult:
    """The final result of a closed ballot, as `GET /ballots/{id}/result` gives it, with
    the ballot's agency and closing time."""
    return await _final_result(ballot_id, handlers)


@router.get("/{ballot_id}/open-data/result.csv", response_class=Response)
async def result_csv(ballot_id: str, handlers: Handlers) -> Response:
    """The final result as one CSV table (UTF-8 with a byte order mark)."""
    result = (await _final_result(ballot_id, handlers)).model_dump(mode="json")
    return Response(
        csv_document(RESULT_COLUMNS, result_rows(result)),
        media_type=CSV,
        headers=_attachment(f"{ballot_id}-result.csv"),
    )


@router.get("/{ballot_id}/open-data/board.csv", response_class=StreamingResponse)
async def board_csv(
    ballot_id: str,
    boards: Boards,
    list_name: Annotated[
        str | None, Query(alias="list", description="`votes`; `receipts` or `contents` for a binding ballot")
    ] = None,
) -> StreamingResponse:
    """One whole list of a closed ballot's board, in chain order, streamed as CSV."""
    # The first page is read before the response starts, so a refusal is still a 4xx.
    ballot, name, first = await boards.page(ballot_id, list_name, start=0, limit=BOARD_PAGE)
    if ballot.state != "closed":
        # A list still growing has no published head to check a download against; while
        # voting runs, the paged board serves receipt checks.
        raise BoardNotPublished("the board's open-data files are published once the ballot is closed")

    async def lines():
        yield csv_header(BOARD_COLUMNS)
        entries, start = first, 0
        while entries:
            yield "".join(csv_lines(BOARD_COLUMNS, map(board_row, entries)))
            if len(entries) < BOARD_PAGE:
                return
            start += len(entries)
            _, _, entries = await boards.page(ballot_id, name, start=start, limit=BOARD_PAGE)

    return StreamingResponse(lines(), media_type=CSV, headers=_attachment(f"{ballot_id}-board-{name}.csv"))


async def _final_result(ballot_id: str, handlers: Handlers) -> OpenResult:
    # Checked first, so a ballot showing preliminary counts is not counted only to be refused.
    if (await handlers.view(ballot_id, by=None)).state != "closed":
        raise ResultNotFinal("the result is published as open data once the ballot is closed")
    ballot, tally, _ = await handlers.result(ballot_id, by=None)
    assert ballot.closed_at is not None
    result = ResultOut.of(ballot, tally, preliminary=False)
    return OpenResult(**dict(result), agency=ballot.agency, closed_at=ballot.closed_at)


def _attachment(filename: str) -> dict[str, str]:
    return {"content-disposition": f'attachment; filename="{filename}"'}
