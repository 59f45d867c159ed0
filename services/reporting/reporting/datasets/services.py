"""Service ratings: one dataset per agency, a row per government service with citizens'
ratings (overall and per dimension) and mystery shoppers' scores."""

from collections import defaultdict
from datetime import datetime
from typing import Any

from reporting.config import ReportingSettings
from reporting.datasets.table import Column, Source, Table, register
from reporting.projections.change import SERVICE_EVALUATIONS, SERVICE_RATINGS
from reporting.store import ReadModel

COLUMNS = (
    Column("service_code", "رمز الخدمة", "Service code"),
    Column("ratings", "عدد التقييمات", "Citizens' ratings", people=True),
    Column("average", "متوسط التقييم (1-5)", "Average rating (1-5)", per="ratings"),
    Column("dimensions", "المتوسط لكل جانب", "Average per dimension", per="ratings"),
    Column("evaluations", "عدد زيارات المتسوق الخفي", "Mystery-shopper evaluations"),
    Column("evaluation_score", "متوسط درجة المتسوق الخفي (0-100)", "Average mystery-shopper score (0-100)"),
)


async def service_ratings(read_model: ReadModel, settings: ReportingSettings) -> list[Table]:
    ratings: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    evaluations: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    async for rating in read_model[SERVICE_RATINGS].find({}).sort("_id", 1):
        ratings[rating["agency"]][rating["service_code"]].append(rating)
    async for evaluation in read_model[SERVICE_EVALUATIONS].find({}).sort("_id", 1):
        evaluations[evaluation["agency"]][evaluation["service_code"]].append(evaluation)
    return [_table(a, ratings[a], evaluations[a]) for a in sorted(set(ratings) | set(evaluations))]


def _table(agency: str, ratings: dict[str, list[dict]], evaluations: dict[str, list[dict]]) -> Table:
    times: list[datetime] = [r["rated_at"] for rs in ratings.values() for r in rs]
    times += [e["evaluated_at"] for es in evaluations.values() for e in es]
    return Table(
        dataset_id=f"service-ratings-{agency}",
        publisher=agency,
        title={"ar": "تقييمات الخدمات الحكومية", "en": "Government service ratings"},
        description={
            "ar": "تقييم المواطنين لكل خدمة من خدمات الجهة (إجمالاً ولكل جانب) ودرجات زيارات المتسوق الخفي.",
            "en": "Citizens' ratings of each of the agency's services (overall and per dimension) and the"
            " scores of mystery-shopper visits.",
        },
        keywords=({"ar": "تقييم الخدمات", "en": "service ratings"}, {"ar": "رضا", "en": "satisfaction"}),
        theme="GOVE",
        columns=COLUMNS,
        rows=[_row(code, ratings.get(code, []), evaluations.get(code, []))
              for code in sorted(set(ratings) | set(evaluations))],
        issued=min(times),
        modified=max(times),
        temporal=(min(times), max(times)),
    )


def _row(code: str, ratings: list[dict], evaluations: list[dict]) -> dict[str, Any]:
    dimensions: dict[str, list[int]] = defaultdict(list)
    for rating in ratings:
        for name, score in (rating.get("dimensions") or {}).items():
            dimensions[name].append(score)
    return {
        "service_code": code,
        "ratings": len(ratings),
        "average": _average([r["overall"] for r in ratings]),
        "dimensions": {name: _average(scores) for name, scores in sorted(dimensions.items())} or None,
        "evaluations": len(evaluations),
        "evaluation_score": _average([e["score"] for e in evaluations]),
    }


def _average(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


register(Source("service ratings", service_ratings))
