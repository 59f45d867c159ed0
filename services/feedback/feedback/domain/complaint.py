"""A complaint, suggestion or report a citizen files to an agency, and the agency's
handling of it (DOMAIN.md: the national complaints platform, Tajawob)."""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from feedback.domain.status import NEXT, Status, may_follow
from feedback.domain.text import Reply
from sharik.errors import Conflict, Invalid

Kind = Literal["complaint", "suggestion", "report"]
Channel = Literal["web", "app", "call_centre", "social_media"]
Language = Literal["ar", "en"]

DESCRIPTION_MAX_CHARS = 4000


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
class Complaint:
    complaint_id: str
    tracking_code: str
    agency: str
    kind: Kind
    category: str
    description: str
    channel: Channel
    language: Language
    reporter_id: str
    """Pseudonym of the citizen who filed it; the store never holds who they are."""
    filed_at: datetime
    history: tuple[StatusChange, ...]
    governorate: str | None = None
    wilayat: str | None = None
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
        reporter_id: str,
        governorate: str | None,
        wilayat: str | None,
        now: datetime,
    ) -> "Complaint":
        """A new submission; it starts in `submitted`."""
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
        return self.reporter_id == reporter_id
