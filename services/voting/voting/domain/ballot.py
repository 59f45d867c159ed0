"""A ballot: drafted by an agency, open for votes during its window, then counted and
closed with a published result (DOMAIN.md: e-voting and e-referendums)."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from sharik.errors import Conflict, Invalid
from sharik.text import normalize
from voting.counting.approval import check_selection
from voting.domain.board import ListSeal, board_head
from voting.domain.eligibility import Eligibility
from voting.domain.tally import WRITE_IN, BallotKind, Choice, Tally, count

BallotState = Literal["draft", "open", "counting", "closed"]
"""`counting`: votes are no longer accepted and the result is being computed."""

MIN_OPTIONS, MAX_OPTIONS = 2, 20
MAX_WRITE_IN = 200
OPTION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class BallotNotOpen(Conflict):
    code = "ballot_not_open"


class WindowClosed(Conflict):
    code = "window_closed"


class UnknownOption(Invalid):
    code = "unknown_option"


class InvalidSelection(Invalid):
    code = "invalid_selection"


class AlreadyVoted(Conflict):
    code = "already_voted"


class RollFrozen(Conflict):
    code = "roll_frozen"


@dataclass(frozen=True)
class Marked:
    """What a voter marked, in the shape of the ballot's kind: `choice` or `write_in`
    (single choice), `choices` (approval) or `ranking` (ranked)."""

    choice: str | None = None
    write_in: str | None = None
    choices: tuple[str, ...] | None = None
    ranking: tuple[str, ...] | None = None


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
    allow_write_in: bool = False
    """Single choice: a voter may type an answer of their own instead of an option."""
    min_selections: int = 1
    max_selections: int | None = None
    """Approval: how many options a voter selects (None: up to all)."""
    seats: int = 1
    """Approval: how many options win."""
    eligibility: Eligibility = Eligibility()
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
        kind: BallotKind = "single_choice",
        allow_write_in: bool = False,
        min_selections: int | None = None,
        max_selections: int | None = None,
        seats: int | None = None,
        eligibility: Eligibility = Eligibility(),
    ) -> "Ballot":
        """A new draft; options without an id get one."""
        if closes_at <= opens_at:
            raise Invalid("closes_at must be after opens_at", details=[{"field": "closes_at"}])
        if closes_at <= now:
            raise Invalid("closes_at is in the past", details=[{"field": "closes_at"}])
        _check_kind_fields(kind, allow_write_in=allow_write_in, approval=(min_selections, max_selections, seats))
        chosen = _options(options)
        least, most = _selection_limits(kind, min_selections, max_selections, seats, len(chosen))
        return cls(
            ballot_id=ballot_id,
            agency=agency,
            kind=kind,
            question=question,
            options=chosen,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=created_by,
            created_at=now,
            campaign_id=campaign_id,
            show_preliminary=show_preliminary,
            binding=binding,
            allow_write_in=allow_write_in,
            min_selections=least,
            max_selections=most,
            seats=seats or 1,
            eligibility=eligibility,
        )

    def open(self, *, now: datetime) -> "Ballot":
        """Start accepting votes (from opens_at, until closes_at)."""
        if self.state != "draft":
            raise Conflict(f"ballot is already {self.state}")
        if self.closes_at <= now:
            raise Conflict("the ballot's window has already ended")
        return replace(self, state="open", opened_at=now)

    def check_roll_editable(self) -> None:
        """Raise unless the roll may still change: it freezes when the ballot opens."""
        if self.eligibility.mode != "roll":
            raise Conflict("this ballot has no electoral roll (eligibility mode is not `roll`)")
        if self.state != "draft":
            raise RollFrozen(f"the roll is frozen: the ballot is {self.state}")

    def check_vote(self, marked: str | Marked, *, now: datetime) -> Choice:
        """The choice to store for what the voter `marked` (an option id is a single
        choice); raise unless it may be cast now."""
        if self.state == "draft" or (self.state == "open" and now < self.opens_at):
            raise BallotNotOpen(f"the ballot is not open; voting starts at {self.opens_at.isoformat()}")
        if self.state != "open" or now >= self.closes_at:
            raise WindowClosed(f"voting closed at {(self.closed_at or self.closes_at).isoformat()}")
        marked = Marked(choice=marked) if isinstance(marked, str) else marked
        if self.kind == "approval":
            return self._approval_choice(marked)
        if self.kind == "ranked":
            return self._ranking(marked)
        return self._single_choice(marked)

    def _single_choice(self, marked: Marked) -> Choice:
        _only(marked, *(("choice", "write_in") if self.allow_write_in else ("choice",)))
        if marked.write_in is not None:
            text = " ".join(marked.write_in.split())
            if not normalize(text) or len(text) > MAX_WRITE_IN:
                raise Invalid(f"write your answer in 1 to {MAX_WRITE_IN} characters", details=[{"field": "write_in"}])
            return (WRITE_IN, text)
        if marked.choice not in self.option_ids:
            raise UnknownOption(f"{marked.choice!r} is not an option of this ballot", details=[{"field": "choice"}])
        return (marked.choice,)

    def _approval_choice(self, marked: Marked) -> Choice:
        _only(marked, "choices")
        assert marked.choices is not None
        try:
            check_selection(marked.choices, self.option_ids, self.min_selections, self.most_selections)
        except ValueError as broken:
            raise InvalidSelection(str(broken), details=[{"field": "choices"}]) from None
        # Stored in ballot order: the order of selection means nothing, and fewer
        # distinct choices count faster.
        return tuple(o for o in self.option_ids if o in marked.choices)

    def _ranking(self, marked: Marked) -> Choice:
        _only(marked, "ranking")
        assert marked.ranking is not None
        if unknown := [o for o in marked.ranking if o not in self.option_ids]:
            raise UnknownOption(f"not options of this ballot: {', '.join(unknown)}", details=[{"field": "ranking"}])
        if not marked.ranking or len(set(marked.ranking)) != len(marked.ranking):
            raise InvalidSelection("rank at least one option, each at most once", details=[{"field": "ranking"}])
        return tuple(marked.ranking)

    def stop_voting(self, *, now: datetime) -> "Ballot":
        """Stop accepting votes so they can be counted; at closes_at or earlier by staff."""
        if self.state == "draft":
            raise BallotNotOpen("a draft ballot cannot be closed; it was never opened")
        if self.state == "closed":
            raise Conflict("ballot is already closed")
        if self.state == "counting":
            return self
        return replace(self, state="counting", closed_at=min(now, self.closes_at))

    def publish(self, cast: Mapping[Choice | str, int], *, board: Mapping[str, ListSeal], now: datetime) -> "Ballot":
        """Close the ballot with the result counted from `cast` (how many chose each
        choice; an option id stands for itself chosen alone), read from the sealed `board`."""
        if self.state != "counting":
            raise Conflict(f"ballot is {self.state}, not being counted")
        return replace(self, state="closed", result=self.tally(cast), published_at=now, board=dict(board))

    def preliminary(self, cast: Mapping[Choice | str, int]) -> Tally:
        """The running count, for ballots that show one before they close."""
        if self.state == "draft" or not self.show_preliminary:
            raise Conflict("the result is published when the ballot closes")
        return self.tally(cast)

    def tally(self, cast: Mapping[Choice | str, int]) -> Tally:
        """`cast` counted by the rule of the ballot's kind."""
        choices = {(c,) if isinstance(c, str) else tuple(c): n for c, n in cast.items()}
        return count(
            self.kind,
            self.option_ids,
            choices,
            allow_write_in=self.allow_write_in,
            seats=self.seats,
            min_selections=self.min_selections,
            max_selections=self.most_selections,
        )

    def is_due(self, *, now: datetime) -> bool:
        """Open past its closing time, so the close job must close it."""
        return self.state == "open" and self.closes_at <= now

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.option_id for o in self.options)

    @property
    def most_selections(self) -> int:
        return self.max_selections if self.max_selections is not None else len(self.options)

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


