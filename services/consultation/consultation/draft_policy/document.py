"""A draft policy or regulation put to public comment: numbered sections in Arabic
and English, open until a deadline; afterwards the agency concludes each section
(accepted / partly accepted / not accepted, and why) and adopts a new version."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from sharik.errors import Conflict, Invalid
from sharik.events import LocalizedText
from sharik.events.consultation import SectionOutcome

Phase = Literal["draft", "scheduled", "open", "closed", "adopted"]


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int = Field(ge=1, le=1000)
    heading: LocalizedText
    text: LocalizedText


class Draft(BaseModel):
    """What the agency writes and citizens comment on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    campaign_id: str | None = None
    title: LocalizedText
    summary: LocalizedText
    sections: tuple[Section, ...] = Field(min_length=1, max_length=500)
    opens_at: datetime
    closes_at: datetime
    """The deadline for comments."""

    @field_validator("sections")
    @classmethod
    def _numbered_once(cls, sections: tuple[Section, ...]) -> tuple[Section, ...]:
        numbers = [s.number for s in sections]
        if len(set(numbers)) != len(numbers):
            raise ValueError("each section number once")
        return sections

    @field_validator("closes_at")
    @classmethod
    def _after_opening(cls, closes_at: datetime, info: ValidationInfo) -> datetime:
        opens_at = info.data.get("opens_at")
        if opens_at is not None and closes_at <= opens_at:
            raise ValueError("closes_at must be after opens_at")
        return closes_at


class Conclusion(BaseModel):
    model_config = ConfigDict(frozen=True)

    section: int
    outcome: SectionOutcome
    reason: LocalizedText
    concluded_at: datetime


class Adoption(BaseModel):
    model_config = ConfigDict(frozen=True)

    text_version: int
    sections: tuple[Section, ...]
    changed_sections: tuple[int, ...]
    adopted_at: datetime


class DraftPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    document_id: str
    agency: str
    draft: Draft
    created_by: str
    created_at: datetime
    published_at: datetime | None = None
    conclusions: tuple[Conclusion, ...] = ()
    adoption: Adoption | None = None
    version: int = 0

    @property
    def campaign_id(self) -> str | None:
        return self.draft.campaign_id

    def phase(self, now: datetime) -> Phase:
        if self.adoption is not None:
            return "adopted"
        if self.published_at is None:
            return "draft"
        if now < self.draft.opens_at:
            return "scheduled"
        return "open" if now < self.draft.closes_at else "closed"

    def section(self, number: int) -> Section:
        for section in self.draft.sections:
            if section.number == number:
                return section
        raise Invalid(f"the document has no section {number}", details=[{"field": "section", "value": number}])

    def edit(self, draft: Draft) -> "DraftPolicy":
        if self.published_at is not None:
            raise Conflict("a published draft is not edited; adopt a new version after the deadline", details=[{"field": "state"}])
        return self.model_copy(update={"draft": draft})

    def publish(self, *, now: datetime) -> "DraftPolicy":
        if self.published_at is not None:
            raise Conflict("the draft is already published", details=[{"field": "state"}])
        if self.draft.closes_at <= now:
            raise Conflict("the deadline has passed", details=[{"field": "closes_at"}])
        return self.model_copy(update={"published_at": now})

    def require_open(self, now: datetime) -> None:
        phase = self.phase(now)
        if phase != "open":
            raise Conflict(f"the draft is {phase}, not open for comment", details=[{"field": "phase", "phase": phase}])

    def conclude(self, number: int, outcome: SectionOutcome, reason: LocalizedText, *, now: datetime) -> "DraftPolicy":
        """Say what became of a section's comments, once, after the deadline (before or
        after the adoption)."""
        self._after_deadline(now, also_adopted=True)
        self.section(number)
        if any(c.section == number for c in self.conclusions):
            raise Conflict(f"section {number} is already concluded", details=[{"field": "section"}])
        conclusion = Conclusion(section=number, outcome=outcome, reason=reason, concluded_at=now)
        return self.model_copy(update={"conclusions": (*self.conclusions, conclusion)})

    def adopt(self, sections: tuple[Section, ...], *, now: datetime) -> "DraftPolicy":
        """The adopted text: version 2, with the sections that changed from the draft."""
        self._after_deadline(now)
        drafted = {s.number: s for s in self.draft.sections}
        changed = tuple(
            sorted({s.number for s in sections if drafted.get(s.number) != s} | (drafted.keys() - {s.number for s in sections}))
        )
        adoption = Adoption(text_version=2, sections=sections, changed_sections=changed, adopted_at=now)
        return self.model_copy(update={"adoption": adoption})

    def _after_deadline(self, now: datetime, *, also_adopted: bool = False) -> None:
        phase = self.phase(now)
        if phase != "closed" and not (also_adopted and phase == "adopted"):
            raise Conflict(f"the draft is {phase}; this comes after the deadline", details=[{"field": "phase", "phase": phase}])
