"""An idea competition: its call (themes, eligibility, stages), its jury (jurors,
chair, declared conflicts, rubric, reviews per idea) and the outcome of each judged
stage. Stages are opened one after another by the agency's officers; a judged stage
is concluded from its reviews (or by the chair's recorded override) before the next."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from consultation.competition.scoring import Ranked, Rubric
from consultation.competition.stages import JUDGED, Stage, check_stages
from sharik.errors import Conflict, Forbidden, Invalid
from sharik.events import LocalizedText

Eligibility = Literal["individuals", "teams", "both"]


class Theme(BaseModel):
    model_config = ConfigDict(frozen=True)

    theme_id: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    label: LocalizedText


class Call(BaseModel):
    """What the agency announces."""

    model_config = ConfigDict(frozen=True)

    title: LocalizedText
    description: LocalizedText
    themes: tuple[Theme, ...] = Field(min_length=1, max_length=30)
    eligibility: Eligibility = "both"
    max_team_size: int = Field(default=5, ge=1, le=50)
    stages: tuple[Stage, ...] = Field(min_length=6, max_length=20)

    @model_validator(mode="after")
    def _stages_in_order(self) -> "Call":
        check_stages(self.stages)
        ids = [t.theme_id for t in self.themes]
        if len(set(ids)) != len(ids):
            raise Invalid("theme ids must be distinct", details=[{"field": "themes"}])
        return self


class Jury(BaseModel):
    model_config = ConfigDict(frozen=True)

    jurors: tuple[str, ...] = Field(min_length=1, max_length=200)
    """Subjects of staff holding the `jury` role, named for this competition."""
    chair: str
    reviews_per_idea: int = Field(default=3, ge=1, le=20)
    normalise: bool = False
    """Rank on per-juror z-scores instead of raw totals."""
    rubric: Rubric

    @model_validator(mode="after")
    def _chair_is_a_juror(self) -> "Jury":
        if self.chair not in self.jurors:
            raise Invalid("the chair is one of the jurors", details=[{"field": "chair"}])
        if len(set(self.jurors)) != len(self.jurors):
            raise Invalid("jurors are named once", details=[{"field": "jurors"}])
        if self.reviews_per_idea > len(self.jurors):
            raise Invalid("more reviews per idea than jurors", details=[{"field": "reviews_per_idea"}])
        return self


class ConflictOfInterest(BaseModel):
    model_config = ConfigDict(frozen=True)

    juror: str
    idea_id: str


class Override(BaseModel):
    model_config = ConfigDict(frozen=True)

    advancing: tuple[str, ...]
    reason: str = Field(min_length=3, max_length=2000)
    by: str


class Outcome(BaseModel):
    """A judged stage's result: the ranking from its reviews and who advances."""

    model_config = ConfigDict(frozen=True)

    stage_index: int
    ranking: tuple[Ranked, ...]
    advancing: tuple[str, ...]
    normalised: bool
    override: Override | None = None
    concluded_at: datetime


