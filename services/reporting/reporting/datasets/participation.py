"""Participation figures: contributions by area and by campaign, live (read from the
read model as the events are applied), and a daily series whose finished days are
frozen the first time they are read after midnight UTC, so a published day never
changes (an event of a past day arriving late counts in the live figures only).

Contributions counted: complaints filed (by the reporter's governorate and wilayat),
votes (each ballot's turnout, by governorate, on the day its result was published) and
citizens' service ratings (no area: ratings carry none)."""

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from reporting.config import ReportingSettings
from reporting.datasets.table import Column, Source, Table, register
from reporting.projections.change import BALLOTS, CAMPAIGNS, COMPLAINTS, SERVICE_RATINGS
from reporting.store import ReadModel

PLATFORM = "sharik"
FROZEN_DAYS = "participation_days"  # kept across rebuilds: a finished day is history

AREA = (
    Column("governorate", "المحافظة", "Governorate"),
    Column("wilayat", "الولاية", "Wilayat"),
    Column("complaints_filed", "البلاغات المقدمة", "Complaints filed", people=True),
    Column("votes", "الأصوات", "Votes", people=True),
)
CAMPAIGN = (
    Column("campaign_id", "رمز الحملة", "Campaign id"),
    Column("title_ar", "عنوان الحملة بالعربية", "Campaign title (Arabic)"),
    Column("title_en", "عنوان الحملة بالإنجليزية", "Campaign title (English)"),
    Column("ballots", "عدد التصويتات", "Ballots"),
    Column("votes", "الأصوات", "Votes", people=True),
)
DAILY = (
    Column("day", "اليوم", "Day"),
    Column("governorate", "المحافظة", "Governorate"),
    Column("complaints_filed", "البلاغات المقدمة", "Complaints filed", people=True),
    Column("votes", "الأصوات", "Votes", people=True),
    Column("service_ratings", "تقييمات الخدمات", "Service ratings", people=True),
)
KEYWORDS = ({"ar": "مشاركة", "en": "participation"}, {"ar": "المحافظات", "en": "governorates"})


async def participation(read_model: ReadModel, settings: ReportingSettings) -> list[Table]:
    facts = await _facts(read_model)
    if not facts:
        return []
    times = [f["at"] for f in facts]
    described = {"publisher": PLATFORM, "keywords": KEYWORDS, "theme": "SOCI", "issued": min(times),
                 "modified": max(times), "temporal": (min(times), max(times))}
    return [
        Table(
            dataset_id="participation-by-area",
            title={"ar": "المشاركة حسب المحافظة والولاية", "en": "Participation by governorate and wilayat"},
            description={"ar": "البلاغات المقدمة والأصوات حسب المحافظة والولاية، محدثة مع كل حدث.",
                         "en": "Complaints filed and votes by governorate and wilayat, updated with every event."},
            columns=AREA, rows=_by_area(facts), **described,
        ),
        Table(
            dataset_id="participation-by-campaign",
            title={"ar": "المشاركة حسب الحملة", "en": "Participation by campaign"},
            description={"ar": "التصويتات والأصوات في كل حملة مشاركة.",
                         "en": "Ballots and votes in each participation campaign."},
            columns=CAMPAIGN, rows=await _by_campaign(read_model), **described,
        ),
        Table(
            dataset_id="participation-daily",
            title={"ar": "المشاركة اليومية حسب المحافظة", "en": "Daily participation by governorate"},
            description={"ar": "سلسلة يومية (بالتوقيت العالمي) لا تتغير بعد انتهاء اليوم.",
                         "en": "A daily series (UTC days); a day's figures never change once it is over."},
            columns=DAILY, rows=await _daily(read_model, facts), **described,
        ),
    ]


async def _facts(read_model: ReadModel) -> list[dict[str, Any]]:
    """Every contribution: when, where, what and how many."""
    facts = []
    fields = {"governorate": 1, "wilayat": 1, "filed_at": 1}
    async for c in read_model[COMPLAINTS].find({"filed_at": {"$exists": True}}, fields):
        facts.append({"at": c["filed_at"], "governorate": c.get("governorate") or "", "wilayat": c.get("wilayat") or "",
                      "kind": "complaints_filed", "n": 1})
    async for b in read_model[BALLOTS].find({"result.turnout": {"$exists": True}}, {"result": 1}):
        at = b["result"]["published_at"]
        for area in (b["result"]["turnout"] or {}).get("by_governorate") or ():
            facts.append({"at": at, "governorate": area["governorate"], "wilayat": "", "kind": "votes",
                          "n": area["voted"]})
    async for r in read_model[SERVICE_RATINGS].find({}, {"rated_at": 1}):
        facts.append({"at": r["rated_at"], "governorate": "", "wilayat": "", "kind": "service_ratings", "n": 1})
    return facts


def _by_area(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: Counter[tuple[str, str, str]] = Counter()
    for f in facts:
        if f["kind"] != "service_ratings":
            counts[(f["governorate"], f["wilayat"], f["kind"])] += f["n"]
    areas = sorted({(g, w) for g, w, _ in counts})
    return [{"governorate": g, "wilayat": w, "complaints_filed": counts[(g, w, "complaints_filed")],
             "votes": counts[(g, w, "votes")]} for g, w in areas]


async def _by_campaign(read_model: ReadModel) -> list[dict[str, Any]]:
    titles = {c["_id"]: c.get("title") or {} async for c in read_model[CAMPAIGNS].find({}, {"title": 1})}
    ballots: Counter[str] = Counter()
    votes: Counter[str] = Counter()
    async for b in read_model[BALLOTS].find({"campaign_id": {"$ne": None}, "closed": True}, {"campaign_id": 1, "votes_cast": 1}):
        ballots[b["campaign_id"]] += 1
        votes[b["campaign_id"]] += b.get("votes_cast") or 0
    return [{"campaign_id": c, "title_ar": titles.get(c, {}).get("ar"), "title_en": titles.get(c, {}).get("en"),
             "ballots": ballots[c], "votes": votes[c]} for c in sorted(ballots)]


async def _daily(read_model: ReadModel, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: Counter[tuple[str, str, str]] = Counter()
    for f in facts:
        counts[(f["at"].date().isoformat(), f["governorate"], f["kind"])] += f["n"]
    live: dict[str, list[dict[str, Any]]] = {}
    for day, governorate in sorted({(d, g) for d, g, _ in counts}):
        live.setdefault(day, []).append({"day": day, "governorate": governorate, **{
            k: counts[(day, governorate, k)] for k in ("complaints_filed", "votes", "service_ratings")}})
    today = datetime.now(UTC).date().isoformat()
    frozen = {d["_id"]: d["rows"] async for d in read_model[FROZEN_DAYS].find({})}
    for day in sorted(set(live) - set(frozen)):
        if day < today:
            try:
                await read_model[FROZEN_DAYS].insert_one({"_id": day, "rows": live[day]})
            except DuplicateKeyError:
                pass  # another reader froze it first: theirs is the published day
            frozen[day] = (await read_model[FROZEN_DAYS].find_one({"_id": day}))["rows"]
    days = {**live, **frozen}
    return [row for day in sorted(days) for row in days[day]]


register(Source("participation", participation))
