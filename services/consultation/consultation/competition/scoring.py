"""Jury scoring: a rubric of weighted criteria on a scale; a review's weighted total;
an idea's score as the mean of its reviews' totals, optionally after turning each
juror's totals into z-scores (so a harsh and a kind juror weigh alike); a ranking
that reports ties as ties. Everything here is recomputable from the stored reviews."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from math import sqrt

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sharik.errors import Invalid
from sharik.events import LocalizedText

PRECISION = 6
"""Scores are compared and shown rounded to this many decimals, so equal sums made
in a different order are the same score (and a tie)."""


class Criterion(BaseModel):
    model_config = ConfigDict(frozen=True)

    criterion_id: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    label: LocalizedText
    weight: float = Field(gt=0, le=100)


class Rubric(BaseModel):
    model_config = ConfigDict(frozen=True)

    criteria: tuple[Criterion, ...] = Field(min_length=1, max_length=20)
    scale_min: int = Field(default=1, ge=0)
    scale_max: int = Field(default=5, le=100)

    @model_validator(mode="after")
    def _coherent(self) -> "Rubric":
        if self.scale_max <= self.scale_min:
            raise ValueError("scale_max must be above scale_min")
        ids = [c.criterion_id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError("criterion ids must be distinct")
        return self

    def check(self, scores: Mapping[str, int]) -> None:
        """Every criterion scored once, on the scale; Invalid naming the criterion."""
        expected = {c.criterion_id for c in self.criteria}
        for criterion_id in sorted(set(scores) - expected):
            raise Invalid(f"no criterion {criterion_id!r} in the rubric", details=[{"field": f"scores.{criterion_id}"}])
        for criterion_id in sorted(expected - set(scores)):
            raise Invalid(f"criterion {criterion_id!r} is not scored", details=[{"field": f"scores.{criterion_id}"}])
        for criterion_id, score in scores.items():
            if not self.scale_min <= score <= self.scale_max:
                raise Invalid(
                    f"scores go from {self.scale_min} to {self.scale_max}",
                    details=[{"field": f"scores.{criterion_id}", "value": score}],
                )

    def weighted_total(self, scores: Mapping[str, int]) -> float:
        """The review's score on the rubric's scale: Σ weight·score / Σ weight."""
        weights = sum(c.weight for c in self.criteria)
        return round(sum(c.weight * scores[c.criterion_id] for c in self.criteria) / weights, PRECISION)


class ScoredReview(BaseModel):
    """One submitted review, as aggregation needs it."""

    model_config = ConfigDict(frozen=True)

    idea_id: str
    juror: str
    total: float


class Ranked(BaseModel):
    model_config = ConfigDict(frozen=True)

    idea_id: str
    score: float
    reviews: int
    rank: int
    """1 for the best; ideas with the same score share a rank (a tie)."""
    tied: bool


def normalised(reviews: Iterable[ScoredReview]) -> list[ScoredReview]:
    """Each juror's totals as z-scores over that juror's reviews (population standard
    deviation); a juror who gave everyone the same total, or reviewed one idea, has 0s."""
    reviews = list(reviews)
    by_juror: dict[str, list[float]] = defaultdict(list)
    for review in reviews:
        by_juror[review.juror].append(review.total)
    stats = {}
    for juror, totals in by_juror.items():
        mean = sum(totals) / len(totals)
        stats[juror] = (mean, sqrt(sum((t - mean) ** 2 for t in totals) / len(totals)))
    out = []
    for review in reviews:
        mean, deviation = stats[review.juror]
        z = 0.0 if deviation == 0 else (review.total - mean) / deviation
        out.append(review.model_copy(update={"total": round(z, PRECISION)}))
    return out


def rank(reviews: Iterable[ScoredReview], *, normalise: bool = False) -> list[Ranked]:
    """Ideas by their mean review total, best first; equal scores share a rank."""
    reviews = list(reviews)
    if normalise:
        reviews = normalised(reviews)
    totals: dict[str, list[float]] = defaultdict(list)
    for review in reviews:
        totals[review.idea_id].append(review.total)
    scores = {idea: round(sum(t) / len(t), PRECISION) for idea, t in totals.items()}
    ordered = sorted(scores, key=lambda idea: (-scores[idea], idea))
    counts: dict[float, int] = defaultdict(int)
    for score in scores.values():
        counts[score] += 1
    ranked, previous, position = [], None, 0
    for index, idea in enumerate(ordered, start=1):
        if scores[idea] != previous:
            position, previous = index, scores[idea]
        ranked.append(
            Ranked(idea_id=idea, score=scores[idea], reviews=len(totals[idea]), rank=position, tied=counts[scores[idea]] > 1)
        )
    return ranked


def top(ranked: list[Ranked], n: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ideas that advance (the best n) and, when a tie straddles the cut, the tied
    ideas a chair must decide between (then nothing advances on its own)."""
    if n >= len(ranked):
        return tuple(r.idea_id for r in ranked), ()
    cut = ranked[n - 1].score
    if ranked[n].score == cut:
        return tuple(r.idea_id for r in ranked if r.score > cut), tuple(r.idea_id for r in ranked if r.score == cut)
    return tuple(r.idea_id for r in ranked[:n]), ()
