"""HTTP routes: translate requests to commands and complaints to responses."""

from datetime import datetime
from typing import Annotated, Self

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import BaseModel, StringConstraints, model_validator

from feedback.domain.complaint import (
    DESCRIPTION_MAX_CHARS,
    MESSAGE_MAX_CHARS,
    NOTE_MAX_CHARS,
    Channel,
    Complaint,
    Kind,
    Language,
    Note,
    ReporterMessage,
    StatusChange,
)
from feedback.domain.duplicates import LikelyDuplicate
from feedback.domain.places import Governorate
from feedback.domain.status import LABELS, Status
from feedback.domain.text import Reply
from feedback.domain.tracking import grouped
from feedback.handlers import ChangeStatus, ComplaintHandlers, FileComplaint
from sharik.http import CurrentUser, error_body
from sharik.places import check_place

router = APIRouter(prefix="/complaints", tags=["complaints"])
triage_router = APIRouter(tags=["complaints"])

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=64)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=DESCRIPTION_MAX_CHARS)]
ReplyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


def _handlers(request: Request) -> ComplaintHandlers:
    return request.app.state.complaints


def _client(request: Request) -> str:
    # The connecting peer, or what a trusted proxy forwarded (FEEDBACK_FORWARDED_ALLOW_IPS):
    # never a header any client may set.
    return request.client.host if request.client else "unknown"


Handlers = Annotated[ComplaintHandlers, Depends(_handlers)]
Client = Annotated[str, Depends(_client)]
Limit = Annotated[int, Query(ge=1, le=200)]
TrackingSecret = Annotated[str, Header(alias="X-Tracking-Secret", max_length=64)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ]{6,20}$")]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class ContactIn(BaseModel):
    """How the confidential team may reach the reporter; kept apart from the case."""

    phone: Phone | None = None
    email: Email | None = None

    @model_validator(mode="after")
    def _some_way(self) -> Self:
        if self.phone is None and self.email is None:
            raise ValueError("a contact needs a phone or an email")
        return self


class ComplaintIn(BaseModel):
    kind: Kind
    agency: Slug | None = None
    category: Slug
    description: Description
    governorate: Governorate | None = None
    wilayat: Slug | None = None
    channel: Channel = "web"
    language: Language = "ar"
    contact: ContactIn | None = None
    latitude: float | None = None
    longitude: float | None = None
    attachments: list[Annotated[str, StringConstraints(max_length=2048)]] = []
    """The domain checks the bounding box and the links, so its 422 names the field."""

    def command(self) -> FileComplaint:
        contact = None if self.contact is None else self.contact.model_dump(exclude_none=True)
        fields = self.model_dump(exclude={"contact", "attachments"})
        # A known wilayat, in the governorate given, kept by its code.
        wilayat = check_place(self.governorate, self.wilayat)
        fields["wilayat"] = wilayat.code if wilayat else None
        return FileComplaint(**fields, contact=contact, attachments=tuple(self.attachments))


Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class RouteIn(BaseModel):
    agency: Slug
    unit: Slug


class ReasonIn(BaseModel):
    reason: Reason


class NoteIn(BaseModel):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NOTE_MAX_CHARS)]


class SecretIn(BaseModel):
    secret: Annotated[str, StringConstraints(max_length=64)]


class ReporterReplyIn(BaseModel):
    message: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MESSAGE_MAX_CHARS)]


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
    likely_duplicates_count: int | None
    """How many open cases look like this one; which they are is the agency's to see.
    None on a confidential report (even a count would tell that others exist), or when
    they could not be looked for: the case is filed all the same."""


class Routing(BaseModel):
    """Where a case went: all an operator routing it, or an agency handing it back, reads
    of it then (neither may read the case itself any more, or ever)."""

    complaint_id: str
    status: Status
    agency: str | None
    unit: str | None

    @classmethod
    def of(cls, complaint: Complaint) -> "Routing":
        return cls(
            complaint_id=complaint.complaint_id, status=complaint.status, agency=complaint.agency, unit=complaint.unit
        )


class FiledAnonymously(BaseModel):
    """The tracking code and the secret together open the case; the secret is shown only now."""

    tracking_code: str
    secret: str
    status: Status
    likely_duplicates_count: int | None


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
    agency: str | None
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


class MessageOut(BaseModel):
    message: str
    at: datetime
    from_reporter: bool

    @classmethod
    def of(cls, message: ReporterMessage) -> "MessageOut":
        return cls(message=message.message, at=message.at, from_reporter=message.from_reporter)


