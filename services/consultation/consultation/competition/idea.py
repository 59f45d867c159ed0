"""An idea submitted to a competition: what the citizen (or team) proposes, editable
until the submission deadline and withdrawable; screened by officers with a reason
the submitter sees; supported by citizens who found it instead of submitting their own."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from sharik.errors import Conflict
from sharik.events import LocalizedText

IdeaStatus = Literal["submitted", "withdrawn", "eligible", "ineligible"]
Language = Literal["ar", "en"]
Link = Annotated[str, Field(pattern=r"^https?://", max_length=2000)]


class Proposal(BaseModel):
    """What the submitter writes."""

    model_config = ConfigDict(frozen=True)

    theme_id: str
    language: Language
    title: str = Field(min_length=3, max_length=200)
    problem: str = Field(min_length=10, max_length=5000)
    solution: str = Field(min_length=10, max_length=5000)
    impact: str = Field(min_length=3, max_length=5000)
    attachments: tuple[Link, ...] = Field(default=(), max_length=10)
    team: tuple[Annotated[str, Field(min_length=3, max_length=100)], ...] = Field(default=(), max_length=49)
    """Pseudonymous ids of the other team members (none for an individual)."""

    def text(self) -> str:
        """Everything written, as moderation and likely-duplicate checks read it."""
        return "\n".join((self.title, self.problem, self.solution, self.impact))


class Screening(BaseModel):
    model_config = ConfigDict(frozen=True)

    eligible: bool
    reason: LocalizedText
    by: str
    at: datetime


class Idea(BaseModel):
    model_config = ConfigDict(frozen=True)

    idea_id: str
    competition_id: str
    agency: str
    submitter: str
    """The submitter's pseudonym within the competition; never shown to jurors."""
    proposal: Proposal
    content_id: str
    """The proposal's text in moderation; shown publicly only while visible there."""
    status: IdeaStatus = "submitted"
    screening: Screening | None = None
    supporters: tuple[str, ...] = ()
    submitted_at: datetime
    updated_at: datetime
    decision_id: str | None = None
    funded_omr: float | None = None
    version: int = 0

    def require_submitter(self, submitter: str) -> None:
        if submitter != self.submitter:
            raise Conflict("only the submitter changes an idea", details=[{"field": "idea_id"}])

    def edited(self, proposal: Proposal, *, content_id: str, now: datetime) -> "Idea":
        self._require_standing()
        return self.model_copy(update={"proposal": proposal, "content_id": content_id, "updated_at": now})

    def withdrawn(self, now: datetime) -> "Idea":
        self._require_standing()
        return self.model_copy(update={"status": "withdrawn", "updated_at": now})

    def screened(self, screening: Screening) -> "Idea":
        if self.status not in ("submitted", "eligible", "ineligible"):
            raise Conflict(f"a {self.status} idea is not screened", details=[{"field": "status", "status": self.status}])
        return self.model_copy(update={"status": "eligible" if screening.eligible else "ineligible", "screening": screening})

    def supported(self, supporter: str) -> "Idea":
        if self.status in ("withdrawn", "ineligible"):
            raise Conflict(f"a {self.status} idea takes no support", details=[{"field": "idea_id"}])
        if supporter == self.submitter or supporter in self.supporters:
            raise Conflict("you already stand behind this idea", details=[{"field": "idea_id", "code": "already_supported"}])
        return self.model_copy(update={"supporters": (*self.supporters, supporter)})

    def adopted(self, *, decision_id: str, funded_omr: float | None) -> "Idea":
        if self.decision_id is not None:
            raise Conflict("the idea is already adopted", details=[{"field": "idea_id"}])
        return self.model_copy(update={"decision_id": decision_id, "funded_omr": funded_omr})

    def _require_standing(self) -> None:
        if self.status != "submitted":
            raise Conflict(f"a {self.status} idea cannot change", details=[{"field": "status", "status": self.status}])
