"""A complaint, suggestion or report a citizen files to an agency, and the agency's
handling of it (DOMAIN.md: the national complaints platform, Tajawob)."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from feedback.domain import secret
from feedback.domain.status import NEXT, Status, may_follow
from feedback.domain.text import Reply
from sharik.errors import Conflict, Invalid

Kind = Literal["complaint", "suggestion", "report"]
Channel = Literal["web", "app", "call_centre", "social_media"]
Language = Literal["ar", "en"]

DESCRIPTION_MAX_CHARS = 4000
MESSAGE_MAX_CHARS = 2000
NOTE_MAX_CHARS = 4000
ATTACHMENTS_MAX = 5
ATTACHMENT_MAX_CHARS = 2048
# Oman's bounding box: a point outside it is a typo or a wrong sign, not a place.
LATITUDES = (16.6, 26.5)
LONGITUDES = (51.8, 59.9)
RoutedBy = Literal["rule", "operator", "handback"]


@dataclass(frozen=True)
class StatusChange:
    """One step of the history. `reason` is for the record (required to reject);
    `reply` is what the agency says to the public."""

    status: Status
    at: datetime
    by: str | None = None
    reason: str | None = None
    reply: Reply | None = None


@dataclass(frozen=True)
class ReporterMessage:
    """What an anonymous reporter writes back, holding the tracking code and secret.
    Kept beside the status history, not in it, so `status` and `sequence` stay the agency's."""

    message: str
    at: datetime
    from_reporter: bool = True


@dataclass(frozen=True)
class Note:
    """Staff's internal note: never shown to the reporter, never in an event."""

    text: str
    at: datetime
    by: str
    agency: str | None = None
    """The agency whose staff wrote it; only that agency reads it. None on notes kept
    before notes named their agency (see Complaint.notes_of)."""


