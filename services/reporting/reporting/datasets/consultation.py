"""What citizens contributed to surveys and draft-policy consultations, counted from the
events (which carry no answer and no comment text): survey responses by governorate,
and comments that passed moderation by section and stance, with each section's outcome.
One dataset of each per agency."""

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from reporting.config import ReportingSettings
from reporting.datasets.table import Column, Source, Table, register
from reporting.projections.participation import CONTRIBUTIONS, TOOLS
from reporting.store import ReadModel

SURVEY = (
    Column("survey_id", "رمز الاستبيان", "Survey id"),
    Column("campaign_id", "رمز الحملة", "Campaign id"),
    Column("title_ar", "العنوان بالعربية", "Title (Arabic)"),
    Column("title_en", "العنوان بالإنجليزية", "Title (English)"),
    Column("opens_at", "يفتح في", "Opens at"),
    Column("closes_at", "يغلق في", "Closes at"),
    Column("governorate", "المحافظة", "Governorate"),
    Column("responses", "عدد الردود", "Responses", people=True),
)
STANCES = ("for", "against", "neutral")
COMMENTS = (
    Column("document_id", "رمز المسودة", "Draft policy id"),
    Column("campaign_id", "رمز الحملة", "Campaign id"),
    Column("title_ar", "العنوان بالعربية", "Title (Arabic)"),
    Column("title_en", "العنوان بالإنجليزية", "Title (English)"),
    Column("opens_at", "يفتح في", "Opens at"),
    Column("closes_at", "يغلق في", "Closes at"),
    Column("section", "القسم", "Section"),
    Column("for", "تعليقات مؤيدة", "Comments for", people=True),
    Column("against", "تعليقات معارضة", "Comments against", people=True),
    Column("neutral", "تعليقات محايدة", "Neutral comments", people=True),
    Column("no_stance", "تعليقات دون موقف", "Comments without a stance", people=True),
    Column("replies", "الردود على التعليقات", "Replies", people=True),
    Column("outcome", "ما آلت إليه التعليقات", "Outcome"),
    Column("outcome_reason_ar", "السبب بالعربية", "Reason (Arabic)"),
    Column("outcome_reason_en", "السبب بالإنجليزية", "Reason (English)"),
)
TOOL_FIELDS = {"agency": 1, "campaign_id": 1, "title": 1, "opens_at": 1, "closes_at": 1, "published_at": 1,
               "sections": 1, "outcomes": 1}


async def consultation(read_model: ReadModel, settings: ReportingSettings) -> list[Table]:
    tools: dict[str, dict[str, list[dict[str, Any]]]] = {"survey": defaultdict(list), "draft_policy": defaultdict(list)}
    # The collections are read whole, as the datasets publish them: no filter to index. A
    # tool seeded by a later event (a section concluded) before its publication waits for it.
    async for tool in read_model[TOOLS].find({}, {**TOOL_FIELDS, "kind": 1}).sort("_id", 1):
        if tool.get("kind") in tools and "published_at" in tool:
            tools[tool["kind"]][tool["agency"]].append(tool)
    contributions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    fields = {"tool_id": 1, "governorate": 1, "section": 1, "stance": 1, "reply_to": 1, "at": 1, "hidden": 1,
              "moderated_at": 1}
    # Hidden comments are read too: their moderation moves the dataset's modified date. A
    # moderation that arrived before its comment has no tool yet.
    async for c in read_model[CONTRIBUTIONS].find({}, fields):
        if "tool_id" in c:
            contributions[c["tool_id"]].append(c)
    surveys = [_surveys(a, tools["survey"][a], contributions) for a in sorted(tools["survey"])]
    return surveys + [_comments(a, tools["draft_policy"][a], contributions) for a in sorted(tools["draft_policy"])]


