"""HTTP routes: translate requests to commands and complaints to responses."""

from datetime import datetime
from typing import Annotated, Self

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, StringConstraints, model_validator

from feedback.domain.complaint import DESCRIPTION_MAX_CHARS, Channel, Complaint, Kind, Language, StatusChange
from feedback.domain.places import Governorate
from feedback.domain.status import LABELS, Status
from feedback.domain.text import Reply
from feedback.domain.tracking import grouped
from feedback.handlers import ChangeStatus, ComplaintHandlers, FileComplaint
from sharik.http import CurrentUser

router = APIRouter(prefix="/complaints", tags=["complaints"])

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=64)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=DESCRIPTION_MAX_CHARS)]
ReplyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


def _handlers(request: Request) -> ComplaintHandlers:
    return request.app.state.complaints


Handlers = Annotated[ComplaintHandlers, Depends(_handlers)]
Limit = Annotated[int, Query(ge=1, le=200)]


class ComplaintIn(BaseModel):
    kind: Kind
    agency: Slug
    category: Slug
    description: Description
    governorate: Governorate | None = None
    wilayat: Slug | None = None
    channel: Channel = "web"
    language: Language = "ar"


class ReplyIn(BaseModel):
    ar: ReplyText | None = None
    en: ReplyText | None = None

    @model_validator(mode="after")
    def _some_text(self) -> Self:
        if self.ar is None and self.en is None:
            raise ValueError("a reply needs Arabic or English text")
        return self


class StatusChangeIn(BaseModel):
    status: Status
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None
    reply: ReplyIn | None = None


class Label(BaseModel):
    ar: str
    en: str


class ReplyOut(BaseModel):
    ar: str | None
    en: str | None


class Filed(BaseModel):
    complaint_id: str
    tracking_code: str
    status: Status


class PublicStep(BaseModel):
    status: Status
    status_label: Label
    at: datetime
    reply: ReplyOut | None = None

    @classmethod
    def of(cls, change: StatusChange) -> "PublicStep":
        return cls(status=change.status, status_label=_label(change.status), at=change.at, reply=_reply(change.reply))


class Tracking(BaseModel):
    """What anyone holding the tracking code sees: no ids, no reporter, no description."""

    tracking_code: str
    kind: Kind
    category: str
    agency: str
    status: Status
    status_label: Label
    filed_at: datetime
    updated_at: datetime
    history: list[PublicStep]

    @classmethod
    def of(cls, complaint: Complaint) -> "Tracking":
        return cls(
            tracking_code=grouped(complaint.tracking_code),
            kind=complaint.kind,
            category=complaint.category,
            agency=complaint.agency,
            status=complaint.status,
            status_label=_label(complaint.status),
            filed_at=complaint.filed_at,
            updated_at=complaint.updated_at,
            history=[PublicStep.of(change) for change in complaint.history],
        )


class Step(PublicStep):
    reason: str | None = None

    @classmethod
    def of(cls, change: StatusChange) -> "Step":
        return cls(
            status=change.status,
            status_label=_label(change.status),
            at=change.at,
            reply=_reply(change.reply),
            reason=change.reason,
        )


class ComplaintOut(BaseModel):
    """The full record, for the citizen who filed it and the agency's staff."""

    complaint_id: str
    tracking_code: str
    kind: Kind
    agency: str
    category: str
    description: str
    governorate: str | None
    wilayat: str | None
    channel: Channel
    language: Language
    status: Status
    status_label: Label
    filed_at: datetime
    updated_at: datetime
    history: list[Step]

    @classmethod
    def of(cls, complaint: Complaint) -> "ComplaintOut":
        return cls(
            complaint_id=complaint.complaint_id,
            tracking_code=grouped(complaint.tracking_code),
            kind=complaint.kind,
            agency=complaint.agency,
            category=complaint.category,
            description=complaint.description,
            governorate=complaint.governorate,
            wilayat=complaint.wilayat,
            channel=complaint.channel,
            language=complaint.language,
            status=complaint.status,
            status_label=_label(complaint.status),
            filed_at=complaint.filed_at,
            updated_at=complaint.updated_at,
            history=[Step.of(change) for change in complaint.history],
        )


def _label(status: str) -> Label:
    return Label(ar=LABELS[status].ar, en=LABELS[status].en)


def _reply(reply: Reply | None) -> ReplyOut | None:
    return None if reply is None else ReplyOut(ar=reply.ar, en=reply.en)


@router.post("", status_code=201)
async def file_complaint(body: ComplaintIn, user: CurrentUser, handlers: Handlers) -> Filed:
    """A citizen files a complaint, suggestion or report; emits ComplaintFiled."""
    complaint = await handlers.file(FileComplaint(**body.model_dump()), by=user)
    return Filed(
        complaint_id=complaint.complaint_id, tracking_code=grouped(complaint.tracking_code), status=complaint.status
    )


@router.get("/track/{tracking_code}")
async def track_complaint(tracking_code: str, handlers: Handlers) -> Tracking:
    """Follow a submission by its tracking code, which is the only credential."""
    return Tracking.of(await handlers.track(tracking_code))


@router.get("/mine")
async def my_complaints(user: CurrentUser, handlers: Handlers, limit: Limit = 50) -> list[ComplaintOut]:
    """The caller's own submissions, newest first."""
    return [ComplaintOut.of(c) for c in await handlers.mine(by=user, limit=limit)]


@router.get("")
async def agency_complaints(
    user: CurrentUser, handlers: Handlers, status: Status | None = None, limit: Limit = 50
) -> list[ComplaintOut]:
    """Submissions to the caller's agency, optionally in one status, newest first."""
    return [ComplaintOut.of(c) for c in await handlers.of_agency(by=user, status=status, limit=limit)]


@router.get("/{complaint_id}")
async def view_complaint(complaint_id: str, user: CurrentUser, handlers: Handlers) -> ComplaintOut:
    """The full record, for its reporter or its agency's staff."""
    return ComplaintOut.of(await handlers.view(complaint_id, by=user))


@router.post("/{complaint_id}/status")
async def change_status(
    complaint_id: str, body: StatusChangeIn, user: CurrentUser, handlers: Handlers
) -> ComplaintOut:
    """Staff of the complaint's agency move it on; emits ComplaintStatusChanged."""
    reply = None if body.reply is None else Reply(ar=body.reply.ar, en=body.reply.en)
    complaint = await handlers.change_status(
        complaint_id, ChangeStatus(status=body.status, reason=body.reason or None, reply=reply), by=user
    )
    return ComplaintOut.of(complaint)
