"""Complaint volumes: one dataset per agency, a row per month, category and governorate
with how many were filed, how the SLA deadlines went and how reporters rated the
handling. Months are those of filing (UTC)."""

from collections import defaultdict
from datetime import datetime
from typing import Any

from reporting.config import ReportingSettings
from reporting.datasets.table import Column, Source, Table, register
from reporting.projections.change import COMPLAINTS
from reporting.store import ReadModel

COLUMNS = (
    Column("month", "الشهر", "Month"),
    Column("category", "الفئة", "Category"),
    Column("governorate", "المحافظة", "Governorate"),
    Column("filed", "عدد البلاغات المقدمة", "Complaints filed", people=True),
    Column("acknowledge_met", "الإقرار ضمن المهلة", "Acknowledged within the SLA"),
    Column("acknowledge_missed", "الإقرار بعد المهلة", "Acknowledge deadline missed"),
    Column("resolve_met", "الحل ضمن المهلة", "Resolved within the SLA"),
    Column("resolve_missed", "الحل بعد المهلة", "Resolve deadline missed"),
    Column("sla_percent", "نسبة الالتزام بمستوى الخدمة", "SLA compliance percent", per="filed"),
    Column("rated", "عدد التقييمات", "Ratings of the handling", people=True),
    Column("satisfaction", "متوسط الرضا (1-5)", "Average satisfaction (1-5)", per="rated"),
)
FIELDS = {"agency": 1, "category": 1, "governorate": 1, "filed_at": 1, "acknowledged_at": 1, "resolved_at": 1,
          "acknowledge_missed": 1, "resolve_missed": 1, "rated_score": 1, "rated_at": 1, "status_changed_at": 1}


async def complaint_volumes(read_model: ReadModel, settings: ReportingSettings) -> list[Table]:
    agencies: dict[str, list[dict[str, Any]]] = defaultdict(list)
    # A complaint seeded by a later event before its filing arrived has no month yet.
    async for complaint in read_model[COMPLAINTS].find({"filed_at": {"$exists": True}}, FIELDS).sort("_id", 1):
        agencies[complaint["agency"]].append(complaint)
    return [_table(agency, agencies[agency]) for agency in sorted(agencies)]


def _table(agency: str, complaints: list[dict[str, Any]]) -> Table:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for complaint in complaints:
        groups[(complaint["filed_at"].strftime("%Y-%m"), complaint["category"], complaint.get("governorate") or "")]\
            .append(complaint)
    times = [t for c in complaints for t in _times(c)]
    filed = [c["filed_at"] for c in complaints]
    return Table(
        dataset_id=f"complaint-volumes-{agency}",
        publisher=agency,
        title={"ar": "أعداد البلاغات حسب الشهر والفئة والمحافظة", "en": "Complaint volumes by month, category and governorate"},
        description={
            "ar": "البلاغات المقدمة إلى الجهة كل شهر حسب الفئة والمحافظة، مع الالتزام بمهل مستوى الخدمة ورضا المبلغين.",
            "en": "Complaints filed with the agency each month by category and governorate, with compliance with"
            " the service-level deadlines and reporters' satisfaction with the handling.",
        },
        keywords=({"ar": "بلاغات", "en": "complaints"}, {"ar": "مستوى الخدمة", "en": "service level"},
                  {"ar": "رضا", "en": "satisfaction"}),
        theme="GOVE",
        columns=COLUMNS,
        rows=[_row(key, groups[key]) for key in sorted(groups)],
        issued=min(filed),
        modified=max(times),
        temporal=(min(filed), max(filed)),
    )


def _row(key: tuple[str, str, str], complaints: list[dict[str, Any]]) -> dict[str, Any]:
    month, category, governorate = key
    counts = {
        f"{target}_{outcome}": sum(1 for c in complaints if _outcome(c, target) == outcome)
        for target in ("acknowledge", "resolve") for outcome in ("met", "missed")
    }
    judged = sum(counts.values())
    met = counts["acknowledge_met"] + counts["resolve_met"]
    scores = [c["rated_score"] for c in complaints if "rated_score" in c]
    return {
        "month": month,
        "category": category,
        "governorate": governorate,
        "filed": len(complaints),
        **counts,
        "sla_percent": round(100 * met / judged, 1) if judged else None,
        "rated": len(scores),
        "satisfaction": round(sum(scores) / len(scores), 2) if scores else None,
    }


def _outcome(complaint: dict[str, Any], target: str) -> str | None:
    """Missed if escalated for the deadline, met if the status was reached without."""
    if complaint.get(f"{target}_missed"):
        return "missed"
    reached = {"acknowledge": "acknowledged_at", "resolve": "resolved_at"}[target]
    return "met" if reached in complaint else None


def _times(complaint: dict[str, Any]) -> list[datetime]:
    return [complaint[f] for f in ("filed_at", "acknowledged_at", "resolved_at", "rated_at", "status_changed_at")
            if complaint.get(f)]


register(Source("complaint volumes", complaint_volumes))
