"""Multiple choice (approval) counting: each voter picks between a minimum and a maximum
number of options, and the `seats` options with most votes win."""

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from sharik_verify.counting.single import OptionCount, percent

Outcome = Literal["winners", "tie", "no_votes"]


@dataclass(frozen=True)
class ApprovalResult:
    options: tuple[OptionCount, ...]
    """In ballot order; percent is the share of ballots that chose the option."""
    ballots: int
    outcome: Outcome
    winners: tuple[str, ...]
    """Options certain to be among the top `seats`, in ballot order."""
    tied: tuple[str, ...]
    """On a tie: options with equal votes competing for the seats left after `winners`."""


def check_selection(
    selection: Sequence[str], option_ids: Collection[str], min_selections: int, max_selections: int
) -> None:
    """Raise ValueError naming the rule a voter's selection breaks."""
    if unknown := [o for o in selection if o not in option_ids]:
        raise ValueError(f"unknown options: {', '.join(unknown)}")
    if len(set(selection)) != len(selection):
        raise ValueError("each option may be chosen only once")
    if len(selection) < min_selections:
        raise ValueError(f"choose at least {min_selections} options, {len(selection)} chosen")
    if len(selection) > max_selections:
        raise ValueError(f"choose at most {max_selections} options, {len(selection)} chosen")


def count_approval(
    option_ids: Sequence[str],
    ballots: Iterable[Sequence[str]],
    seats: int,
    min_selections: int = 1,
    max_selections: int | None = None,
) -> ApprovalResult:
    """Votes per option and the `seats` options most chosen; a tie at the last seat is
    declared, not broken. Options nobody chose never win."""
    if len(set(option_ids)) != len(option_ids):
        raise ValueError("option ids must be unique")
    if not 1 <= seats <= len(option_ids):
        raise ValueError(f"seats must be between 1 and {len(option_ids)}, got {seats}")
    most_allowed = len(option_ids) if max_selections is None else max_selections
    if not 0 <= min_selections <= most_allowed:
        raise ValueError(f"min_selections {min_selections} must be between 0 and max_selections {most_allowed}")

    chosen: Counter[str] = Counter()
    voters = 0
    for number, selection in enumerate(ballots, start=1):
        try:
            check_selection(selection, option_ids, min_selections, most_allowed)
        except ValueError as broken:
            raise ValueError(f"ballot {number}: {broken}") from None
        chosen.update(selection)
        voters += 1

    options = tuple(OptionCount(o, chosen[o], percent(chosen[o], voters)) for o in option_ids)
    counts = sorted((c for c in chosen.values() if c > 0), reverse=True)
    if not counts:
        return ApprovalResult(options, voters, "no_votes", (), ())
    if len(counts) <= seats:
        return ApprovalResult(options, voters, "winners", tuple(o.option_id for o in options if o.votes > 0), ())
    # The last seat goes at `cutoff` votes; a tie straddles the cut if the next option has as many.
    cutoff = counts[seats - 1]
    if counts[seats] < cutoff:
        return ApprovalResult(options, voters, "winners", tuple(o.option_id for o in options if o.votes >= cutoff), ())
    winners = tuple(o.option_id for o in options if o.votes > cutoff)
    tied = tuple(o.option_id for o in options if o.votes == cutoff)
    return ApprovalResult(options, voters, "tie", winners, tied)
