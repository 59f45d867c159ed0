"""Single-choice counting, with write-in "other" answers tallied as rows of their own so
the most requested one is visible (the 2024 forum: "Labour market and employment")."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from sharik_verify.text import normalize

Outcome = Literal["winner", "tie", "no_votes"]


@dataclass(frozen=True)
class WriteIn:
    """An answer typed into "other" instead of choosing one of the options."""

    text: str


SingleVote = str | WriteIn
"""An option id, or a write-in."""


@dataclass(frozen=True)
class OptionCount:
    option_id: str
    votes: int
    percent: float


@dataclass(frozen=True)
class WriteInCount:
    key: str
    """The normalised answer: spellings with the same key are one answer."""
    label: str
    """The spelling most voters used, shown to people."""
    votes: int
    percent: float


@dataclass(frozen=True)
class SingleResult:
    options: tuple[OptionCount, ...]
    """In ballot order."""
    write_ins: tuple[WriteInCount, ...]
    """Most votes first."""
    valid_votes: int
    invalid_votes: int
    """Write-ins left blank (nothing but spaces or punctuation)."""
    outcome: Outcome
    winners: tuple[str, ...]
    """The options with the most votes; write-ins do not win, nothing was prepared for them."""

    @property
    def top_write_ins(self) -> tuple[WriteInCount, ...]:
        """The most requested write-ins: one, or all that tie for most votes."""
        return tuple(w for w in self.write_ins if w.votes == self.write_ins[0].votes)


def count_single(option_ids: Sequence[str], votes: Iterable[SingleVote]) -> SingleResult:
    """Votes and shares of valid votes per option and per write-in answer, and who won."""
    if len(set(option_ids)) != len(option_ids):
        raise ValueError("option ids must be unique")
    chosen: Counter[str] = Counter()
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    invalid = 0
    for vote in votes:
        if isinstance(vote, WriteIn):
            if key := normalize(vote.text):
                spellings[key][" ".join(vote.text.split())] += 1
            else:
                invalid += 1
        elif vote in option_ids:
            chosen[vote] += 1
        else:
            raise ValueError(f"vote for unknown option '{vote}'")

    valid = sum(chosen.values()) + sum(c.total() for c in spellings.values())
    options = tuple(OptionCount(o, chosen[o], percent(chosen[o], valid)) for o in option_ids)
    write_ins = sorted(
        (WriteInCount(key, _label(c), c.total(), percent(c.total(), valid)) for key, c in spellings.items()),
        key=lambda w: (-w.votes, w.key),
    )
    most = max(chosen.values(), default=0)
    if most == 0:
        return SingleResult(options, tuple(write_ins), valid, invalid, "no_votes", ())
    winners = tuple(o.option_id for o in options if o.votes == most)
    return SingleResult(options, tuple(write_ins), valid, invalid, "winner" if len(winners) == 1 else "tie", winners)


def percent(part: int, whole: int) -> float:
    """`part` as a percentage of `whole`, to two decimals; 0 when there is no whole."""
    return round(100 * part / whole, 2) if whole else 0.0


def _label(spellings: Counter[str]) -> str:
    """The most used spelling; among equally used ones the first in text order, so the
    label does not depend on the order votes were read."""
    return min(spellings, key=lambda s: (-spellings[s], s))
