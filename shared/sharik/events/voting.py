"""Events of the voting service (topics voting.ballots and voting.votes)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sharik.events.base import Event, LocalizedText

BallotKind = Literal["single_choice", "approval", "ranked", "budget", "constituency"]


class BallotOption(BaseModel):
    model_config = ConfigDict(frozen=True)

    option_id: str
    label: LocalizedText


class BallotOpened(Event):
    """A ballot started accepting votes."""

    name = "BallotOpened"
    version = 1
    topic = "voting.ballots"
    subject_field = "ballot_id"

    ballot_id: str
    agency: str
    campaign_id: str | None = None
    kind: BallotKind
    question: LocalizedText
    options: tuple[BallotOption, ...]
    opens_at: datetime
    closes_at: datetime
    binding: bool = False
    """An election: its bulletin board publishes receipts and choices unlinked."""


class VoteCast(Event):
    """A vote is on the ballot's bulletin board. It never names the voter: only the
    ballot, the choice and a vote id unlinkable to the receipt. `cast_at` (and the
    envelope's time) is the minute the vote was announced, not the moment it was cast,
    and votes are announced in a random order: a binding ballot's only after it closes,
    a consultative ballot's as they are sealed, so nothing in the stream pairs a
    receipt with a choice by time or order."""

    name = "VoteCast"
    version = 1
    topic = "voting.votes"
    subject_field = "ballot_id"
    # A national ballot must spread over partitions, so votes are keyed by their own
    # id rather than the ballot's; tally consumers merge partial counts.
    key_field = "vote_id"

    ballot_id: str
    vote_id: str
    choice: tuple[str, ...] = Field(min_length=1)
    cast_at: datetime


class BallotClosed(Event):
    """A ballot stopped accepting votes."""

    name = "BallotClosed"
    version = 1
    topic = "voting.ballots"
    subject_field = "ballot_id"

    ballot_id: str
    agency: str
    closed_at: datetime
    votes_cast: int = Field(ge=0)


class OptionCount(BaseModel):
    model_config = ConfigDict(frozen=True)

    option_id: str
    label: LocalizedText
    votes: int = Field(ge=0)
    percent: float = Field(ge=0, le=100)


class RunoffRound(BaseModel):
    """One instant-runoff round: votes per continuing option, ballots exhausted so far."""

    model_config = ConfigDict(frozen=True)

    number: int = Field(ge=1)
    counts: dict[str, int]
    exhausted: int = Field(ge=0)
    eliminated: str | None = None
    tied_lowest: tuple[str, ...] = ()


class GovernorateTurnout(BaseModel):
    model_config = ConfigDict(frozen=True)

    governorate: str
    eligible: int | None = Field(default=None, ge=0)
    """Absent where the roll does not say (rules-mode ballots count no one in advance)."""
    voted: int = Field(ge=0)
    percent: float | None = Field(default=None, ge=0, le=100)


class Turnout(BaseModel):
    """How many voted, of how many could: overall and per governorate."""

    model_config = ConfigDict(frozen=True)

    eligible: int | None = Field(default=None, ge=0)
    """The roll's size; absent for ballots open to every citizen or decided by rules."""
    voted: int = Field(ge=0)
    percent: float | None = Field(default=None, ge=0, le=100)
    by_governorate: tuple[GovernorateTurnout, ...] = ()


class ConstituencyResult(BaseModel):
    """The result of one wilayat's race in a constituency election."""

    model_config = ConfigDict(frozen=True)

    wilayat: str
    governorate: str
    seats: int = Field(ge=1)
    counts: tuple[OptionCount, ...]
    total_votes: int = Field(ge=0)
    outcome: Literal["winner", "tie", "no_votes"]
    winners: tuple[str, ...]
    tied: tuple[str, ...] = ()
    """Candidates with equal votes competing for the seats left after `winners`."""


class BudgetProject(BaseModel):
    model_config = ConfigDict(frozen=True)

    project_id: str
    label: LocalizedText
    cost: int = Field(ge=0)
    votes: int = Field(ge=0)
    selected: bool


class BudgetOutcome(BaseModel):
    """What a participatory budget funds."""

    model_config = ConfigDict(frozen=True)

    total_budget: int = Field(ge=0)
    spent: int = Field(ge=0)
    selected: tuple[str, ...]
    """Funded project ids, in id order."""
    projects: tuple[BudgetProject, ...]


class ResultPublished(Event):
    """The final result of a closed ballot, counts per option."""

    name = "ResultPublished"
    version = 1
    topic = "voting.ballots"
    subject_field = "ballot_id"

    ballot_id: str
    agency: str
    question: LocalizedText
    counts: tuple[OptionCount, ...]
    total_votes: int = Field(ge=0)
    outcome: Literal["winner", "tie", "no_votes"]
    winners: tuple[str, ...]
    published_at: datetime
    board_head: str | None = None
    """SHA-256 committing the result to the ballot's bulletin board; `sharik-verify
    board --head` checks an export against it."""
    tied: tuple[str, ...] = ()
    """Approval ballots: options with equal votes competing for the seats left after `winners`."""
    rounds: tuple[RunoffRound, ...] = ()
    """Ranked ballots: every instant-runoff round, the last deciding (`counts` is that round)."""
    rule: str | None = None
    """The counting rule: `plurality`, `approval`, `instant-runoff`, or a budget's
    `greedy`, `mes` or `mes-greedy`."""
    turnout: Turnout | None = None
    constituencies: tuple[ConstituencyResult, ...] = ()
    """Constituency elections: one result per wilayat (`counts` then holds every candidate)."""
    budget: BudgetOutcome | None = None
    """Participatory budgets: the funded projects and the money spent."""
