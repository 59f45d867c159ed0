"""A complaint, suggestion or report a citizen files to an agency, and the agency's
handling of it (DOMAIN.md: the national complaints platform, Tajawob)."""

from dataclasses import dataclass, replace
from datetime import datetime
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
class Complaint:
    complaint_id: str
    tracking_code: str
    agency: str
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
    version: int = 0

    @classmethod
    def file(
        cls,
        *,
        complaint_id: str,
        tracking_code: str,
        agency: str,
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
        )

    @property
    def status(self) -> Status:
        return self.history[-1].status

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
        if not may_follow(self.status, status):
            allowed = ", ".join(sorted(NEXT[self.status])) or "none"
            raise Conflict(
                f"a {self.kind} cannot move from {self.status} to {status} (allowed next: {allowed})",
                details=[{"from": self.status, "to": status}],
            )
        if status == "rejected" and not (reason and reason.strip()):
            raise Invalid("a rejection needs a reason", details=[{"field": "reason"}])
        change = StatusChange(status=status, at=now, by=by, reason=reason, reply=reply)
        return replace(self, history=(*self.history, change))

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
        return replace(self, messages=(*self.messages, ReporterMessage(message=text, at=now)))
