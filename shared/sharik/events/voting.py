"""Events of the voting service (topics voting.ballots and voting.votes)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sharik.events.base import Event, LocalizedText

BallotKind = Literal["single_choice", "approval", "ranked"]


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
    """A vote was recorded. It never names the voter: only the ballot, the choice and
    an unlinkable vote id (the voter's receipt is derived from it)."""

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