def _only(marked: Marked, *fields: str) -> None:
    """Raise unless exactly one of `fields`, and nothing else, is marked."""
    given = [f for f in ("choice", "write_in", "choices", "ranking") if getattr(marked, f) is not None]
    if len(given) != 1 or given[0] not in fields:
        shape = " or ".join(f"`{f}`" for f in fields)
        raise Invalid(f"a vote in this ballot gives {shape}", details=[{"field": f} for f in given or fields])


def _check_kind_fields(kind: BallotKind, *, allow_write_in: bool, approval: tuple[int | None, ...]) -> None:
    if allow_write_in and kind != "single_choice":
        raise Invalid("only a single-choice ballot takes write-ins", details=[{"field": "allow_write_in"}])
    if kind != "approval" and any(v is not None for v in approval):
        raise Invalid(
            "min_selections, max_selections and seats are for approval ballots", details=[{"field": "kind"}]
        )


def _selection_limits(
    kind: BallotKind, least: int | None, most: int | None, seats: int | None, options: int
) -> tuple[int, int | None]:
    """An approval ballot's (min, max) selections, checked against its options and seats."""
    if kind != "approval":
        return 1, None
    least = 1 if least is None else least
    # At least one: a vote with nothing selected is not a vote (VoteCast needs a choice).
    if not 1 <= least <= (options if most is None else most) <= options:
        raise Invalid(
            f"1 <= min_selections <= max_selections <= {options} (the options)", details=[{"field": "min_selections"}]
        )
    if seats is not None and not 1 <= seats <= options:
        raise Invalid(f"seats must be 1 to {options}", details=[{"field": "seats"}])
    return least, most
