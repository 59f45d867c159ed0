"""HTTP routes for a ballot's electoral roll (staff of its agency, while it is a draft)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from sharik.errors import Invalid
from sharik.http import CurrentUser
from sharik.uploads import upload_text
from voting.roll_handlers import RollHandlers

router = APIRouter(prefix="/ballots", tags=["electoral roll"])

MAX_BODY = 4 * 1024 * 1024
"""100,000 rows of `civil_number,wilayat` fit with room to spare."""


async def _handlers(request: Request) -> RollHandlers:
    return request.app.state.rolls


Handlers = Annotated[RollHandlers, Depends(_handlers)]


class RejectedOut(BaseModel):
    line: int
    reason: str


class ImportOut(BaseModel):
    imported: int
    rejected: list[RejectedOut] = Field(description="Lines not imported, with why; never their civil number.")


class TransferIn(BaseModel):
    civil_number: str = Field(max_length=32)
    to_wilayat: str = Field(max_length=100)


class TransferOut(BaseModel):
    from_wilayat: str
    to_wilayat: str


class SummaryOut(BaseModel):
    total: int
    by_wilayat: dict[str, int]


@router.post(
    "/{ballot_id}/roll",
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}},
)
async def import_roll(ballot_id: str, request: Request, user: CurrentUser, handlers: Handlers) -> ImportOut:
    """Register voters from a `civil_number,wilayat` CSV with a header row; stored only as pseudonyms.

    409 `roll_frozen` once the ballot is open."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "text/csv":
        raise Invalid("send the roll as text/csv")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise Invalid(f"a roll upload is at most {MAX_BODY} bytes; split it")
    result = await handlers.import_roll(ballot_id, upload_text(body, "the roll"), by=user)
    return ImportOut(
        imported=result.imported, rejected=[RejectedOut(line=r.line, reason=r.reason) for r in result.rejected]
    )


@router.post("/{ballot_id}/roll/transfer")
async def transfer_registration(ballot_id: str, body: TransferIn, user: CurrentUser, handlers: Handlers) -> TransferOut:
    """Move a voter's registration to another wilayat until the roll freezes."""
    left = await handlers.transfer(ballot_id, body.civil_number, body.to_wilayat, by=user)
    return TransferOut(from_wilayat=left, to_wilayat=" ".join(body.to_wilayat.split()))


@router.get("/{ballot_id}/roll/summary")
async def roll_summary(ballot_id: str, user: CurrentUser, handlers: Handlers) -> SummaryOut:
    """How many voters are registered, per wilayat."""
    counts = await handlers.summary(ballot_id, by=user)
    return SummaryOut(total=sum(counts.values()), by_wilayat=dict(sorted(counts.items())))
