"""One moderation mechanism for every piece of citizen text (comments, free-text
survey answers): flagged once per citizen, hidden after enough flags, hidden or
restored by the agency's moderators with a reason, and held first when it looks
like personal data. The public sees a notice in its place."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from consultation.moderation.personal_data import personal_data_kinds
from sharik.errors import Conflict
from sharik.events import LocalizedText
from sharik.events.consultation import ContentKind, FlagReason

Visibility = Literal["visible", "hidden", "held"]
DEFAULT_FLAGS_TO_HIDE = 3

NOTICES: dict[Visibility, LocalizedText] = {
    "hidden": LocalizedText(ar="أخفى المشرفون هذا المحتوى.", en="This content was hidden by moderation."),
    "held": LocalizedText(ar="هذا المحتوى بانتظار المراجعة.", en="This content is awaiting review."),
}


class AuditEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    action: Literal["held", "flagged", "hidden", "restored"]
    reason: str
    by: str | None
    """The moderator's subject; None for the system (automatic hold or hide). Flags
    name no one."""
    at: datetime


class Content(BaseModel):
    model_config = ConfigDict(frozen=True)

    content_id: str
    kind: ContentKind
    agency: str
    ref: str
    """Where it belongs: survey_id/question_id, or document_id/section."""
    text: str
    author: str | None
    visibility: Visibility = "visible"
    flaggers: tuple[str, ...] = ()
    flags_since_review: int = 0
    audit: tuple[AuditEntry, ...] = ()
    created_at: datetime
    version: int = 0

    @classmethod
    def submitted(
        cls, *, content_id: str, kind: ContentKind, agency: str, ref: str, text: str, author: str | None, now: datetime
    ) -> "Content":
        kinds = personal_data_kinds(text)
        content = cls(content_id=content_id, kind=kind, agency=agency, ref=ref, text=text, author=author, created_at=now)
        if not kinds:
            return content
        held = AuditEntry(action="held", reason="looks like personal data: " + ", ".join(kinds), by=None, at=now)
        return content.model_copy(update={"visibility": "held", "audit": (held,)})

    def flag(self, flagger: str, reason: FlagReason, *, threshold: int, now: datetime) -> "Content":
        """One flag per citizen; the threshold-th flag since the last review hides it."""
        if flagger in self.flaggers:
            raise Conflict("you have already flagged this", details=[{"field": "content_id", "code": "already_flagged"}])
        flags = self.flags_since_review + 1
        audit = [AuditEntry(action="flagged", reason=reason, by=None, at=now)]
        visibility = self.visibility
        if visibility == "visible" and flags >= threshold:
            visibility = "hidden"
            audit.append(AuditEntry(action="hidden", reason=f"{flags} flags", by=None, at=now))
        return self.model_copy(
            update={
                "flaggers": (*self.flaggers, flagger),
                "flags_since_review": flags,
                "visibility": visibility,
                "audit": (*self.audit, *audit),
            }
        )

    def hide(self, *, reason: str, by: str, now: datetime) -> "Content":
        if self.visibility == "hidden":
            raise Conflict("already hidden", details=[{"field": "visibility"}])
        entry = AuditEntry(action="hidden", reason=reason, by=by, at=now)
        return self.model_copy(update={"visibility": "hidden", "audit": (*self.audit, entry)})

    def restore(self, *, reason: str, by: str, now: datetime) -> "Content":
        """Show it again; counting flags starts over."""
        if self.visibility == "visible":
            raise Conflict("already visible", details=[{"field": "visibility"}])
        entry = AuditEntry(action="restored", reason=reason, by=by, at=now)
        return self.model_copy(update={"visibility": "visible", "flags_since_review": 0, "audit": (*self.audit, entry)})

    @property
    def total_flags(self) -> int:
        return len(self.flaggers)

    def public(self) -> dict:
        """What anyone may see: the text, or a notice in its place."""
        if self.visibility == "visible":
            return {"content_id": self.content_id, "visibility": "visible", "text": self.text}
        return {"content_id": self.content_id, "visibility": self.visibility, "notice": NOTICES[self.visibility].model_dump()}
