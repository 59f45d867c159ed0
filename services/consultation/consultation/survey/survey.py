"""A survey: built as a draft, then published, which freezes its questions (a new
version is a new survey); it takes responses between its opening and closing times."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from consultation.survey.questions import Question, Section, check_questionnaire
from sharik.errors import Conflict, Invalid
from sharik.events import LocalizedText

Phase = Literal["draft", "scheduled", "open", "closed"]


class Questionnaire(BaseModel):
    """What the builder edits."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    campaign_id: str | None = None
    title: LocalizedText
    description: LocalizedText | None = None
    sections: tuple[Section, ...] = Field(default=(), max_length=30)
    questions: tuple[Question, ...] = Field(min_length=1, max_length=200)
    anonymous: bool = False
    """Responses are kept apart from who gave them; one per citizen still holds."""
    live_results: bool = False
    """Results are public while the survey is open, not only once it closes."""
    opens_at: datetime
    closes_at: datetime

    @field_validator("closes_at")
    @classmethod
    def _after_opening(cls, closes_at: datetime, info: ValidationInfo) -> datetime:
        opens_at = info.data.get("opens_at")
        if opens_at is not None and closes_at <= opens_at:
            raise ValueError("closes_at must be after opens_at")
        return closes_at

    def checked(self) -> "Questionnaire":
        problems = check_questionnaire(self.sections, self.questions)
        if problems:
            raise Invalid("the questionnaire is not consistent", details=problems)
        return self


class Survey(BaseModel):
    model_config = ConfigDict(frozen=True)

    survey_id: str
    agency: str
    questionnaire: Questionnaire
    created_by: str
    created_at: datetime
    published_at: datetime | None = None
    version: int = 0

    @property
    def campaign_id(self) -> str | None:
        return self.questionnaire.campaign_id

    def phase(self, now: datetime) -> Phase:
        q = self.questionnaire
        if self.published_at is None:
            return "draft"
        if now < q.opens_at:
            return "scheduled"
        return "open" if now < q.closes_at else "closed"

    def edit(self, questionnaire: Questionnaire) -> "Survey":
        if self.published_at is not None:
            raise Conflict("a published survey's questions are frozen; make a new survey", details=[{"field": "state"}])
        return self.model_copy(update={"questionnaire": questionnaire.checked()})

    def publish(self, *, now: datetime) -> "Survey":
        if self.published_at is not None:
            raise Conflict("the survey is already published", details=[{"field": "state"}])
        if self.questionnaire.closes_at <= now:
            raise Conflict("the survey would close before it is published", details=[{"field": "closes_at"}])
        return self.model_copy(update={"published_at": now})

    def require_open(self, now: datetime) -> None:
        phase = self.phase(now)
        if phase != "open":
            raise Conflict(f"the survey is {phase}, not open for responses", details=[{"field": "phase", "phase": phase}])

    def results_public(self, now: datetime) -> bool:
        phase = self.phase(now)
        return phase == "closed" or (phase == "open" and self.questionnaire.live_results)
