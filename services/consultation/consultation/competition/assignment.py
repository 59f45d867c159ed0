"""Assigning ideas to jurors: each idea gets `k` reviews from distinct jurors, never
from a juror who declared a conflict with it, and no juror carries more than needed.

It is a flow problem (idea → juror edges where there is no conflict, each idea
needing k units, each juror taking at most `load`); the smallest feasible `load`
is the most balanced assignment. Ideas and jurors are taken in sorted order so
the same inputs always give the same assignment."""

from collections.abc import Iterable, Mapping
from math import ceil

from sharik.errors import Invalid


def assign(
    ideas: Iterable[str], jurors: Iterable[str], *, k: int, conflicts: Mapping[str, Iterable[str]]
) -> dict[str, tuple[str, ...]]:
    """Idea id → its k jurors (sorted); Invalid naming the ideas that cannot get k."""
    ideas, jurors = sorted(set(ideas)), sorted(set(jurors))
    if not ideas:
        return {}
    if k < 1:
        raise Invalid("each idea needs at least one review", details=[{"field": "reviews_per_idea"}])
    barred = {juror: set(conflicts.get(juror, ())) for juror in jurors}
    eligible = {idea: [j for j in jurors if idea not in barred[j]] for idea in ideas}
    short = [idea for idea in ideas if len(eligible[idea]) < k]
    if short:
        raise Invalid(
            f"{len(short)} idea(s) have fewer than {k} jurors without a conflict",
            details=[{"field": "reviews_per_idea", "idea_id": idea, "jurors_available": len(eligible[idea])} for idea in short],
        )
    for load in range(ceil(len(ideas) * k / len(jurors)), len(ideas) + 1):
        found = _flow(eligible, k=k, load=load)
        if found is not None:
            return {idea: tuple(sorted(found[idea])) for idea in ideas}
    raise Invalid(  # pragma: no cover - unreachable: load = len(ideas) is feasible once no idea is short
        "no assignment gives every idea its reviews", details=[{"field": "reviews_per_idea"}]
    )


def _flow(eligible: dict[str, list[str]], *, k: int, load: int) -> dict[str, set[str]] | None:
    """Augmenting paths on the bipartite graph; None when some idea stays short."""
    of_idea: dict[str, set[str]] = {idea: set() for idea in eligible}
    of_juror: dict[str, set[str]] = {}
    for idea in eligible:
        for _ in range(k):
            if not _augment(idea, eligible, of_idea, of_juror, load=load, seen=set()):
                return None
    return of_idea


def _augment(idea, eligible, of_idea, of_juror, *, load: int, seen: set[str]) -> bool:
    """Give `idea` one more juror, moving other ideas' reviews along a path if needed."""
    candidates = sorted(
        (j for j in eligible[idea] if j not in of_idea[idea] and j not in seen), key=lambda j: len(of_juror.get(j, ()))
    )
    for juror in candidates:
        seen.add(juror)
        taken = of_juror.setdefault(juror, set())
        if len(taken) < load:
            taken.add(idea)
            of_idea[idea].add(juror)
            return True
        # The juror is full: free a place by moving one of their ideas to someone else.
        for other in sorted(taken):
            if other != idea and _augment(other, eligible, of_idea, of_juror, load=load, seen=seen):
                of_idea[other].discard(juror)
                taken.discard(other)
                taken.add(idea)
                of_idea[idea].add(juror)
                return True
    return False
