"""Instant-runoff voting: each round counts every ballot for its highest-ranked option
still in the race; an option with more than half of those ballots wins, otherwise the
weakest is eliminated and its ballots move on.

Elimination ties are broken so that anyone can repeat them: among the tied-lowest, the
option with fewest first-round votes goes, and if that ties too, the greatest option id.
The round records the tie. When every option left has the same votes, the count stops
and declares a tie rather than eliminating by a rule that says nothing about voters."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Outcome = Literal["winner", "tie", "no_votes"]


@dataclass(frozen=True)
class Round:
    number: int
    counts: dict[str, int]
    """Votes per option still in the race, in ballot order."""
    exhausted: int
    """Ballots ranking no option still in the race (so far, in total)."""
    eliminated: str | None
    """None in the last round."""
    tied_lowest: tuple[str, ...]
    """The options tied for fewest votes when the tie-break chose `eliminated`; else empty."""

    @property
    def continuing_ballots(self) -> int:
        """Ballots still counting for an option."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class RankedResult:
    rounds: tuple[Round, ...]
    ballots: int
    outcome: Outcome
    winners: tuple[str, ...]


def count_ranked(option_ids: Sequence[str], ballots: Iterable[Sequence[str]]) -> RankedResult:
    """Count ranked ballots (most preferred first, any number ranked) round by round."""
    if len(set(option_ids)) != len(option_ids):
        raise ValueError("option ids must be unique")
    rankings = [_checked(number, ranking, option_ids) for number, ranking in enumerate(ballots, start=1)]
    if not any(rankings):
        return RankedResult((), len(rankings), "no_votes", ())

    continuing = list(option_ids)
    first_round: dict[str, int] = {}
    rounds: list[Round] = []
    while True:
        counts = dict.fromkeys(continuing, 0)
        for ranking in rankings:
            if (top := next((o for o in ranking if o in counts), None)) is not None:
                counts[top] += 1
        first_round = first_round or counts
        exhausted = len(rankings) - sum(counts.values())
        leader = max(counts, key=lambda o: counts[o])
        if 2 * counts[leader] > sum(counts.values()):
            rounds.append(Round(len(rounds) + 1, counts, exhausted, None, ()))
            return RankedResult(tuple(rounds), len(rankings), "winner", (leader,))
        fewest = min(counts.values())
        if fewest == counts[leader]:
            rounds.append(Round(len(rounds) + 1, counts, exhausted, None, ()))
            return RankedResult(tuple(rounds), len(rankings), "tie", tuple(continuing))
        lowest = [o for o in continuing if counts[o] == fewest]
        eliminated = max(lowest, key=lambda o: (-first_round[o], o))
        rounds.append(Round(len(rounds) + 1, counts, exhausted, eliminated, tuple(lowest) if len(lowest) > 1 else ()))
        continuing.remove(eliminated)


def _checked(number: int, ranking: Sequence[str], option_ids: Sequence[str]) -> tuple[str, ...]:
    """The ranking, or ValueError naming the ballot and what is wrong with it."""
    if unknown := [o for o in ranking if o not in option_ids]:
        raise ValueError(f"ballot {number}: unknown options: {', '.join(unknown)}")
    if len(set(ranking)) != len(ranking):
        raise ValueError(f"ballot {number}: an option is ranked twice")
    return tuple(ranking)