class ComplaintOut(BaseModel):
    """The full record, for the citizen who filed it and the case's handlers. It never
    carries the reporter: a confidential reporter is read from /complaints/{id}/reporter."""

    complaint_id: str
    tracking_code: str
    kind: Kind
    agency: str | None
    unit: str | None
    routed: bool
    category: str
    description: str
    governorate: str | None
    wilayat: str | None
    latitude: float | None
    longitude: float | None
    attachments: list[str]
    channel: Channel
    language: Language
    status: Status
    status_label: Label
    filed_at: datetime
    updated_at: datetime
    confidential: bool
    history: list[Step]
    messages: list[MessageOut]
    """Replies of the anonymous reporter, oldest first."""

    @classmethod
    def of(cls, complaint: Complaint) -> "ComplaintOut":
        return cls(
            complaint_id=complaint.complaint_id,
            tracking_code=grouped(complaint.tracking_code),
            kind=complaint.kind,
            agency=complaint.agency,
            unit=complaint.unit,
            routed=complaint.routed,
            category=complaint.category,
            description=complaint.description,
            governorate=complaint.governorate,
            wilayat=complaint.wilayat,
            latitude=complaint.latitude,
            longitude=complaint.longitude,
            attachments=list(complaint.attachments),
            channel=complaint.channel,
            language=complaint.language,
            status=complaint.status,
            status_label=_label(complaint.status),
            filed_at=complaint.filed_at,
            updated_at=complaint.updated_at,
            confidential=complaint.confidential,
            history=[Step.of(change) for change in complaint.history],
            messages=[MessageOut.of(message) for message in complaint.messages],
        )


class NoteOut(BaseModel):
    text: str
    at: datetime
    by: str

    @classmethod
    def of(cls, note: Note) -> "NoteOut":
        return cls(text=note.text, at=note.at, by=note.by)


class HandledComplaint(ComplaintOut):
    """The full record as its handlers read it: with the staff's internal notes and the
    case it was linked to as a duplicate (another reporter's, so not shown to this one)."""

    notes: list[NoteOut]
    linked_to: str | None

    @classmethod
    def of(cls, complaint: Complaint) -> "HandledComplaint":
        # What happened before the case came to this agency (another agency's rejections,
        # hand-back reasons) is that agency's record: the steps stay, their reasons do not.
        held = complaint.holding_starts
        history = [
            step if i >= held else step.model_copy(update={"reason": None})
            for i, step in enumerate(Step.of(change) for change in complaint.history)
        ]
        return cls(
            **{**dict(ComplaintOut.of(complaint)), "history": history},
            notes=[NoteOut.of(n) for n in complaint.notes_of(complaint.agency)],
            linked_to=complaint.linked_to,
        )


class DuplicateOut(BaseModel):
    """A likely duplicate, for the handlers: no description, no reporter."""

    complaint_id: str
    status: Status
    category: str
    filed_at: datetime
    similarity: float
    distance_m: float | None

    @classmethod
    def of(cls, duplicate: LikelyDuplicate) -> "DuplicateOut":
        complaint = duplicate.complaint
        return cls(
            complaint_id=complaint.complaint_id,
            status=complaint.status,
            category=complaint.category,
            filed_at=complaint.filed_at,
            similarity=duplicate.similarity,
            distance_m=duplicate.distance_m,
        )


class LinkIn(BaseModel):
    to_complaint_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class TriageItem(BaseModel):
    """A case waiting for an operator. The description is what routing is decided on;
    a confidential case shows only its length. `reason` is why it was handed back."""

    complaint_id: str
    kind: Kind
    agency: str | None
    """The agency the citizen named, if any and not handed back."""
    category: str
    governorate: str | None
    wilayat: str | None
    confidential: bool
    description: str | None
    description_length: int
    reason: str | None
    filed_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, complaint: Complaint) -> "TriageItem":
        return cls(
            complaint_id=complaint.complaint_id,
            kind=complaint.kind,
            agency=complaint.agency,
            category=complaint.category,
            governorate=complaint.governorate,
            wilayat=complaint.wilayat,
            confidential=complaint.confidential,
            description=None if complaint.confidential else complaint.description,
            description_length=len(complaint.description),
            reason=complaint.history[-1].reason,
            filed_at=complaint.filed_at,
            updated_at=complaint.updated_at,
        )


class AuditedStep(BaseModel):
    status: Status
    at: datetime


