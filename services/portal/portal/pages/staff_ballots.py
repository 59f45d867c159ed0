"""Agency staff's ballots: draft (every kind), electoral roll, candidacies, open, close, audit log."""

from fastapi import APIRouter, Form, HTTPException, Request, UploadFile

from portal.api import ApiError
from portal.ballot_form import ELIGIBILITY, KINDS, RULES, read_draft
from portal.places import GOVERNORATES, WILAYAT_NAMES
from portal.web import SignedIn, User, redirect, render
from portal.web import gettext as _

router = APIRouter(prefix="/staff/ballots")
ROLL_MAX_BYTES = 4 * 1024 * 1024
# The voting API's field names that the draft form shows under another id.
FIELDS = {"eligibility": "governorates", "question": "question_ar"}


def _staff(user: User) -> User:
    if not user.has("officer", "agency_admin"):
        raise HTTPException(status_code=403)
    return user


def _draft_page(request: Request, *, status=200, errors=None, values=None):
    return render(
        request, "staff_ballot_new.html", status=status, kinds=KINDS, rules=RULES, eligibility=ELIGIBILITY,
        governorates=GOVERNORATES, errors=errors or {}, values=values or {},
    )


@router.get("")
async def ballots(request: Request, user: SignedIn):
    _staff(user)
    found = await request.app.state.services.get("voting", "/ballots", token=user.token, params={"agency": user.agency, "limit": 200})
    return render(request, "staff_ballots.html", ballots=found)


@router.get("/new")
async def new_ballot(request: Request, user: SignedIn):
    _staff(user)
    return _draft_page(request, values={"kind": "single_choice", "eligibility": "open"})


@router.post("/new")
async def draft_ballot(request: Request, user: SignedIn):
    _staff(user)
    form = await request.form()
    values = {k: v for k, v in form.items() if k != "csrf_token"} | {"governorates": form.getlist("governorates")}
    draft = read_draft(form)
    if draft.errors:
        return _draft_page(request, status=422, errors=draft.errors, values=values)
    try:
        ballot = await request.app.state.services.post("voting", "/ballots", token=user.token, json=draft.body)
    except ApiError as error:
        if error.status != 422:
            raise
        # The service names its fields (e.g. `eligibility.mode`); the form's are the first part.
        names = {FIELDS.get(name.split(".")[0], name.split(".")[0]) for name in error.fields()} or {"kind"}
        errors = {name: _("Check this field.") for name in names}
        if "governorates" in errors and values.get("kind") == "constituency":
            errors["governorates"] = _("A constituency election is for those on its electoral roll.")
        return _draft_page(request, status=422, errors=errors, values=values)
    return redirect(f"/staff/ballots/{ballot['ballot_id']}")


async def _ballot_page(request: Request, user: User, ballot_id: str, *, status=200, errors=None, imported=None):
    services = request.app.state.services
    ballot = await services.get("voting", f"/ballots/{ballot_id}", token=user.token)
    candidacies = []
    if ballot["kind"] == "constituency":
        candidacies = await services.get("voting", f"/ballots/{ballot_id}/candidacies", token=user.token)
    roll = None
    if ballot["eligibility"]["mode"] == "roll":
        roll = await services.get("voting", f"/ballots/{ballot_id}/roll/summary", token=user.token)
    return render(
        request, "staff_ballot.html", status=status, ballot=ballot, candidacies=candidacies, roll=roll,
        imported=imported, wilayats=WILAYAT_NAMES, errors=errors or {},
    )


@router.get("/{ballot_id}")
async def ballot_page(request: Request, ballot_id: str, user: SignedIn):
    return await _ballot_page(request, _staff(user), ballot_id)


async def _act(request: Request, user: User, ballot_id: str, path: str, field: str, **kwargs):
    try:
        await request.app.state.services.post("voting", f"/ballots/{ballot_id}{path}", token=user.token, **kwargs)
    except ApiError as error:
        if error.status not in (409, 422):
            raise
        return await _ballot_page(
            request, user, ballot_id, status=error.status, errors={field: _("This change is not possible now.")}
        )
    return redirect(f"/staff/ballots/{ballot_id}")


@router.post("/{ballot_id}/open")
async def open_ballot(request: Request, ballot_id: str, user: SignedIn):
    return await _act(request, _staff(user), ballot_id, "/open", "state")


@router.post("/{ballot_id}/close")
async def close_ballot(request: Request, ballot_id: str, user: SignedIn):
    return await _act(request, _staff(user), ballot_id, "/close", "state")


@router.post("/{ballot_id}/roll")
async def import_roll(request: Request, ballot_id: str, user: SignedIn, roll: UploadFile | None = None):
    """Upload a `civil_number,wilayat` CSV; the voting service keeps only pseudonyms of it."""
    _staff(user)
    content = await roll.read(ROLL_MAX_BYTES + 1) if roll is not None else b""
    if not content:
        return await _ballot_page(request, user, ballot_id, status=422, errors={"roll": _("Choose the CSV file of the roll.")})
    if len(content) > ROLL_MAX_BYTES:
        return await _ballot_page(
            request, user, ballot_id, status=422, errors={"roll": _("The file is too large: split it into parts of 4 MB.")}
        )
    try:
        imported = await request.app.state.services.post(
            "voting", f"/ballots/{ballot_id}/roll", token=user.token, content=content,
            headers={"Content-Type": "text/csv"},
        )
    except ApiError as error:
        if error.status not in (409, 422):
            raise
        return await _ballot_page(
            request, user, ballot_id, status=error.status,
            errors={"roll": _("The roll was not imported: it must be UTF-8 CSV, and the ballot still a draft.")},
        )
    return await _ballot_page(request, user, ballot_id, imported=imported)


@router.post("/{ballot_id}/candidacies")
async def add_candidacy(
    request: Request, ballot_id: str, user: SignedIn,
    wilayat: str = Form(""), name_ar: str = Form(""), name_en: str = Form(""),
):
    _staff(user)
    if not name_ar.strip() or not name_en.strip():
        return await _ballot_page(
            request, user, ballot_id, status=422, errors={"candidacy": _("Write the candidate's name in Arabic and English.")}
        )
    body = {"wilayat": wilayat, "name": {"ar": name_ar.strip(), "en": name_en.strip()}}
    return await _act(request, user, ballot_id, "/candidacies", "candidacy", json=body)


@router.post("/{ballot_id}/candidacies/{candidacy_id}/decide")
async def decide(
    request: Request, ballot_id: str, candidacy_id: str, user: SignedIn,
    decision: str = Form(""), reason: str = Form(""),
):
    _staff(user)
    if decision == "approve":
        return await _act(request, user, ballot_id, f"/candidacies/{candidacy_id}/approve", "candidacy")
    if not reason.strip():
        return await _ballot_page(request, user, ballot_id, status=422, errors={"candidacy": _("Say why it is rejected.")})
    return await _act(
        request, user, ballot_id, f"/candidacies/{candidacy_id}/reject", "candidacy", json={"reason": reason.strip()}
    )


@router.get("/{ballot_id}/audit")
async def audit(request: Request, ballot_id: str, user: SignedIn):
    _staff(user)
    services = request.app.state.services
    ballot = await services.get("voting", f"/ballots/{ballot_id}", token=user.token)
    entries = await services.get("voting", "/audit", token=user.token, params={"ballot_id": ballot_id})
    return render(request, "staff_audit.html", ballot=ballot, entries=entries)
