"""A decision the agency took on citizens' input, and its implementation over time
(the "apply" step): planned / in progress / done, with a percentage, each change kept."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from sharik.errors import Conflict, Invalid
from sharik.events import LocalizedText
from sharik.events.consultation import DecisionInput, DecisionStatus


class Progress(BaseModel):
    model_config = ConfigDict(frozen=True)

    sequence: int
    status: DecisionStatus
    progress: int = Field(ge=0, le=100)
    note: LocalizedText | None = None
    at: datetime


def first_progress(*, status: DecisionStatus, progress: int, at: datetime) -> Progress:
    """The state a decision is recorded in (sequence 0)."""
    check(status, progress)
    return Progress(sequence=0, status=status, progress=progress, at=at)


def check(status: DecisionStatus, progress: int) -> None:
    """A done decision is 100% implemented, a planned one 0%."""
    if status == "done" and progress != 100:
        raise Invalid("a done decision is 100% implemented", details=[{"field": "progress"}])
    if status == "planned" and progress != 0:
        raise Invalid("a planned decision is 0% implemented", details=[{"field": "progress"}])


class Decision(BaseModel):
    model_config = ConfigDict(frozen=True)

    decision_id: str
    text: LocalizedText
    inputs: tuple[DecisionInput, ...] = Field(min_length=1, max_length=50)
    history: tuple[Progress, ...] = Field(min_length=1)
    recorded_at: datetime

    @property
    def current(self) -> Progress:
        return self.history[-1]

    def progressed(self, *, status: DecisionStatus, progress: int, note: LocalizedText | None, at: datetime) -> "Decision":
        """The decision with one more step of progress; a done decision stays done."""
        if self.current.status == "done":
            raise Conflict("the decision is already done", details=[{"field": "status"}])
        if progress < self.current.progress:
            raise Conflict("progress does not go backwards", details=[{"field": "progress"}])
        check(status, progress)
        step = Progress(sequence=self.current.sequence + 1, status=status, progress=progress, note=note, at=at)
        return self.model_copy(update={"history": (*self.history, step)})
