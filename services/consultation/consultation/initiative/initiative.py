"""A citizen initiative: drafted by a citizen, backed by a promoting committee,
checked for admissibility by the agency it addresses, then open for support by the
residents of its scope until a deadline. Reaching the threshold obliges the agency to
answer within a set time; missing it by the deadline expires the initiative."""

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sharik.auth import Principal
from sharik.errors import Conflict, Forbidden
from sharik.events import LocalizedText

State = Literal["draft", "filed", "rejected", "collecting", "threshold_reached", "answered", "expired"]
Level = Literal["national", "governorate", "wilayat"]
AnswerOutcome = Literal["accepted", "partly_accepted", "rejected"]


class Scope(BaseModel):
    model_config = ConfigDict(frozen=True)

    level: Level
    code: str | None = Field(default=None, min_length=1, max_length=60)
    """The governorate's or wilayat's code, as residents' tokens carry it; none when national."""

    @model_validator(mode="after")
    def _code_matches_level(self) -> "Scope":
        if (self.level == "national") != (self.code is None):
            raise ValueError("a national scope has no code; a governorate or wilayat scope has one")
        return self

    def includes(self, resident: Principal) -> bool:
        if self.level == "national":
            return True
        return (resident.governorate if self.level == "governorate" else resident.wilayat) == self.code


class Proposal(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str = Field(min_length=5, max_length=200)
    text: str = Field(min_length=20, max_length=20_000)
    language: Literal["ar", "en"]
    agency: str = Field(min_length=1, max_length=60)
    """The agency the initiative addresses."""
    scope: Scope


class Rules(BaseModel):
    """The agency's terms for an initiative of this scope, fixed when it is admitted."""

    model_config = ConfigDict(frozen=True)

    supports: int = Field(ge=1, le=10_000_000)
    collection_days: int = Field(ge=1, le=365)
    answer_days: int = Field(ge=1, le=365)


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True)

    outcome: AnswerOutcome
    reasoning: LocalizedText
    answered_at: datetime
    late: bool


class Initiative(BaseModel):
    model_config = ConfigDict(frozen=True)

    initiative_id: str
    promoter: str
    """The promoter's pseudonym within this initiative."""
    proposal: Proposal
    content_id: str
    committee: tuple[str, ...] = ()
    """Co-promoters who accepted (pseudonyms within this initiative)."""
    min_committee: int
    state: State = "draft"
    rejection: LocalizedText | None = None
    rules: Rules | None = None
    collection_closes_at: datetime | None = None
    reached_at: datetime | None = None
    answer_due_at: datetime | None = None
    overdue_at: datetime | None = None
    answer: Answer | None = None
    created_at: datetime
    version: int = 0

    @property
    def agency(self) -> str:
        return self.proposal.agency

    def join_committee(self, member: str) -> "Initiative":
        self._require("draft")
        if member == self.promoter or member in self.committee:
            raise Conflict("you are already on the committee", details=[{"field": "initiative_id"}])
        return self.model_copy(update={"committee": (*self.committee, member)})

    def file(self, promoter: str) -> "Initiative":
        """The promoter files it for the agency's admissibility check."""
        self._require("draft")
        if promoter != self.promoter:
            raise Forbidden("only the promoter files the initiative")
        if len(self.committee) < self.min_committee:
            raise Conflict(
                f"the committee needs at least {self.min_committee} co-promoters",
                details=[{"field": "committee", "members": len(self.committee), "needed": self.min_committee}],
            )
        return self.model_copy(update={"state": "filed"})

    def admit(self, rules: Rules, *, now: datetime) -> "Initiative":
        self._require("filed")
        closes = now + timedelta(days=rules.collection_days)
        return self.model_copy(update={"state": "collecting", "rules": rules, "collection_closes_at": closes})

    def reject(self, reason: LocalizedText) -> "Initiative":
        self._require("filed")
        return self.model_copy(update={"state": "rejected", "rejection": reason})

    def collecting(self, now: datetime) -> bool:
        return self.state in ("collecting", "threshold_reached") and now < self.collection_closes_at

    def require_collecting(self, now: datetime) -> None:
        if not self.collecting(now):
            raise Conflict("the initiative is not collecting support", details=[{"field": "state", "state": self.state}])

    def reached(self, supports: int, *, now: datetime) -> "Initiative | None":
        """Itself past the threshold, or None when it was already or is not yet."""
        if self.state != "collecting" or supports < self.rules.supports:
            return None
        due = now + timedelta(days=self.rules.answer_days)
        return self.model_copy(update={"state": "threshold_reached", "reached_at": now, "answer_due_at": due})

    def answered(self, outcome: AnswerOutcome, reasoning: LocalizedText, *, now: datetime) -> "Initiative":
        self._require("threshold_reached")
        answer = Answer(outcome=outcome, reasoning=reasoning, answered_at=now, late=now > self.answer_due_at)
        return self.model_copy(update={"state": "answered", "answer": answer})

    def expired(self, now: datetime) -> "Initiative | None":
        if self.state == "collecting" and now >= self.collection_closes_at:
            return self.model_copy(update={"state": "expired"})
        return None

    def overdue(self, now: datetime) -> "Initiative | None":
        if self.state == "threshold_reached" and self.overdue_at is None and now > self.answer_due_at:
            return self.model_copy(update={"overdue_at": now})
        return None

    def _require(self, *states: State) -> None:
        if self.state not in states:
            raise Conflict(
                f"a {self.state} initiative cannot do that", details=[{"field": "state", "state": self.state}]
            )