class Competition(BaseModel):
    model_config = ConfigDict(frozen=True)

    competition_id: str
    agency: str
    campaign_id: str | None = None
    call: Call
    stage_index: int = -1
    """-1 while a draft; then the index of the open stage."""
    published_at: datetime | None = None
    jury: Jury | None = None
    conflicts: tuple[ConflictOfInterest, ...] = ()
    in_play: tuple[str, ...] = ()
    """The ideas of the open judged stage (or the shortlist, or the winners)."""
    outcomes: tuple[Outcome, ...] = ()
    people_choice_ballot: str | None = None
    created_by: str
    created_at: datetime
    version: int = 0

    @property
    def stage(self) -> Stage | None:
        return self.call.stages[self.stage_index] if self.stage_index >= 0 else None

    @property
    def kind(self) -> str:
        return self.stage.kind if self.stage else "draft"

    def accepts_submissions(self, now: datetime) -> bool:
        return self.kind == "submission" and now < self.call.stages[0].closes_at

    def require_submissions_open(self, now: datetime) -> None:
        if not self.accepts_submissions(now):
            raise Conflict("the competition is not taking submissions", details=[{"field": "stage", "stage": self.kind}])

    def revise(self, call: Call) -> "Competition":
        if self.stage_index >= 0:
            raise Conflict("a published competition's call is fixed", details=[{"field": "stage", "stage": self.kind}])
        return self.model_copy(update={"call": call})

    def publish(self, now: datetime) -> "Competition":
        if self.stage_index >= 0:
            raise Conflict("already published", details=[{"field": "stage", "stage": self.kind}])
        return self.model_copy(update={"stage_index": 0, "published_at": now})

    def name_jury(self, jury: Jury) -> "Competition":
        if self.stage_index >= 0 and self.kind not in ("submission", "screening"):
            raise Conflict("the jury is named before judging starts", details=[{"field": "stage", "stage": self.kind}])
        return self.model_copy(update={"jury": jury})

    def require_juror(self, subject: str) -> None:
        if self.jury is None or subject not in self.jury.jurors:
            raise Forbidden("only this competition's jurors do this")

    def declare_conflicts(self, juror: str, idea_ids: tuple[str, ...]) -> "Competition":
        """A juror's conflicts count for the judged stages that open after it."""
        self.require_juror(juror)
        known = {(c.juror, c.idea_id) for c in self.conflicts}
        added = tuple(ConflictOfInterest(juror=juror, idea_id=i) for i in idea_ids if (juror, i) not in known)
        return self.model_copy(update={"conflicts": (*self.conflicts, *added)})

    def conflicts_by_juror(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for c in self.conflicts:
            found.setdefault(c.juror, set()).add(c.idea_id)
        return found

    def next_stage(self, *, now: datetime, in_play: tuple[str, ...]) -> "Competition":
        """Open the next stage with the ideas it considers. Submission ends at its
        deadline; a judged stage ends once concluded."""
        if self.stage_index < 0 or self.stage_index + 1 >= len(self.call.stages):
            raise Conflict(f"no stage follows {self.kind}", details=[{"field": "stage", "stage": self.kind}])
        if self.kind == "submission" and now < self.call.stages[0].closes_at:
            raise Conflict("submissions are open until their deadline", details=[{"field": "stage", "stage": self.kind}])
        if self.kind in JUDGED and self.outcome_of(self.stage_index) is None:
            raise Conflict(f"conclude the {self.kind} first", details=[{"field": "stage", "stage": self.kind}])
        following = self.call.stages[self.stage_index + 1]
        if following.kind in JUDGED and self.jury is None:
            raise Conflict("name the jury before judging", details=[{"field": "jury"}])
        return self.model_copy(update={"stage_index": self.stage_index + 1, "in_play": in_play})

    def carried_forward(self) -> tuple[str, ...]:
        """The ideas the next stage starts with, when they come from a judged stage."""
        outcome = self.outcomes[-1] if self.outcomes else None
        return outcome.advancing if outcome else self.in_play

    def conclude(self, outcome: Outcome) -> "Competition":
        if self.kind not in JUDGED:
            raise Conflict(f"a {self.kind} stage is not judged", details=[{"field": "stage", "stage": self.kind}])
        if self.outcome_of(self.stage_index) is not None:
            raise Conflict("this stage is already concluded", details=[{"field": "stage"}])
        unknown = sorted(set(outcome.advancing) - set(self.in_play))
        if unknown:
            raise Invalid("only ideas of this stage can advance", details=[{"field": "override.advancing", "idea_ids": unknown}])
        return self.model_copy(update={"outcomes": (*self.outcomes, outcome)})

    def outcome_of(self, stage_index: int) -> Outcome | None:
        return next((o for o in self.outcomes if o.stage_index == stage_index), None)

    @property
    def winners(self) -> tuple[str, ...]:
        return self.in_play if self.kind == "winners" else ()
