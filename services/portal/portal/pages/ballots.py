"""A citizen's ballot: the ballot page, voting, the receipt, the board check and the results."""

from urllib.parse import quote

from fastapi import APIRouter, Form, Request

from portal.api import ApiError
from portal.charts import bar_chart
from portal.places import GOVERNORATES, WILAYAT_NAMES
from portal.votes import WRITE_IN, read_vote
from portal.web import MaybeUser, SignedIn, language_of, render
from portal.web import gettext as _

router = APIRouter(prefix="/ballots")


async def _ballot(request: Request, ballot_id: str, token: str | None) -> dict:
    return await request.app.state.services.get("voting", f"/ballots/{ballot_id}", token=token)


def _races(ballot: dict, wilayat: str | None) -> list[dict]:
    """A constituency election's candidates by wilayat, the voter's own wilayat first."""
    races = []
    for constituency in ballot.get("constituencies") or []:
        candidates = [o for o in ballot["options"] if o.get("wilayat") == constituency["wilayat"]]
        races.append({**constituency, "name": WILAYAT_NAMES.get(constituency["wilayat"]), "candidates": candidates})
    races.sort(key=lambda race: race["wilayat"] != wilayat)
    return races


def _ballot_page(request: Request, ballot: dict, user, *, status: int = 200, errors=None, values=None, problem=None):
    return render(
        request, "ballot.html", status=status, ballot=ballot, write_in=WRITE_IN,
        races=_races(ballot, user.wilayat if user else None), errors=errors or {}, values=values or {},
        problem=problem,
    )


@router.get("/{ballot_id}")
async def ballot_page(request: Request, ballot_id: str, user: MaybeUser):
    return _ballot_page(request, await _ballot(request, ballot_id, user.token if user else None), user)


@router.post("/{ballot_id}/vote")
async def vote(request: Request, ballot_id: str, user: SignedIn):
    ballot = await _ballot(request, ballot_id, user.token)
    form = await request.form()
    values = {"choice": form.get("choice"), "write_in": form.get("write_in"), "choices": form.getlist("choices")}
    values |= {k: v for k, v in form.items() if k.startswith("rank_")}
    marked = read_vote(ballot, form)
    if marked.errors:
        return _ballot_page(request, ballot, user, status=422, errors=marked.errors, values=values)
    try:
        cast = await request.app.state.services.post("voting", f"/ballots/{ballot_id}/votes", token=user.token, json=marked.body)
    except ApiError as error:
        if error.status == 401:
            raise
        problem = {
            403: _("You are not eligible to vote in this ballot."),
            409: _("You have already voted in this ballot, or it is not open."),
        }.get(error.status, _("Your vote was not accepted. Check your choices and try again."))
        return _ballot_page(request, ballot, user, status=error.status, values=values, problem=problem)
    # The receipt is shown in this answer only: never in a URL, where logs would keep it.
    return render(request, "receipt.html", ballot=ballot, receipt=cast["receipt"])


@router.get("/{ballot_id}/board")
async def board_check_form(request: Request, ballot_id: str, user: MaybeUser):
    return render(request, "board_check.html", ballot=await _ballot(request, ballot_id, user.token if user else None))


@router.post("/{ballot_id}/board")
async def board_check(request: Request, ballot_id: str, user: MaybeUser, receipt: str = Form("")):
    """Find a receipt on the public board; it is POSTed so it stays out of URLs and logs."""
    ballot = await _ballot(request, ballot_id, user.token if user else None)
    receipt = receipt.strip()
    if not receipt:
        return render(
            request, "board_check.html", status=422, ballot=ballot,
            errors={"receipt": _("Enter the receipt you were given when you voted.")},
        )
    try:
        found = await request.app.state.services.get("voting", f"/ballots/{ballot_id}/board/receipts/{quote(receipt, safe='')}")
    except ApiError as error:
        if error.status not in (404, 422):
            raise
        found = None
    return render(request, "board_check.html", ballot=ballot, found=found, checked=True, values={"receipt": receipt})


@router.get("/{ballot_id}/results")
async def results(request: Request, ballot_id: str, user: MaybeUser):
    token = user.token if user else None
    ballot = await _ballot(request, ballot_id, token)
    try:
        result = await request.app.state.services.get("voting", f"/ballots/{ballot_id}/result", token=token)
    except ApiError as error:
        if error.status not in (403, 409):
            raise
        return render(request, "results.html", ballot=ballot, result=None)
    chart = bar_chart(
        [(c["label"], c["votes"], c["percent"]) for c in result["counts"]],
        language=language_of(request), title=_("Votes per option"),
    )
    turnout = (result.get("turnout") or {}).get("by_governorate") or []
    return render(
        request, "results.html", ballot=ballot, result=result, chart=chart,
        turnout=turnout, governorates=GOVERNORATES, wilayats=WILAYAT_NAMES,
    )
