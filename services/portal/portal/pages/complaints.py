"""A citizen's complaints, suggestions and reports: filing, tracking, replying, reopening, rating."""

from urllib.parse import quote

from fastapi import APIRouter, Form, Request

from portal.api import ApiError
from portal.complaint_form import KINDS, read_complaint
from portal.places import GOVERNORATES, WILAYATS
from portal.web import MaybeUser, SignedIn, language_of, redirect, render
from portal.web import gettext as _

router = APIRouter()
CLOSED_FOR_REPLIES = ("closed", "rejected")
RATEABLE = ("resolved", "closed")


async def _categories(request: Request) -> list[dict]:
    return await request.app.state.services.get("feedback", "/categories", params={"limit": 500})


def _form_page(request: Request, categories, *, status=200, errors=None, values=None):
    return render(
        request, "complaint_new.html", status=status, categories=categories, kinds=KINDS,
        governorates=GOVERNORATES, wilayats=WILAYATS, errors=errors or {}, values=values or {},
    )


@router.get("/complaints/new")
async def new_complaint(request: Request, user: MaybeUser):
    values = {"governorate": user.governorate, "wilayat": user.wilayat} if user else {}
    return _form_page(request, await _categories(request), values=values)


@router.post("/complaints/new")
async def file_complaint(request: Request, user: MaybeUser):
    categories = await _categories(request)
    form = await request.form()
    values = {k: v for k, v in form.items() if k != "csrf_token"}
    filed = read_complaint(form, categories=categories, language=language_of(request), signed_in=user is not None)
    if filed.errors:
        return _form_page(request, categories, status=422, errors=filed.errors, values=values)
    services = request.app.state.services
    try:
        if filed.anonymous:
            answer = await services.post("feedback", "/complaints/anonymous", json=filed.body)
        else:
            answer = await services.post("feedback", "/complaints", token=user.token, json=filed.body)
    except ApiError as error:
        if error.status != 422:
            raise
        errors = {name: _("Check this field.") for name in error.fields()} or {
            "description": _("The complaint was not accepted. Check the form and try again.")
        }
        return _form_page(request, categories, status=422, errors=errors, values=values)
    # The anonymous secret appears in this answer only, never again and never in a URL.
    return render(request, "complaint_filed.html", filed=answer, anonymous=filed.anonymous)


@router.get("/track")
async def track_form(request: Request):
    return render(request, "track.html")


@router.post("/track")
async def track(request: Request, code: str = Form(""), secret: str = Form("")):
    """Follow a submission by its code; with the secret, an anonymous reporter's whole case."""
    code, secret = code.strip(), secret.strip()
    if not code:
        return render(request, "track.html", status=422, errors={"code": _("Enter your tracking code.")})
    services = request.app.state.services
    try:
        if secret:
            case = await services.post("feedback", f"/complaints/track/{quote(code, safe='')}/access", json={"secret": secret})
        else:
            case = await services.get("feedback", f"/complaints/track/{quote(code, safe='')}")
    except ApiError as error:
        if error.status == 429:
            message = _("Too many tries. Wait a while and try again.")
        elif error.status in (404, 403, 422):
            message = _("No submission matches this code and secret.")
        else:
            raise
        return render(request, "track.html", status=error.status, errors={"code": message}, values={"code": code})
    return render(request, "tracked.html", case=case, code=code, secret=secret)


@router.post("/track/reply")
async def reply_anonymously(request: Request, code: str = Form(""), secret: str = Form(""), message: str = Form("")):
    services = request.app.state.services
    if not message.strip():
        case = await services.post("feedback", f"/complaints/track/{quote(code, safe='')}/access", json={"secret": secret})
        return render(
            request, "tracked.html", status=422, case=case, code=code, secret=secret,
            errors={"message": _("Write your reply.")},
        )
    case = await services.post(
        "feedback", f"/complaints/track/{quote(code, safe='')}/replies", json={"message": message.strip()},
        headers={"X-Tracking-Secret": secret},
    )
    return render(request, "tracked.html", case=case, code=code, secret=secret, notice=_("Your reply was sent."))


@router.get("/complaints/mine")
async def my_complaints(request: Request, user: SignedIn):
    cases = await request.app.state.services.get("feedback", "/complaints/mine", token=user.token)
    return render(request, "my_complaints.html", cases=cases)


async def _case_page(request: Request, user, complaint_id: str, *, status=200, errors=None, notice=None):
    services = request.app.state.services
    case = await services.get("feedback", f"/complaints/{complaint_id}", token=user.token)
    rating = None
    if case["status"] in RATEABLE:
        try:
            rating = await services.get("feedback", f"/complaints/{complaint_id}/satisfaction", token=user.token)
        except ApiError as error:
            if error.status != 404:
                raise
    return render(
        request, "my_complaint.html", status=status, case=case, rating=rating, errors=errors or {}, notice=notice,
        can_reply=case["status"] not in CLOSED_FOR_REPLIES, can_reopen=case["status"] in RATEABLE,
        can_rate=case["status"] in RATEABLE and rating is None,
    )


@router.get("/complaints/{complaint_id}")
async def my_complaint(request: Request, complaint_id: str, user: SignedIn):
    return await _case_page(request, user, complaint_id)


@router.post("/complaints/{complaint_id}/reply")
async def reply(request: Request, complaint_id: str, user: SignedIn, message: str = Form("")):
    if not message.strip():
        return await _case_page(request, user, complaint_id, status=422, errors={"message": _("Write your reply.")})
    await request.app.state.services.post(
        "feedback", f"/complaints/{complaint_id}/replies", token=user.token, json={"message": message.strip()}
    )
    return redirect(f"/complaints/{complaint_id}")


@router.post("/complaints/{complaint_id}/reopen")
async def reopen(request: Request, complaint_id: str, user: SignedIn, reason: str = Form("")):
    if not reason.strip():
        return await _case_page(
            request, user, complaint_id, status=422, errors={"reason": _("Say why the case is not resolved.")}
        )
    try:
        await request.app.state.services.post(
            "feedback", f"/complaints/{complaint_id}/reopen", token=user.token, json={"reason": reason.strip()}
        )
    except ApiError as error:
        if error.status != 409:
            raise
        return await _case_page(
            request, user, complaint_id, status=409,
            errors={"reason": _("This case can no longer be reopened. File a new one.")},
        )
    return redirect(f"/complaints/{complaint_id}")


@router.post("/complaints/{complaint_id}/rate")
async def rate(request: Request, complaint_id: str, user: SignedIn, score: str = Form(""), comment: str = Form("")):
    if score not in ("1", "2", "3", "4", "5"):
        return await _case_page(
            request, user, complaint_id, status=422, errors={"score": _("Choose from 1 to 5 stars.")}
        )
    body = {"score": int(score), "comment": comment.strip() or None}
    await request.app.state.services.post(
        "feedback", f"/complaints/{complaint_id}/satisfaction", token=user.token, json=body
    )
    return redirect(f"/complaints/{complaint_id}")
