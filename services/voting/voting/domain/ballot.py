"""A ballot: drafted by an agency, open for votes during its window, then counted and
closed with a published result (DOMAIN.md: e-voting and e-referendums)."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from sharik.errors import Conflict, Invalid
from voting.domain.board import ListSeal, board_head
from voting.domain.tally import Tally

BallotKind = Literal["single_choice"]
BallotState = Literal["draft", "open", "counting", "closed"]
"""`counting`: votes are no longer accepted and the result is being computed."""

MIN_OPTIONS, MAX_OPTIONS = 2, 20
OPTION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class BallotNotOpen(Conflict):
    code = "ballot_not_open"


class WindowClosed(Conflict):
    code = "window_closed"


class UnknownOption(Invalid):
    code = "unknown_option"


class AlreadyVoted(Conflict):
    code = "already_voted"


@dataclass(frozen=True)
class Text:
    ar: str
    en: str


@dataclass(frozen=True)
class Option:
    option_id: str
    label: Text


@dataclass(frozen=True)
class Ballot:
    ballot_id: str
    agency: str
    kind: BallotKind
    question: Text
    options: tuple[Option, ...]
    opens_at: datetime
    closes_at: datetime
    created_by: str
    created_at: datetime
    campaign_id: str | None = None
    show_preliminary: bool = False
    binding: bool = False
    """An election: its board publishes receipts and choices unlinked (domain/board.py)."""
    state: BallotState = "draft"
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    result: Tally | None = None
    published_at: datetime | None = None
    board: Mapping[str, ListSeal] | None = None
    """The sealed board's lists, fixed when the result is published."""
    version: int = 0

    @classmethod
    def draft(
        cls,
        *,
        ballot_id: str,
        agency: str,
        question: Text,
        options: Sequence[tuple[str | None, Text]],
        opens_at: datetime,
        closes_at: datetime,
        created_by: str,
        now: datetime,
        campaign_id: str | None = None,
        show_preliminary: bool = False,
        binding: bool = False,
    ) -> "Ballot":
        """A new single-choice draft; options without an id get one."""
        if closes_at <= opens_at:
            raise Invalid("closes_at must be after opens_at", details=[{"field": "closes_at"}])
        if closes_at <= now:
            raise Invalid("closes_at is in the past", details=[{"field": "closes_at"}])
        return cls(
            ballot_id=ballot_id,
            agency=agency,
            kind="single_choice",
            question=question,
            options=_options(options),
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=created_by,
            created_at=now,
            campaign_id=campaign_id,
            show_preliminary=show_preliminary,
            binding=binding,
        )

    def open(self, *, now: datetime) -> "Ballot":
        """Start accepting votes (from opens_at, until closes_at)."""
        if self.state != "draft":
            raise Conflict(f"ballot is already {self.state}")
        if self.closes_at <= now:
            raise Conflict("the ballot's window has already ended")
        return replace(self, state="open", opened_at=now)

    def check_vote(self, choice: str, *, now: datetime) -> None:
        """Raise unless `choice` may be cast now."""
        if self.state == "draft" or (self.state == "open" and now < self.opens_at):
            raise BallotNotOpen(f"the ballot is not open; voting starts at {self.opens_at.isoformat()}")
        if self.state != "open" or now >= self.closes_at:
            raise WindowClosed(f"voting closed at {(self.closed_at or self.closes_at).isoformat()}")
        if choice not in self.option_ids:
            raise UnknownOption(f"{choice!r} is not an option of this ballot", details=[{"field": "choice"}])

    def stop_voting(self, *, now: datetime) -> "Ballot":
        """Stop accepting votes so they can be counted; at closes_at or earlier by staff."""
        if self.state == "draft":
            raise BallotNotOpen("a draft ballot cannot be closed; it was never opened")
        if self.state == "closed":
            raise Conflict("ballot is already closed")
        if self.state == "counting":
            return self
        return replace(self, state="counting", closed_at=min(now, self.closes_at))

    def publish(self, votes: Mapping[str, int], *, board: Mapping[str, ListSeal], now: datetime) -> "Ballot":
        """Close the ballot with the result counted from `votes` per option, read from
        the sealed `board`."""
        if self.state != "counting":
            raise Conflict(f"ballot is {self.state}, not being counted")
        return replace(
            self, state="closed", result=Tally.of(self.option_ids, votes), published_at=now, board=dict(board)
        )

    def preliminary(self, votes: Mapping[str, int]) -> Tally:
        """The running count, for ballots that show one before they close."""
        if self.state == "draft" or not self.show_preliminary:
            raise Conflict("the result is published when the ballot closes")
        return Tally.of(self.option_ids, votes)

    def is_due(self, *, now: datetime) -> bool:
        """Open past its closing time, so the close job must close it."""
        return self.state == "open" and self.closes_at <= now

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.option_id for o in self.options)

    @property
    def is_public(self) -> bool:
        return self.state != "draft"

    @property
    def board_head(self) -> str | None:
        """The hash a published result commits the board to."""
        return board_head(self.ballot_id, self.board) if self.board is not None else None

    @property
    def shows_choices(self) -> bool:
        """Whether the board may show choices yet: once the result may be seen."""
        return self.state == "closed" or (self.show_preliminary and self.is_public)


def _options(given: Sequence[tuple[str | None, Text]]) -> tuple[Option, ...]:
    if not MIN_OPTIONS <= len(given) <= MAX_OPTIONS:
        raise Invalid(f"a ballot has {MIN_OPTIONS} to {MAX_OPTIONS} options", details=[{"field": "options"}])
    taken = {option_id for option_id, _ in given if option_id}
    for option_id in taken:
        if not OPTION_ID.match(option_id):
            raise Invalid(
                f"option id {option_id!r} must be 1-64 letters, digits, '-' or '_'", details=[{"field": "options"}]
            )
    if len(taken) != len([o for o, _ in given if o]):
        raise Invalid("option ids must be unique", details=[{"field": "options"}])
    for language in ("ar", "en"):
        labels = [getattr(label, language).strip() for _, label in given]
        if len(set(labels)) != len(labels):
            raise Invalid(f"option labels must be unique ({language})", details=[{"field": "options"}])
    generated = (f"option-{n}" for n in range(1, 2 * MAX_OPTIONS + 1) if f"option-{n}" not in taken)
    return tuple(Option(option_id=option_id or next(generated), label=label) for option_id, label in given)
