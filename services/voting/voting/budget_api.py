"""HTTP routes for participatory budgets in pabulib `.pb` form: import a draft, export a closed budget."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import AwareDatetime

from sharik.errors import Invalid
from sharik.http import CurrentUser
from sharik.uploads import upload_text
from voting.api import BallotOut
from voting.board_handlers import BoardHandlers
from voting.budget_pb import read_budget
from voting.domain.ballot import Text
from voting.handlers import BallotHandlers, DraftBallot

router = APIRouter(prefix="/ballots", tags=["participatory budgets"])

MAX_BODY = 2 * 1024 * 1024
PB = "text/plain"


async def _handlers(request: Request) -> BallotHandlers:
    return request.app.state.ballots


async def _boards(request: Request) -> BoardHandlers:
    return request.app.state.boards


@router.post(
    "/pb",
    status_code=201,
    openapi_extra={"requestBody": {"content": {PB: {"schema": {"type": "string"}}}, "required": True}},
)
async def import_pb(
    request: Request,
    user: CurrentUser,
    handlers: Annotated[BallotHandlers, Depends(_handlers)],
    question_ar: Annotated[str, Query(min_length=1, max_length=500)],
    question_en: Annotated[str, Query(min_length=1, max_length=500)],
    opens_at: AwareDatetime,
    closes_at: AwareDatetime,
    rule: Annotated[str | None, Query(description="greedy, mes or mes-greedy; else META `rule`.")] = None,
    max_projects: Annotated[int | None, Query(description="Else META `max_length`.")] = None,
    budget_limit: bool = True,
    binding: bool = False,
) -> BallotOut:
    """Draft a budget ballot from a pabulib `.pb` file: projects and budget from PROJECTS and META.

    The question is asked in Arabic and English as query parameters (a `.pb` file describes
    itself in one language). Project labels come from `name_ar`/`name_en` columns, else
    `name` in both languages. The file's VOTES are not imported: a draft has no votes."""
    if request.headers.get("content-type", "").split(";")[0].strip() != PB:
        raise Invalid(f"send the .pb file as {PB}")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise Invalid(f"a .pb upload is at most {MAX_BODY} bytes")
    terms = read_budget(upload_text(body, "the .pb file"))
    ballot = await handlers.draft(
        DraftBallot(
            question=Text(ar=question_ar, en=question_en),
            options=list(terms.projects),
            opens_at=opens_at,
            closes_at=closes_at,
            binding=binding,
            kind="budget",
            total_budget=terms.total_budget,
            max_projects=max_projects if max_projects is not None else terms.max_projects,
            budget_limit=budget_limit,
            rule=rule or terms.rule,
        ),
        by=user,
    )
    return BallotOut.of(ballot)


@router.get("/{ballot_id}/budget.pb", response_class=PlainTextResponse)
async def export_pb(ballot_id: str, boards: Annotated[BoardHandlers, Depends(_boards)]) -> PlainTextResponse:
    """A closed budget as a `.pb` file, votes from its sealed board: `sharik-verify pb FILE --rule R` recounts it."""
    text = await boards.budget_pb(ballot_id)
    return PlainTextResponse(
        text, headers={"content-disposition": f'attachment; filename="{ballot_id}.pb"'}, media_type=PB
    )
