"""Counting a ballot: votes per option, shares, and who won."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Outcome = Literal["winner", "tie", "no_votes"]


@dataclass(frozen=True)
class OptionTally:
    option_id: str
    votes: int
    percent: float


@dataclass(frozen=True)
class Tally:
    counts: tuple[OptionTally, ...]
    total_votes: int
    outcome: Outcome
    winners: tuple[str, ...]

    @classmethod
    def of(cls, option_ids: Sequence[str], votes: Mapping[str, int]) -> "Tally":
        """The tally of `votes` (per option id) over the ballot's options, in ballot order.

        Options nobody chose count zero; ids that are not options are not counted (a
        vote is validated against the options before it is stored)."""
        total = sum(votes.get(option_id, 0) for option_id in option_ids)
        counts = tuple(
            OptionTally(option_id=o, votes=votes.get(o, 0), percent=_percent(votes.get(o, 0), total))
            for o in option_ids
        )
        if total == 0:
            return cls(counts=counts, total_votes=0, outcome="no_votes", winners=())
        most = max(c.votes for c in counts)
        winners = tuple(c.option_id for c in counts if c.votes == most)
        return cls(
            counts=counts, total_votes=total, outcome="winner" if len(winners) == 1 else "tie", winners=winners
        )


def _percent(votes: int, total: int) -> float:
    return round(100 * votes / total, 2) if total else 0.0
