"""A live question session of a campaign or forum: citizens ask questions during it
(under a display name or anonymously) and upvote others'; the agency's moderators
approve, reject or merge them and mark what the speakers are answering."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sharik.errors import Conflict
from sharik.events import LocalizedText

QuestionStatus = Literal["pending", "approved", "rejected", "merged", "answering", "answered"]
SHOWN: tuple[QuestionStatus, ...] = ("approved", "answering", "answered")
"""What the public list and the speaker's queue show."""

MODERATION: dict[str, dict[QuestionStatus, QuestionStatus]] = {
    "approve": {"pending": "approved"},
    "reject": {"pending": "rejected", "approved": "rejected"},
    "answering": {"approved": "answering"},
    "answered": {"approved": "answered", "answering": "answered"},
}


class Plan(BaseModel):
    model_config = ConfigDict(frozen=True)

    campaign_id: str | None = Field(default=None, max_length=60)
    title: LocalizedText
    speakers: tuple[LocalizedText, ...] = Field(min_length=1, max_length=20)
    starts_at: datetime
    ends_at: datetime

    @model_validator(mode="after")
    def _ends_after_start(self) -> "Plan":
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class Session(BaseModel):
    model_config = ConfigDict(frozen=True)

    session_id: str
    agency: str
    plan: Plan
    published_at: datetime | None = None
    created_at: datetime
    version: int = 0

    def require_open(self, now: datetime) -> None:
        if not self.plan.starts_at <= now < self.plan.ends_at:
            raise Conflict("the session is not running", details=[{"field": "session_id"}])

    def publish(self, now: datetime) -> "Session":
        if now < self.plan.ends_at:
            raise Conflict("the questions are published after the session", details=[{"field": "ends_at"}])
        if self.published_at is not None:
            raise Conflict("already published", details=[{"field": "published_at"}])
        return self.model_copy(update={"published_at": now})


def moderated(status: QuestionStatus, action: str) -> QuestionStatus:
    """The status `action` leads to; Conflict when it does not apply."""
    allowed = MODERATION[action]
    if status not in allowed:
        raise Conflict(f"a {status} question cannot be marked {action}", details=[{"field": "status", "status": status}])
    return allowed[status]
