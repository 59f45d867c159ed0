"""Turnout: how many voted of how many could, overall and per governorate.

Counted from the voter marks (who voted, with the voter's governorate) and the roll;
never from the votes, which carry no place."""

from collections.abc import Mapping
from dataclasses import dataclass

from sharik_verify.counting.single import percent


@dataclass(frozen=True)
class GovernorateTurnout:
    governorate: str
    eligible: int | None
    voted: int
    percent: float | None


@dataclass(frozen=True)
class Turnout:
    eligible: int | None
    """The roll's size where the ballot has a roll; None where no one is counted in advance."""
    voted: int
    percent: float | None
    by_governorate: tuple[GovernorateTurnout, ...] = ()


def count_turnout(
    voted: Mapping[str | None, int],
    *,
    eligible: int | None,
    eligible_by_governorate: Mapping[str, int] | None = None,
) -> Turnout:
    """Turnout from voter marks per governorate (None: a voter of no known governorate)
    and, where known, the eligible voters overall and per governorate."""
    by_place = eligible_by_governorate or {}
    governorates = sorted({g for g in voted if g is not None} | set(by_place))
    total = sum(voted.values())
    return Turnout(
        eligible=eligible,
        voted=total,
        percent=percent(total, eligible) if eligible is not None else None,
        by_governorate=tuple(
            GovernorateTurnout(
                governorate=g,
                eligible=by_place.get(g) if eligible_by_governorate is not None else None,
                voted=voted.get(g, 0),
                percent=percent(voted.get(g, 0), by_place[g]) if g in by_place else None,
            )
            for g in governorates
        ),
    )
