"""The KPI table of seed 002, per agency and half-year: target, actual (from events)
and gap for each indicator. Pure arithmetic, tested without a store."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sharik.errors import Invalid

INDICATORS = {
    "sessions_run": {
        "ar": "الاستبيانات وجلسات التشاور المنفذة",
        "en": "Surveys and consultation sessions run",
        "unit": "count",
    },
    "decisions_implemented_pct": {
        "ar": "القرارات المنفذة المبنية على مدخلات المواطنين",
        "en": "Decisions implemented that were based on citizens' input",
        "unit": "percent",
    },
    "results_published_pct": {
        "ar": "نتائج المشاركة المنشورة بعد التحليل",
        "en": "Participation results published after analysis",
        "unit": "percent",
    },
}


def half_year(period: str) -> tuple[datetime, datetime]:
    """[start, end) of `YYYY-H1` or `YYYY-H2`."""
    try:
        year, half = int(period[:4]), period[5:]
        # Years whose half-year bounds a datetime can hold.
        if len(period) != 7 or period[4] != "-" or half not in ("H1", "H2") or not 1 <= year <= 9998:
            raise ValueError
    except ValueError:
        raise Invalid("period is a half-year like 2026-H2", details=[{"field": "period"}]) from None
    if half == "H1":
        return datetime(year, 1, 1, tzinfo=UTC), datetime(year, 7, 1, tzinfo=UTC)
    return datetime(year, 7, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Actuals:
    """What the events of the half-year show."""

    sessions_run: int
    decisions: int
    decisions_done: int
    analysed: int
    analysed_reported: int


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def gap(target: float | None, actual: float | None) -> float | None:
    """How far the actual falls short of the target; 0 when met or exceeded."""
    if target is None or actual is None:
        return None
    return round(max(target - actual, 0), 1)


def kpi_rows(targets: dict[str, float] | None, actuals: Actuals) -> list[dict[str, Any]]:
    values = {
        "sessions_run": actuals.sessions_run,
        "decisions_implemented_pct": percent(actuals.decisions_done, actuals.decisions),
        "results_published_pct": percent(actuals.analysed_reported, actuals.analysed),
    }
    bases = {
        "sessions_run": None,
        "decisions_implemented_pct": {"done": actuals.decisions_done, "of": actuals.decisions},
        "results_published_pct": {"published": actuals.analysed_reported, "of": actuals.analysed},
    }
    rows = []
    for indicator, meta in INDICATORS.items():
        target = (targets or {}).get(indicator)
        rows.append(
            {
                "indicator": indicator,
                "label": {"ar": meta["ar"], "en": meta["en"]},
                "unit": meta["unit"],
                "target": target,
                "actual": values[indicator],
                "gap": gap(target, values[indicator]),
                "basis": bases[indicator],
            }
        )
    return rows
