"""A citizen's rating of a government service, and the summary of all its ratings.

Each citizen has one rating per service and may revise it: the summary then reflects
what people think now, and one person cannot outweigh others by rating again."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from feedback.domain.service import Channel, Service
from sharik.errors import Invalid

SCORES = range(1, 6)
COMMENT_MAX_CHARS = 1000


@dataclass(frozen=True)
class Scores:
    """What the citizen gave: overall, and any of the service's dimensions."""

    channel: Channel
    overall: int
    dimensions: Mapping[str, int]
    comment: str | None = None


@dataclass(frozen=True)
class ServiceRating:
    rating_id: str
    """Pseudonym of the citizen for this one service; the store never holds who they are."""
    service_code: str
    agency: str
    channel: Channel
    overall: int
    dimensions: Mapping[str, int]
    comment: str | None
    first_rated_at: datetime
    rated_at: datetime
    revision: int = 1
    """1 for the first rating, one more per revision; consumers keep the highest."""
    version: int = 0

    @classmethod
    def first(cls, service: Service, *, rating_id: str, scores: Scores, now: datetime) -> "ServiceRating":
        """The citizen's first rating of `service`."""
        checked = _checked(service, scores)
        return cls(
            rating_id=rating_id,
            service_code=service.service_code,
            agency=service.agency,
            channel=checked.channel,
            overall=checked.overall,
            dimensions=checked.dimensions,
            comment=checked.comment,
            first_rated_at=now,
            rated_at=now,
        )

    def revise(self, service: Service, *, scores: Scores, now: datetime) -> "ServiceRating":
        """The citizen replaces their rating; what they leave out is no longer rated."""
        checked = _checked(service, scores)
        return replace(
            self,
            channel=checked.channel,
            overall=checked.overall,
            dimensions=checked.dimensions,
            comment=checked.comment,
            rated_at=now,
            revision=self.revision + 1,
        )


def _checked(service: Service, scores: Scores) -> Scores:
    service.require_channel(scores.channel)
    if scores.overall not in SCORES:
        raise Invalid("the overall score is from 1 to 5", details=[{"field": "overall"}])
    for dimension, score in scores.dimensions.items():
        if dimension not in service.dimensions:
            known = ", ".join(service.dimensions)
            raise Invalid(
                f"{service.service_code} is not rated on {dimension} (dimensions: {known})",
                details=[{"field": f"dimensions.{dimension}"}],
            )
        if score not in SCORES:
            raise Invalid(f"the {dimension} score is from 1 to 5", details=[{"field": f"dimensions.{dimension}"}])
    comment = (scores.comment or "").strip() or None
    if comment is not None and len(comment) > COMMENT_MAX_CHARS:
        raise Invalid(f"the comment is longer than {COMMENT_MAX_CHARS} characters", details=[{"field": "comment"}])
    return replace(scores, dimensions=dict(scores.dimensions), comment=comment)


@dataclass(frozen=True)
class DimensionTotal:
    total: int
    count: int


@dataclass(frozen=True)
class RatingSummary:
    """Count, averages and the distribution of overall scores, from sums and counts."""

    count: int
    overall_average: float | None
    dimension_averages: dict[str, float | None]
    dimension_counts: dict[str, int]
    distribution: dict[int, int]

    @classmethod
    def of(
        cls, service: Service, *, overall_counts: Mapping[int, int], dimensions: Mapping[str, DimensionTotal]
    ) -> "RatingSummary":
        """Summarise from how many gave each overall score and each dimension's sum and count."""
        distribution = {score: overall_counts.get(score, 0) for score in SCORES}
        count = sum(distribution.values())
        total = sum(score * n for score, n in distribution.items())
        empty = DimensionTotal(total=0, count=0)
        per_dimension = {d: dimensions.get(d, empty) for d in service.dimensions}
        return cls(
            count=count,
            overall_average=_average(total, count),
            dimension_averages={d: _average(t.total, t.count) for d, t in per_dimension.items()},
            dimension_counts={d: t.count for d, t in per_dimension.items()},
            distribution=distribution,
        )


def _average(total: int, count: int) -> float | None:
    return round(total / count, 2) if count else None