class AuditedComplaint(BaseModel):
    """What auditors read: the handling, without personal data. Free text (description,
    reasons, replies, messages) may name people, so only the description's length is
    shown; no reporter, and no tracking code (it is the reporter's credential)."""

    complaint_id: str
    kind: Kind
    agency: str | None
    category: str
    confidential: bool
    anonymous: bool
    description_length: int
    governorate: str | None
    wilayat: str | None
    channel: Channel
    language: Language
    status: Status
    filed_at: datetime
    updated_at: datetime
    history: list[AuditedStep]

    @classmethod
    def of(cls, complaint: Complaint) -> "AuditedComplaint":
        return cls(
            complaint_id=complaint.complaint_id,
            kind=complaint.kind,
            agency=complaint.agency,
            category=complaint.category,
            confidential=complaint.confidential,
            anonymous=complaint.secret_hash is not None,
            description_length=len(complaint.description),
            governorate=complaint.governorate,
            wilayat=complaint.wilayat,
            channel=complaint.channel,
            language=complaint.language,
            status=complaint.status,
            filed_at=complaint.filed_at,
            updated_at=complaint.updated_at,
            history=[AuditedStep(status=change.status, at=change.at) for change in complaint.history],
        )


class ContactOut(BaseModel):
    phone: str | None = None
    email: str | None = None


class ReporterOut(BaseModel):
    """A confidential case's reporter: their pseudonym (None if anonymous) and contact."""

    reporter_id: str | None
    contact: ContactOut | None


def _label(status: str) -> Label:
    return Label(ar=LABELS[status].ar, en=LABELS[status].en)


def _reply(reply: Reply | None) -> ReplyOut | None:
    return None if reply is None else ReplyOut(ar=reply.ar, en=reply.en)


@router.post("", status_code=201)
async def file_complaint(body: ComplaintIn, user: CurrentUser, handlers: Handlers) -> Filed:
    """A citizen files a complaint, suggestion or report; emits ComplaintFiled."""
    complaint = await handlers.file(body.command(), by=user)
    return Filed(
        complaint_id=complaint.complaint_id,
        tracking_code=grouped(complaint.tracking_code),
        status=complaint.status,
        likely_duplicates_count=await handlers.duplicates_count(complaint),
    )


@router.post("/anonymous", status_code=201, response_model=FiledAnonymously)
async def file_anonymously(body: ComplaintIn, handlers: Handlers, client: Client) -> FiledAnonymously:
    """Anyone files without an account; the response's secret is shown only this once.
    Limited per client address (429 with Retry-After)."""
    complaint, secret = await handlers.file_anonymously(body.command(), client=client)
    return FiledAnonymously(
        tracking_code=grouped(complaint.tracking_code),
        secret=grouped(secret),
        status=complaint.status,
        likely_duplicates_count=await handlers.duplicates_count(complaint),
    )


@router.get("/track/{tracking_code}", response_model=None)
async def track_complaint(
    tracking_code: str,
    handlers: Handlers,
    client: Client,
    secret: Annotated[str | None, Header(alias="X-Tracking-Secret", max_length=64)] = None,
) -> Tracking | ComplaintOut:
    """Follow a submission by its tracking code; with the `X-Tracking-Secret` of an
    anonymous report, the whole case. Failed guesses are limited per address (429)."""
    if secret is None:
        return Tracking.of(await handlers.track(tracking_code, client=client))
    return ComplaintOut.of(await handlers.open(tracking_code, secret, client=client))


@router.post("/track/{tracking_code}/access", response_model=None)
async def open_complaint(
    tracking_code: str, body: SecretIn, handlers: Handlers, client: Client
) -> ComplaintOut:
    """The anonymous reporter opens the whole case with the secret in the body."""
    return ComplaintOut.of(await handlers.open(tracking_code, body.secret, client=client))


@router.post("/track/{tracking_code}/replies", status_code=201, response_model=None)
async def reply_as_reporter(
    tracking_code: str, body: ReporterReplyIn, secret: TrackingSecret, handlers: Handlers, client: Client
) -> ComplaintOut:
    """The anonymous reporter answers the agency (`X-Tracking-Secret` required)."""
    return ComplaintOut.of(await handlers.reply_as_reporter(tracking_code, secret, body.message, client=client))


@router.get("/mine")
async def my_complaints(user: CurrentUser, handlers: Handlers, limit: Limit = 50) -> list[ComplaintOut]:
    """The caller's own submissions, newest first."""
    return [ComplaintOut.of(c) for c in await handlers.mine(by=user, limit=limit)]


@router.get("", response_model=list[HandledComplaint] | list[AuditedComplaint])
async def agency_complaints(
    user: CurrentUser,
    handlers: Handlers,
    status: Status | None = None,
    agency: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = 50,
) -> list[HandledComplaint] | list[AuditedComplaint]:
    """Submissions the caller handles in their agency, newest first; for auditors, every
    agency's (or `agency`'s), redacted."""
    if user.has("auditor"):
        found = await handlers.all_agencies(by=user, agency=agency, status=status, limit=limit)
        return [AuditedComplaint.of(c) for c in found]
    return [HandledComplaint.of(c) for c in await handlers.of_agency(by=user, status=status, limit=limit)]


