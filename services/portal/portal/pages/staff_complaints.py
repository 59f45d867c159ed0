"""Agency staff and operators: the complaint queue, a case, triage and escalations.

The feedback API decides who sees what (staff only their agency's cases); these pages
only show what it returns."""

from fastapi import APIRouter, Form, HTTPException, Request

from portal.api import ApiError
from portal.web import SignedIn, User, redirect, render
from portal.web import gettext as _

router = APIRouter(prefix="/staff")
STATUSES = (
    "submitted", "routed", "acknowledged", "in_progress", "waiting_for_citizen", "resolved", "rejected", "closed",
)
# The moves staff make with one button, as the feedback service's lifecycle allows them.
NEXT = {
    "routed": ("acknowledged", "rejected"),
    "acknowledged": ("in_progress", "waiting_for_citizen", "rejected"),
    "in_progress": ("resolved", "waiting_for_citizen", "rejected"),
    "waiting_for_citizen": ("in_progress", "rejected"),
    "resolved": ("closed",),
    "rejected": ("closed",),
}


def _staff(user: User) -> User:
    if not user.is_staff:
        raise HTTPException(status_code=403)
    return user


async def _breached(request: Request, user: User) -> set[str] | None:
    """Ids of cases whose SLA was breached, or None where the caller may not read escalations."""
    try:
        found = await request.app.state.services.get("feedback", "/escalations", token=user.token, params={"limit": 200})
    except ApiError as error:
        if error.status != 403:
            raise
        return None
    return {e["complaint_id"] for e in found}


@router.get("/complaints")
async def queue(request: Request, user: SignedIn, status: str = "", unit: str = "", sla: str = ""):
    _staff(user)
    services = request.app.state.services
    params = {"status": status if status in STATUSES else None, "limit": 200}
    cases = await services.get("feedback", "/complaints", token=user.token, params=params)
    units = sorted({c["unit"] for c in cases if c.get("unit")})
    if unit:
        cases = [c for c in cases if c.get("unit") == unit]
    breached = await _breached(request, user) if sla == "breached" else set()
    if sla == "breached" and breached is not None:
        cases = [c for c in cases if c["complaint_id"] in breached]
    return render(
        request, "staff_queue.html", cases=cases, statuses=STATUSES, units=units,
        filters={"status": status, "unit": unit, "sla": sla}, sla_unavailable=breached is None,
    )


async def _case_page(request: Request, user: User, complaint_id: str, *, status=200, errors=None):
    services = request.app.state.services
    case = await services.get("feedback", f"/complaints/{complaint_id}", token=user.token)
    duplicates, escalations = [], []
    if "notes" in case:
        duplicates = await services.get("feedback", f"/complaints/{complaint_id}/duplicates", token=user.token)
        escalations = await services.get("feedback", f"/complaints/{complaint_id}/escalations", token=user.token)
    return render(
        request, "staff_case.html", status=status, case=case, duplicates=duplicates, escalations=escalations,
        moves=NEXT.get(case["status"], ()), errors=errors or {},
    )


@router.get("/complaints/{complaint_id}")
async def case_page(request: Request, complaint_id: str, user: SignedIn):
    return await _case_page(request, _staff(user), complaint_id)


async def _act(request: Request, user: User, complaint_id: str, path: str, body: dict, field: str):
    """Send one staff action; a refusal comes back on the case page next to its form."""
    try:
        await request.app.state.services.post("feedback", f"/complaints/{complaint_id}{path}", token=user.token, json=body)
    except ApiError as error:
        if error.status not in (409, 422):
            raise
        message = _("This change is not possible now.") if error.status == 409 else _("Check this field.")
        return await _case_page(request, user, complaint_id, status=error.status, errors={field: message})
    return redirect(f"/staff/complaints/{complaint_id}")


@router.post("/complaints/{complaint_id}/status")
async def change_status(
    request: Request, complaint_id: str, user: SignedIn,
    status: str = Form(""), reason: str = Form(""), reply_ar: str = Form(""), reply_en: str = Form(""),
):
    _staff(user)
    if status not in STATUSES:
        return await _case_page(request, user, complaint_id, status=422, errors={"status": _("Choose the new status.")})
    body: dict = {"status": status, "reason": reason.strip() or None}
    if reply_ar.strip() or reply_en.strip():
        body["reply"] = {"ar": reply_ar.strip() or None, "en": reply_en.strip() or None}
    elif status in ("resolved", "rejected", "waiting_for_citizen"):
        return await _case_page(
            request, user, complaint_id, status=422,
            errors={"reply_ar": _("Tell the citizen what was done, in Arabic or English.")},
        )
    return await _act(request, user, complaint_id, "/status", body, "status")


@router.post("/complaints/{complaint_id}/notes")
async def add_note(request: Request, complaint_id: str, user: SignedIn, text: str = Form("")):
    _staff(user)
    if not text.strip():
        return await _case_page(request, user, complaint_id, status=422, errors={"note": _("Write the note.")})
    return await _act(request, user, complaint_id, "/notes", {"text": text.strip()}, "note")


@router.post("/complaints/{complaint_id}/hand-back")
async def hand_back(request: Request, complaint_id: str, user: SignedIn, reason: str = Form("")):
    _staff(user)
    if not reason.strip():
        return await _case_page(
            request, user, complaint_id, status=422, errors={"hand_back": _("Say why it is not your agency's.")}
        )
    await request.app.state.services.post(
        "feedback", f"/complaints/{complaint_id}/hand-back", token=user.token, json={"reason": reason.strip()}
    )
    # Handed back, the case is no longer this agency's to read.
    return redirect("/staff/complaints")


@router.post("/complaints/{complaint_id}/link")
async def link(request: Request, complaint_id: str, user: SignedIn, to: str = Form("")):
    _staff(user)
    if not to.strip():
        return await _case_page(request, user, complaint_id, status=422, errors={"link": _("Choose the other case.")})
    return await _act(request, user, complaint_id, "/link", {"to_complaint_id": to.strip()}, "link")


@router.get("/triage")
async def triage(request: Request, user: SignedIn):
    _staff(user)
    cases = await request.app.state.services.get("feedback", "/triage", token=user.token)
    return render(request, "staff_triage.html", cases=cases, errors={})


@router.post("/triage/{complaint_id}/route")
async def route(request: Request, complaint_id: str, user: SignedIn, agency: str = Form(""), unit: str = Form("")):
    _staff(user)
    try:
        await request.app.state.services.post(
            "feedback", f"/complaints/{complaint_id}/route", token=user.token,
            json={"agency": agency.strip(), "unit": unit.strip()},
        )
    except ApiError as error:
        if error.status != 422:
            raise
        cases = await request.app.state.services.get("feedback", "/triage", token=user.token)
        return render(
            request, "staff_triage.html", status=422, cases=cases, failed=complaint_id,
            errors={"route": _("Give the agency and unit as short ids, e.g. mtcit and roads.")},
        )
    return redirect("/staff/triage")


@router.get("/escalations")
async def escalations(request: Request, user: SignedIn):
    _staff(user)
    found = await request.app.state.services.get("feedback", "/escalations", token=user.token, params={"limit": 200})
    return render(request, "staff_escalations.html", escalations=found)
