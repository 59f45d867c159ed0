"""Public alerts: per agency, a row per alert message (an issue, an update or a
cancellation) with what the CAP document told the public, and which later message
superseded it. Test messages are not public alerts and are left out."""

from collections import defaultdict
from typing import Any

from reporting.config import ReportingSettings
from reporting.datasets.table import Column, Source, Table, register
from reporting.projections.alerts import ALERTS
from reporting.store import ReadModel

COLUMNS = (
    Column("alert_id", "رمز الإنذار", "Alert id"),
    Column("message_type", "نوع الرسالة", "Message type"),
    Column("replaces", "يحل محل", "Replaces"),
    Column("superseded_by", "حلت محله", "Superseded by"),
    Column("status", "الحالة", "Status"),
    Column("headline_ar", "العنوان بالعربية", "Headline (Arabic)"),
    Column("headline_en", "العنوان بالإنجليزية", "Headline (English)"),
    Column("categories", "الفئات", "Categories"),
    Column("urgency", "الإلحاح", "Urgency"),
    Column("severity", "الخطورة", "Severity"),
    Column("certainty", "اليقين", "Certainty"),
    Column("area_codes", "رموز المناطق", "Area codes"),
    Column("sent", "أرسل في", "Sent"),
    Column("onset", "يبدأ في", "Onset"),
    Column("expires", "ينتهي في", "Expires"),
)


async def alerts(read_model: ReadModel, settings: ReportingSettings) -> list[Table]:
    agencies: dict[str, list[dict[str, Any]]] = defaultdict(list)
    # Read whole, as the dataset publishes (nearly) all of it: no filter to index.
    async for alert in read_model[ALERTS].find({}).sort("_id", 1):
        if alert["status"] != "Test":
            agencies[alert["agency"]].append(alert)
    return [_table(agency, agencies[agency]) for agency in sorted(agencies)]


def _table(agency: str, alerts: list[dict[str, Any]]) -> Table:
    successors = {a["references"][-1]: a["_id"] for a in alerts if a.get("references")}
    rows = [{
        "alert_id": a["_id"],
        "message_type": a["message_type"],
        "replaces": a["references"][-1] if a.get("references") else None,
        "superseded_by": successors.get(a["_id"]),
        "status": a["status"],
        "headline_ar": a["headline"]["ar"],
        "headline_en": a["headline"]["en"],
        "categories": list(a["categories"]),
        "urgency": a["urgency"],
        "severity": a["severity"],
        "certainty": a["certainty"],
        "area_codes": list(a.get("geocodes") or ()),
        "sent": a["sent"],
        "onset": a["onset"],
        "expires": a["expires"],
    } for a in sorted(alerts, key=lambda a: (a["sent"], a["_id"]))]
    sent = [a["sent"] for a in alerts]
    return Table(
        dataset_id=f"alerts-{agency}",
        publisher=agency,
        title={"ar": "الإنذارات العامة الصادرة", "en": "Public alerts issued"},
        description={
            "ar": "كل إنذار عام أصدرته الجهة وكل تحديث له أو إلغاء: العنوان والفئة والخطورة والمناطق وأوقات"
            " الإرسال والانتهاء.",
            "en": "Every public alert the agency issued, and each update or cancellation of one: headline,"
            " category, severity, areas, and when it was sent and expires.",
        },
        keywords=({"ar": "إنذارات", "en": "alerts"}, {"ar": "السلامة العامة", "en": "public safety"}),
        theme="GOVE", columns=COLUMNS, rows=rows,
        issued=min(sent), modified=max(sent),
        temporal=(min(a["onset"] for a in alerts), max(a["expires"] for a in alerts)),
    )


register(Source("alerts", alerts))