@router.get("/{complaint_id}", response_model=None)
async def view_complaint(
    complaint_id: str, user: CurrentUser, handlers: Handlers
) -> HandledComplaint | ComplaintOut | AuditedComplaint:
    """The full record for its reporter, with the internal notes for its handlers;
    redacted for auditors."""
    if user.has("auditor"):
        return AuditedComplaint.of(await handlers.audit(complaint_id, by=user))
    complaint = await handlers.view(complaint_id, by=user)
    return HandledComplaint.of(complaint) if handlers.handles(complaint, user) else ComplaintOut.of(complaint)


@router.get("/{complaint_id}/reporter")
async def complaint_reporter(complaint_id: str, user: CurrentUser, handlers: Handlers) -> ReporterOut:
    """Who filed a confidential case: the agency's confidential team only (404 to others)."""
    identity = await handlers.reporter(complaint_id, by=user)
    return ReporterOut(reporter_id=identity.get("reporter_id"), contact=identity.get("contact"))


@router.post("/{complaint_id}/status")
async def change_status(
    complaint_id: str, body: StatusChangeIn, user: CurrentUser, handlers: Handlers
) -> HandledComplaint:
    """Staff of the complaint's agency move it on; emits ComplaintStatusChanged."""
    reply = None if body.reply is None else Reply(ar=body.reply.ar, en=body.reply.en)
    complaint = await handlers.change_status(
        complaint_id, ChangeStatus(status=body.status, reason=body.reason or None, reply=reply), by=user
    )
    return HandledComplaint.of(complaint)


@router.post("/{complaint_id}/route")
async def route_complaint(complaint_id: str, body: RouteIn, user: CurrentUser, handlers: Handlers) -> Routing:
    """An operator routes a case from triage to an agency's unit; emits ComplaintRouted."""
    return Routing.of(await handlers.route(complaint_id, agency=body.agency, unit=body.unit, by=user))


@router.post("/{complaint_id}/hand-back")
async def hand_back(complaint_id: str, body: ReasonIn, user: CurrentUser, handlers: Handlers) -> Routing:
    """Staff of the agency it was routed to say it is not theirs: it is rerouted by rule to
    another agency's category, or waits in triage."""
    return Routing.of(await handlers.hand_back(complaint_id, body.reason, by=user))


@router.get("/{complaint_id}/duplicates")
async def complaint_duplicates(complaint_id: str, user: CurrentUser, handlers: Handlers) -> list[DuplicateOut]:
    """Its handlers see the open cases that look like it, most similar first."""
    return [DuplicateOut.of(d) for d in await handlers.duplicates(complaint_id, by=user)]


@router.post("/{complaint_id}/link")
async def link_complaint(complaint_id: str, body: LinkIn, user: CurrentUser, handlers: Handlers) -> HandledComplaint:
    """Its handlers mark it a duplicate of another case they handle (409 if already linked)."""
    return HandledComplaint.of(await handlers.link(complaint_id, body.to_complaint_id, by=user))


@router.post("/{complaint_id}/reopen")
async def reopen(complaint_id: str, body: ReasonIn, user: CurrentUser, handlers: Handlers) -> ComplaintOut:
    """The citizen who filed it reopens a resolution within FEEDBACK_REOPEN_DAYS; emits ComplaintReopened."""
    return ComplaintOut.of(await handlers.reopen(complaint_id, body.reason, by=user))


@router.post("/{complaint_id}/replies", status_code=201)
async def reply_as_citizen(
    complaint_id: str, body: ReporterReplyIn, user: CurrentUser, handlers: Handlers
) -> ComplaintOut:
    """The citizen who filed it answers the agency; a case waiting for them goes back in progress."""
    return ComplaintOut.of(await handlers.reply_as_citizen(complaint_id, body.message, by=user))


@router.post("/{complaint_id}/notes", status_code=201)
async def add_note(complaint_id: str, body: NoteIn, user: CurrentUser, handlers: Handlers) -> HandledComplaint:
    """Its handlers add an internal note: never shown to the reporter, never in an event."""
    return HandledComplaint.of(await handlers.note(complaint_id, body.text, by=user))


@triage_router.get("/triage")
async def triage(user: CurrentUser, handlers: Handlers, limit: Limit = 50) -> list[TriageItem]:
    """The cases no rule could route, and those handed back, oldest first: operators only."""
    return [TriageItem.of(c) for c in await handlers.triage(by=user, limit=limit)]
