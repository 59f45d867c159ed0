"""Counting a ballot: votes per option, shares, and who won, by the rule of the ballot's
kind (voting/counting/), from the choices as stored and as the board lists them.

A choice is a tuple of strings: `(option_id,)` for a single choice, `(WRITE_IN, text)`
for a write-in, the selected option ids (ballot order) for approval, the ranking (most
preferred first) for ranked. WRITE_IN cannot be an option id (ids are letters, digits,
'-' and '_'), so a write-in never reads as an option."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any, Literal

from voting.counting.approval import count_approval
from voting.counting.ranked import count_ranked
from voting.counting.single import WriteIn, count_single, percent

BallotKind = Literal["single_choice", "approval", "ranked"]
Outcome = Literal["winner", "tie", "no_votes"]
Choice = tuple[str, ...]

WRITE_IN = "*write-in"


@dataclass(frozen=True)
class OptionTally:
    option_id: str
    votes: int
    percent: float


@dataclass(frozen=True)
class WriteInTally:
    key: str
    """The normalised answer: spellings with the same key are one answer."""
    label: str
    """The spelling most voters used."""
    votes: int
    percent: float


@dataclass(frozen=True)
class RoundTally:
    """One instant-runoff round."""

    number: int
    counts: dict[str, int]
    exhausted: int
    eliminated: str | None
    tied_lowest: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tally:
    counts: tuple[OptionTally, ...]
    """Single and approval: every option in ballot order. Ranked: the final round."""
    total_votes: int
    outcome: Outcome
    winners: tuple[str, ...]
    write_ins: tuple[WriteInTally, ...] = ()
    """Single choice with write-ins: each answer, most votes first; they never win."""
    rounds: tuple[RoundTally, ...] = ()
    """Ranked: every round, the last deciding."""
    tied: tuple[str, ...] = ()
    """Approval tie: the options with equal votes competing for the seats left after `winners`."""

    def record(self) -> dict[str, Any]:
        """The result as plain data, as the board export publishes it and the verifier recomputes it."""
        return {
            "counts": [{"option_id": c.option_id, "votes": c.votes, "percent": c.percent} for c in self.counts],
            "total_votes": self.total_votes,
            "outcome": self.outcome,
            "winners": list(self.winners),
            "tied": list(self.tied),
            "write_ins": [
                {"key": w.key, "label": w.label, "votes": w.votes, "percent": w.percent} for w in self.write_ins
            ],
            "rounds": [
                {
                    "number": r.number,
                    "counts": dict(r.counts),
                    "exhausted": r.exhausted,
                    "eliminated": r.eliminated,
                    "tied_lowest": list(r.tied_lowest),
                }
                for r in self.rounds
            ],
        }

    @classmethod
    def of(cls, option_ids: Sequence[str], votes: Mapping[str, int]) -> "Tally":
        """The single-choice tally of `votes` per option id; ids that are not options are not counted."""
        return count("single_choice", option_ids, {(o,): n for o, n in votes.items() if o in option_ids})


def count(
    kind: BallotKind,
    option_ids: Sequence[str],
    cast: Mapping[Choice, int],
    *,
    allow_write_in: bool = False,
    seats: int = 1,
    min_selections: int = 1,
    max_selections: int | None = None,
) -> Tally:
    """The tally of `cast` (how many chose each distinct choice) by the rule of `kind`;
    ValueError when a choice is not one this kind of ballot can hold."""
    ballots = chain.from_iterable(repeat(tuple(choice), n) for choice, n in cast.items())
    if kind == "single_choice":
        return _single(option_ids, ballots, allow_write_in)
    if kind == "approval":
        return _approval(option_ids, ballots, seats, min_selections, max_selections)
    if kind == "ranked":
        return _ranked(option_ids, ballots)
    raise ValueError(f"unknown ballot kind {kind!r}")


def _single(option_ids: Sequence[str], ballots: Iterable[Choice], allow_write_in: bool) -> Tally:
    result = count_single(option_ids, (_single_vote(choice, allow_write_in) for choice in ballots))
    return Tally(
        counts=tuple(OptionTally(o.option_id, o.votes, o.percent) for o in result.options),
        total_votes=result.valid_votes,
        outcome=result.outcome,
        winners=result.winners,
        write_ins=tuple(WriteInTally(w.key, w.label, w.votes, w.percent) for w in result.write_ins),
    )


def _single_vote(choice: Choice, allow_write_in: bool) -> str | WriteIn:
    if len(choice) == 2 and choice[0] == WRITE_IN:
        if not allow_write_in:
            raise ValueError("a write-in on a ballot that takes none")
        return WriteIn(choice[1])
    if len(choice) != 1:
        raise ValueError(f"a single choice holds one option or a write-in, not {list(choice)}")
    return choice[0]


def _approval(
    option_ids: Sequence[str], ballots: Iterable[Choice], seats: int, least: int, most: int | None
) -> Tally:
    result = count_approval(option_ids, ballots, seats, least, most)
    return Tally(
        counts=tuple(OptionTally(o.option_id, o.votes, o.percent) for o in result.options),
        total_votes=result.ballots,
        # The catalog's outcome names one result: "winner" is the full set of seats filled.
        outcome="winner" if result.outcome == "winners" else result.outcome,
        winners=result.winners,
        tied=result.tied,
    )


def _ranked(option_ids: Sequence[str], ballots: Iterable[Choice]) -> Tally:
    result = count_ranked(option_ids, ballots)
    rounds = tuple(
        RoundTally(r.number, dict(r.counts), r.exhausted, r.eliminated, r.tied_lowest) for r in result.rounds
    )
    final = rounds[-1].counts if rounds else dict.fromkeys(option_ids, 0)
    continuing = sum(final.values())
    return Tally(
        counts=tuple(OptionTally(o, n, percent(n, continuing)) for o, n in final.items()),
        total_votes=result.ballots,
        outcome=result.outcome,
        winners=result.winners,
        rounds=rounds,
    )
