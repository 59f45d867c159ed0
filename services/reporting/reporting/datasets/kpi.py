"""Agencies' KPI tables (seed 002): per agency, a row per half-year and indicator with
its target, the actual the events show and the gap, as the KPI page computes them."""

from collections import defaultdict
from datetime import datetime
from typing import Any

from reporting.config import ReportingSettings
from reporting.datasets.table import Column, Source, Table, register
from reporting.kpi import half_year
from reporting.participation_views import ParticipationViews
from reporting.projections.change import CAMPAIGNS
from reporting.projections.participation import DECISIONS, KPI_TARGETS, TOOLS
from reporting.store import ReadModel

COLUMNS = (
    Column("period", "نصف السنة", "Half-year"),
    Column("indicator", "المؤشر", "Indicator"),
    Column("label_ar", "المؤشر بالعربية", "Indicator (Arabic)"),
    Column("label_en", "المؤشر بالإنجليزية", "Indicator (English)"),
    Column("unit", "الوحدة", "Unit"),
    Column("target", "المستهدف", "Target"),
    Column("actual", "المتحقق", "Actual"),
    Column("gap", "الفجوة", "Gap"),
)
# What moves an actual: the time fields each indicator counts by, and those that change
# a counted document (a decision done, a campaign reported) for the modified date.
ACTIVITY = ((TOOLS, "opens_at", ("opens_at",)), (DECISIONS, "recorded_at", ("recorded_at", "updated_at")),
            (CAMPAIGNS, "analysed_at", ("analysed_at", "reported_at")))


async def kpi_tables(read_model: ReadModel, settings: ReportingSettings) -> list[Table]:
    periods: dict[str, set[str]] = defaultdict(set)
    times: dict[str, list[datetime]] = defaultdict(list)
    async for targets in read_model[KPI_TARGETS].find({}, {"agency": 1, "period": 1, "set_at": 1}):
        periods[targets["agency"]].add(targets["period"])
        # Targets projected before their time was kept count from their half-year's start.
        times[targets["agency"]].append(targets.get("set_at") or half_year(targets["period"])[0])
    for collection, counted_by, moved_by in ACTIVITY:
        # Read whole (every agency, every half-year): no filter to index.
        async for document in read_model[collection].find({}, dict.fromkeys(("agency", *moved_by), 1)):
            if not (document.get(counted_by) and document.get("agency")):
                continue
            periods[document["agency"]].add(_period(document[counted_by]))
            times[document["agency"]] += [document[f] for f in moved_by if document.get(f)]
    views = ParticipationViews(read_model)
    return [await _table(views, agency, sorted(periods[agency]), times[agency]) for agency in sorted(periods)]


async def _table(views: ParticipationViews, agency: str, periods: list[str], times: list[datetime]) -> Table:
    rows: list[dict[str, Any]] = []
    for period in periods:
        for row in (await views.kpi(agency, period))["indicators"]:
            rows.append({"period": period, "indicator": row["indicator"], "label_ar": row["label"]["ar"],
                         "label_en": row["label"]["en"], "unit": row["unit"], "target": row["target"],
                         "actual": row["actual"], "gap": row["gap"]})
    return Table(
        dataset_id=f"kpi-{agency}",
        publisher=agency,
        title={"ar": "مؤشرات أداء المشاركة", "en": "Participation KPI table"},
        description={
            "ar": "مؤشرات أداء الجهة في كل نصف سنة: المستهدف والمتحقق من الأحداث والفجوة بينهما.",
            "en": "The agency's key performance indicators for each half-year: the target, the actual shown by"
            " the events, and the gap between them.",
        },
        keywords=({"ar": "مؤشرات الأداء", "en": "KPI"}, {"ar": "مشاركة", "en": "participation"}),
        theme="GOVE", columns=COLUMNS, rows=rows,
        issued=min(times), modified=max(times),
        temporal=(half_year(periods[0])[0], half_year(periods[-1])[1]),
    )


def _period(moment: datetime) -> str:
    return f"{moment.year}-H{1 if moment.month <= 6 else 2}"


register(Source("kpi tables", kpi_tables))
