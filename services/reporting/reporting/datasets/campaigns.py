"""Campaigns with their steps, and the decisions taken on citizens' input with every
step of their progress: two datasets per agency. Neither counts people."""

from collections import defaultdict
from datetime import datetime
from typing import Any

from reporting.config import ReportingSettings
from reporting.datasets.table import Column, Source, Table, register
from reporting.participation_views import _state
from reporting.projections.change import CAMPAIGNS
from reporting.projections.participation import DECISIONS
from reporting.store import ReadModel

STEPS = ("launched_at", "analysed_at", "reported_at", "closed_at", "cancelled_at")
CAMPAIGN = (
    Column("campaign_id", "رمز الحملة", "Campaign id"),
    Column("kind", "نوع الحملة", "Kind"),
    Column("title_ar", "العنوان بالعربية", "Title (Arabic)"),
    Column("title_en", "العنوان بالإنجليزية", "Title (English)"),
    Column("state", "المرحلة", "State"),
    Column("opens_at", "تفتح في", "Opens at"),
    Column("closes_at", "تغلق في", "Closes at"),
    Column("launched_at", "أطلقت في", "Launched at"),
    Column("analysed_at", "حللت في", "Analysed at"),
    Column("reported_at", "نشر تقريرها في", "Reported at"),
    Column("closed_at", "أغلقت في", "Closed at"),
    Column("cancelled_at", "ألغيت في", "Cancelled at"),
    Column("tools", "أدوات المشاركة", "Participation tools"),
    Column("decisions", "عدد القرارات", "Decisions"),
)
DECISION = (
    Column("decision_id", "رمز القرار", "Decision id"),
    Column("campaign_id", "رمز الحملة", "Campaign id"),
    Column("text_ar", "القرار بالعربية", "Decision (Arabic)"),
    Column("text_en", "القرار بالإنجليزية", "Decision (English)"),
    Column("inputs", "المدخلات التي بني عليها", "Citizens' input it rests on"),
    Column("sequence", "رقم الخطوة", "Step"),
    Column("status", "الحالة", "Status"),
    Column("progress", "نسبة الإنجاز", "Progress percent"),
    Column("note_ar", "ملاحظة بالعربية", "Note (Arabic)"),
    Column("note_en", "ملاحظة بالإنجليزية", "Note (English)"),
    Column("at", "التاريخ", "At"),
)
KEYWORDS = ({"ar": "حملات المشاركة", "en": "participation campaigns"}, {"ar": "قرارات", "en": "decisions"})


async def campaigns(read_model: ReadModel, settings: ReportingSettings) -> list[Table]:
    # Both collections are read whole, as the datasets publish them: no filter to index.
    # A campaign seen only by a later step than its launch, and a decision whose recording
    # has not arrived yet, wait for it.
    launched: dict[str, list[dict[str, Any]]] = defaultdict(list)
    async for campaign in read_model[CAMPAIGNS].find({}).sort("_id", 1):
        if "launched_at" in campaign:
            launched[campaign["agency"]].append(campaign)
    decided: dict[str, list[dict[str, Any]]] = defaultdict(list)
    async for decision in read_model[DECISIONS].find({}).sort("_id", 1):
        if "recorded_at" in decision:
            decided[decision["agency"]].append(decision)
    tables = [_campaigns(agency, launched[agency], decided.get(agency, [])) for agency in sorted(launched)]
    return tables + [_decisions(agency, decided[agency]) for agency in sorted(decided)]


def _campaigns(agency: str, campaigns: list[dict[str, Any]], decisions: list[dict[str, Any]]) -> Table:
    per_campaign: dict[str, int] = defaultdict(int)
    for decision in decisions:
        per_campaign[decision["campaign_id"]] += 1
    rows = [{
        "campaign_id": c["_id"],
        "kind": c["kind"],
        "title_ar": c["title"]["ar"],
        "title_en": c["title"]["en"],
        "state": _state(c),
        "opens_at": c["opens_at"],
        "closes_at": c["closes_at"],
        **{step: c.get(step) for step in STEPS},
        "tools": [f"{t['kind']}:{t['tool_id']}" for t in c.get("tools") or ()],
        "decisions": per_campaign[c["_id"]],
    } for c in sorted(campaigns, key=lambda c: (c["launched_at"], c["_id"]))]
    times = [c[step] for c in campaigns for step in STEPS if c.get(step)]
    return Table(
        dataset_id=f"campaigns-{agency}",
        publisher=agency,
        title={"ar": "حملات المشاركة ومراحلها", "en": "Participation campaigns and their steps"},
        description={
            "ar": "كل حملة أطلقتها الجهة: نوعها ومدتها ومتى بلغت كل مرحلة (الإطلاق والتحليل ونشر التقرير والإغلاق"
            " أو الإلغاء) وأدواتها وعدد القرارات المبنية عليها.",
            "en": "Every campaign the agency launched: its kind and dates, when it reached each step (launch,"
            " analysis, report, close or cancellation), its tools and how many decisions rest on it.",
        },
        keywords=KEYWORDS, theme="GOVE", columns=CAMPAIGN, rows=rows,
        issued=min(c["launched_at"] for c in campaigns),
        modified=max(times),
        temporal=(min(c["opens_at"] for c in campaigns), max(c["closes_at"] for c in campaigns)),
    )


def _decisions(agency: str, decisions: list[dict[str, Any]]) -> Table:
    rows = []
    for d in sorted(decisions, key=lambda d: (d["recorded_at"], d["_id"])):
        for step in sorted(d.get("history") or (), key=lambda s: s["sequence"]):
            rows.append({
                "decision_id": d["_id"],
                "campaign_id": d["campaign_id"],
                "text_ar": d["text"]["ar"],
                "text_en": d["text"]["en"],
                "inputs": d.get("inputs") or [],
                "sequence": step["sequence"],
                "status": step["status"],
                "progress": step["progress"],
                "note_ar": (step.get("note") or {}).get("ar"),
                "note_en": (step.get("note") or {}).get("en"),
                "at": step["at"],
            })
    times: list[datetime] = [r["at"] for r in rows]
    return Table(
        dataset_id=f"decisions-{agency}",
        publisher=agency,
        title={"ar": "القرارات المبنية على مدخلات المواطنين وتقدم تنفيذها",
               "en": "Decisions based on citizens' input and their progress"},
        description={
            "ar": "كل قرار اتخذته الجهة بناء على المشاركة، والمدخلات التي بني عليها، وكل خطوة من خطوات تنفيذه"
            " بحالتها ونسبة إنجازها.",
            "en": "Every decision the agency took on the strength of participation, the input it rests on, and"
            " each step of its implementation with its status and progress.",
        },
        keywords=KEYWORDS, theme="GOVE", columns=DECISION, rows=rows,
        issued=min(d["recorded_at"] for d in decisions),
        modified=max(times),
        temporal=(min(times), max(times)),
    )


register(Source("campaigns", campaigns))