def _surveys(agency: str, surveys: list[dict[str, Any]], contributions: dict[str, list[dict[str, Any]]]) -> Table:
    rows = []
    for survey in sorted(surveys, key=lambda s: (s["opens_at"], s["_id"])):
        by_governorate = Counter(c.get("governorate") or "" for c in _public(contributions[survey["_id"]]))
        rows += [{**_tool(survey, "survey_id"), "governorate": governorate, "responses": n}
                 for governorate, n in sorted(by_governorate.items())]
    return Table(
        dataset_id=f"survey-responses-{agency}",
        publisher=agency,
        title={"ar": "ردود الاستبيانات حسب المحافظة", "en": "Survey responses by governorate"},
        description={
            "ar": "عدد الردود على كل استبيان للجهة حسب محافظة المشارك، دون الإجابات ودون أي بيانات شخصية.",
            "en": "How many responses each of the agency's surveys received, by the participant's governorate;"
            " no answers and no personal data.",
        },
        keywords=({"ar": "استبيانات", "en": "surveys"}, {"ar": "مشاركة", "en": "participation"}),
        theme="SOCI", columns=SURVEY, rows=rows, **_dates(surveys, contributions, ()),
    )


def _comments(agency: str, documents: list[dict[str, Any]], contributions: dict[str, list[dict[str, Any]]]) -> Table:
    rows = []
    for document in sorted(documents, key=lambda d: (d["opens_at"], d["_id"])):
        comments = _public(contributions[document["_id"]])
        outcomes = document.get("outcomes") or {}
        for section in range(1, document["sections"] + 1):
            here = [c for c in comments if c["section"] == section]
            stances = Counter(c.get("stance") for c in here if not c.get("reply_to"))
            outcome = outcomes.get(str(section)) or {}
            rows.append({
                **_tool(document, "document_id"),
                "section": section,
                **{stance: stances[stance] for stance in STANCES},
                "no_stance": stances[None],
                "replies": sum(1 for c in here if c.get("reply_to")),
                "outcome": outcome.get("outcome"),
                "outcome_reason_ar": (outcome.get("reason") or {}).get("ar"),
                "outcome_reason_en": (outcome.get("reason") or {}).get("en"),
            })
    concluded = [o["concluded_at"] for d in documents for o in (d.get("outcomes") or {}).values()]
    return Table(
        dataset_id=f"draft-policy-comments-{agency}",
        publisher=agency,
        title={"ar": "التعليقات على مسودات السياسات حسب القسم والموقف",
               "en": "Draft-policy comments by section and stance"},
        description={
            "ar": "عدد التعليقات التي اجتازت الإشراف على كل قسم من مسودات الجهة حسب الموقف (مؤيد، معارض، محايد)،"
            " والردود، وما آلت إليه تعليقات كل قسم؛ دون نصوص التعليقات.",
            "en": "How many comments that passed moderation each section of the agency's draft policies received,"
            " by stance (for, against, neutral), the replies, and what became of each section's comments;"
            " no comment text.",
        },
        keywords=({"ar": "مسودات السياسات", "en": "draft policies"}, {"ar": "تعليقات", "en": "comments"}),
        theme="GOVE", columns=COMMENTS, rows=rows, **_dates(documents, contributions, concluded),
    )


def _public(contributions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in contributions if not c.get("hidden")]


def _tool(tool: dict[str, Any], id_name: str) -> dict[str, Any]:
    return {id_name: tool["_id"], "campaign_id": tool.get("campaign_id"), "title_ar": tool["title"]["ar"],
            "title_en": tool["title"]["en"], "opens_at": tool["opens_at"], "closes_at": tool["closes_at"]}


def _dates(tools: list[dict[str, Any]], contributions: dict[str, list[dict[str, Any]]],
           more: list[datetime] | tuple[()]) -> dict[str, Any]:
    """Issued when the first was published; modified by the last contribution, moderation
    or conclusion; covering the tools' opening times."""
    times = [t["published_at"] for t in tools] + list(more)
    times += [moment for t in tools for c in contributions[t["_id"]] for moment in (c.get("at"), c.get("moderated_at"))
              if moment]
    return {"issued": min(t["published_at"] for t in tools), "modified": max(times),
            "temporal": (min(t["opens_at"] for t in tools), max(t["closes_at"] for t in tools))}


register(Source("consultation", consultation))
