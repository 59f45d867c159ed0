"""HTTP routes of the public bulletin board: read by anyone, no sign-in."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from voting.board_handlers import BoardHandlers

router = APIRouter(prefix="/ballots", tags=["bulletin board"])


async def _boards(request: Request) -> BoardHandlers:
    return request.app.state.boards


Boards = Annotated[BoardHandlers, Depends(_boards)]


class EntryOut(BaseModel):
    position: int
    prev_hash: str
    hash: str = Field(description="SHA-256 of the entry's other fields as canonical JSON (docs/services/voting.md).")
    receipt: str | None = None
    choice: list[str] | None = None


class BoardPage(BaseModel):
    ballot_id: str
    binding: bool
    list: str
    entries: list[EntryOut]
    next_start: int | None = Field(description="Pass as `start` for the next page; null on the last page.")


class ReceiptFound(BaseModel):
    ballot_id: str
    receipt: str
    on_board: bool = True
    list: str
    position: int
    hash: str
    choice: list[str] | None = Field(
        default=None, description="Shown only for consultative ballots, once the board shows choices."
    )


@router.get("/{ballot_id}/board")
async def board_page(
    ballot_id: str,
    boards: Boards,
    list_name: Annotated[
        str | None, Query(alias="list", description="`votes`; `receipts` or `contents` for a binding ballot")
    ] = None,
    start: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> BoardPage:
    """A page of the ballot's board, in chain order."""
    ballot, name, entries = await boards.page(ballot_id, list_name, start=start, limit=limit)
    return BoardPage(
        ballot_id=ballot_id,
        binding=ballot.binding,
        list=name,
        entries=[EntryOut(**e) for e in entries],
        next_start=start + len(entries) if len(entries) == limit else None,
    )


@router.get("/{ballot_id}/board/receipts/{receipt}")
async def find_receipt(ballot_id: str, receipt: str, boards: Boards) -> ReceiptFound:
    """Is this receipt on the board? Where; never its choice on a binding ballot."""
    name, entry = await boards.receipt(ballot_id, receipt)
    return ReceiptFound(ballot_id=ballot_id, list=name, **entry)


@router.get("/{ballot_id}/board/export")
async def export_board(ballot_id: str, boards: Boards) -> dict[str, Any]:
    """The whole board of a closed ballot with its result, for `sharik-verify board`."""
    return await boards.export(ballot_id)