@dataclass(frozen=True)
class Complaint:
    complaint_id: str
    tracking_code: str
    agency: str | None
    """The agency handling it; None while it waits in triage without one."""
    kind: Kind
    category: str
    description: str
    channel: Channel
    language: Language
    reporter_id: str | None
    """Pseudonym of the citizen who filed it; None when anonymous or confidential (a
    confidential reporter is kept apart, in the reporter identities)."""
    filed_at: datetime
    history: tuple[StatusChange, ...]
    governorate: str | None = None
    wilayat: str | None = None
    confidential: bool = False
    """Visible only to the agency's confidential team (blackmail, fraud...)."""
    secret_hash: str | None = None
    """Hash of the follow-up secret of an anonymous report; None when filed signed in."""
    messages: tuple[ReporterMessage, ...] = ()
    unit: str | None = None
    """The agency's unit responsible; None until routed."""
    notes: tuple[Note, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    attachments: tuple[str, ...] = ()
    """Links to photos or videos (https), never the media itself."""
    handed_back_by: tuple[str, ...] = ()
    """Agencies that handed it back; the rule does not route it to them again."""
    linked_to: str | None = None
    """The case an officer judged this one a duplicate of; set once."""
    version: int = 0

    @classmethod
    def file(
        cls,
        *,
        complaint_id: str,
        tracking_code: str,
        agency: str | None,
        kind: Kind,
        category: str,
        description: str,
        channel: Channel,
        language: Language,
        reporter_id: str | None,
        governorate: str | None,
        wilayat: str | None,
        now: datetime,
        confidential: bool = False,
        secret_hash: str | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
        attachments: tuple[str, ...] = (),
    ) -> "Complaint":
        """A new submission; it starts in `submitted`. A confidential one never names its reporter here."""
        if confidential and reporter_id is not None:
            raise ValueError("a confidential complaint keeps its reporter apart")
        if not description.strip():
            raise Invalid("description is empty", details=[{"field": "description"}])
        if len(description) > DESCRIPTION_MAX_CHARS:
            raise Invalid(
                f"description is longer than {DESCRIPTION_MAX_CHARS} characters", details=[{"field": "description"}]
            )
        _check_location(latitude, longitude)
        _check_attachments(attachments)
        return cls(
            complaint_id=complaint_id,
            tracking_code=tracking_code,
            agency=agency,
            kind=kind,
            category=category,
            description=description,
            channel=channel,
            language=language,
            reporter_id=reporter_id,
            filed_at=now,
            history=(StatusChange(status="submitted", at=now),),
            governorate=governorate,
            wilayat=wilayat,
            confidential=confidential,
            secret_hash=secret_hash,
            latitude=latitude,
            longitude=longitude,
            attachments=tuple(attachments),
        )

    @property
    def status(self) -> Status:
        return self.history[-1].status

    @property
    def routed(self) -> bool:
        return self.unit is not None

    @property
    def updated_at(self) -> datetime:
        return self.history[-1].at

    @property
    def sequence(self) -> int:
        """How many times the status changed since filing: 1 for the first change."""
        return len(self.history) - 1

    def move_to(
        self, status: Status, *, by: str, now: datetime, reason: str | None = None, reply: Reply | None = None
    ) -> "Complaint":
        """The agency moves the submission on; only the lifecycle's next steps are allowed."""
        if status in ("submitted", "routed") or not may_follow(self.status, status):
            allowed = ", ".join(sorted(NEXT[self.status])) or "none"
            raise Conflict(
                f"a {self.kind} cannot move from {self.status} to {status} (allowed next: {allowed})",
                details=[{"from": self.status, "to": status}],
            )
        if status == "rejected" and not (reason and reason.strip()):
            raise Invalid("a rejection needs a reason", details=[{"field": "reason"}])
        change = StatusChange(status=status, at=now, by=by, reason=reason, reply=reply)
        return replace(self, history=(*self.history, change))

    def route_to(self, agency: str, unit: str, *, by: str, now: datetime) -> "Complaint":
        """A case waiting in triage goes to an agency's unit."""
        if self.status != "submitted":
            raise Conflict(f"only a submitted case is routed; this one is {self.status}")
        change = StatusChange(status="routed", at=now, by=by)
        return replace(self, agency=agency, unit=unit, history=(*self.history, change))

    def hand_back(self, *, by: str, reason: str, now: datetime) -> "Complaint":
        """The agency says the case is not theirs: it leaves them and waits in triage."""
        if not reason.strip():
            raise Invalid("handing back needs a reason", details=[{"field": "reason"}])
        if self.status not in ("routed", "acknowledged"):
            raise Conflict(f"only a routed or acknowledged case is handed back; this one is {self.status}")
        change = StatusChange(status="submitted", at=now, by=by, reason=reason)
        # The duplicate link points at a case of the agency it leaves: cross-agency links
        # are refused, so it does not travel with the case.
        return replace(
            self,
            agency=None,
            unit=None,
            linked_to=None,
            handed_back_by=(*self.handed_back_by, self.agency),
            history=(*self.history, change),
        )

    @property
    def resolved_at(self) -> datetime | None:
        """When it was last resolved, if it was."""
        return next((c.at for c in reversed(self.history) if c.status == "resolved"), None)

    def reopen(self, *, by: str, reason: str, now: datetime, window: timedelta) -> "Complaint":
        """The reporter is not satisfied with the resolution: back to in_progress, within
        `window` of it."""
        if not reason.strip():
            raise Invalid("reopening needs a reason", details=[{"field": "reason"}])
        resolved_at = self.resolved_at
        if self.status not in ("resolved", "closed") or resolved_at is None:
            raise Conflict(f"only a resolved case is reopened; this one is {self.status}")
        if now > resolved_at + window:
            raise Conflict(f"a case is reopened within {window.days} days of its resolution")
        change = StatusChange(status="in_progress", at=now, by=by, reason=reason)
        return replace(self, history=(*self.history, change))

    def add_note(self, text: str, *, by: str, now: datetime) -> "Complaint":
        """Staff note something for each other."""
        text = text.strip()
        if not text or len(text) > NOTE_MAX_CHARS:
            raise Invalid(f"a note has 1 to {NOTE_MAX_CHARS} characters", details=[{"field": "text"}])
        return replace(self, notes=(*self.notes, Note(text=text, at=now, by=by, agency=self.agency)))

    @property
    def holding_starts(self) -> int:
        """Index of the history step where the current agency's holding began (its last
        routing); 0 when the case was never routed."""
        return max((i for i, c in enumerate(self.history) if c.status == "routed"), default=0)

    def notes_of(self, agency: str | None) -> tuple[Note, ...]:
        """The internal notes `agency`'s staff wrote: notes stay with the agency that
        wrote them when a case moves to another. A note without an agency is from before
        notes named it; it is shown only if written during the current holding."""
        since = self.history[self.holding_starts].at
        legacy = agency == self.agency
        return tuple(n for n in self.notes if n.agency == agency or (n.agency is None and legacy and n.at >= since))

    def link_to(self, other: "Complaint") -> "Complaint":
        """An officer marks this case a duplicate of `other`, of the same agency and
        confidentiality; a case is linked once."""
        if other.complaint_id == self.complaint_id:
            raise Invalid("a case is not linked to itself", details=[{"field": "to_complaint_id"}])
        if other.agency != self.agency or other.confidential != self.confidential:
            raise Invalid(
                "a case is linked only to one of the same agency and confidentiality",
                details=[{"field": "to_complaint_id"}],
            )
        if self.linked_to is not None:
            raise Conflict(f"the case is already linked to {self.linked_to}", details=[{"linked_to": self.linked_to}])
        return replace(self, linked_to=other.complaint_id)

    def is_filed_by(self, reporter_id: str) -> bool:
        return self.reporter_id is not None and self.reporter_id == reporter_id

    def opens_with(self, typed_secret: str) -> bool:
        """Whether the follow-up secret opens this case; never for one filed signed in."""
        return secret.matches(typed_secret, self.secret_hash)

    def reply_from_reporter(self, message: str, *, now: datetime) -> "Complaint":
        """The anonymous reporter answers the agency; not once the case is closed."""
        text = message.strip()
        if not text or len(text) > MESSAGE_MAX_CHARS:
            raise Invalid(f"a message has 1 to {MESSAGE_MAX_CHARS} characters", details=[{"field": "message"}])
        if self.status == "closed":
            raise Conflict("the case is closed; it takes no more messages")
        replied = replace(self, messages=(*self.messages, ReporterMessage(message=text, at=now)))
        if self.status != "waiting_for_citizen":
            return replied
        # The answer the agency waited for: its clock runs again.
        return replace(replied, history=(*self.history, StatusChange(status="in_progress", at=now, by="reporter")))


def _check_location(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        field = "longitude" if longitude is None else "latitude"
        raise Invalid("a location needs both latitude and longitude", details=[{"field": field}])
    for field, value, (low, high) in (("latitude", latitude, LATITUDES), ("longitude", longitude, LONGITUDES)):
        if value is not None and not low <= value <= high:
            raise Invalid(f"{field} {value} is outside Oman ({low}..{high})", details=[{"field": field}])


def _check_attachments(attachments: tuple[str, ...]) -> None:
    if len(attachments) > ATTACHMENTS_MAX:
        raise Invalid(f"at most {ATTACHMENTS_MAX} attachments", details=[{"field": "attachments"}])
    for link in attachments:
        scheme, _, rest = link.partition("://")
        if scheme != "https" or not rest or len(link) > ATTACHMENT_MAX_CHARS or any(c.isspace() for c in link):
            raise Invalid("attachments are https links", details=[{"field": "attachments"}])
