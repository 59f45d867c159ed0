"""Read side of consultation: participation per campaign, the agency's KPI table (and
the national view), and the "you said, we did" accountability pages, computed from
the read model with queries and aggregations."""

import csv
import io
from typing import Any

from reporting.kpi import Actuals, half_year, kpi_rows
from reporting.projections.change import BALLOTS, CAMPAIGNS
from reporting.projections.participation import CONTRIBUTIONS, DECISIONS, KPI_TARGETS, TOOLS
from reporting.store import ReadModel
from sharik.errors import NotFound

CONSULTATION_LINKS = {
    "survey_question": "/surveys/{0}/results",
    "section_comments": "/documents/{0}/report",
}


class ParticipationViews:
    def __init__(self, read_model: ReadModel) -> None:
        self._db = read_model

    async def participation(self, campaign_id: str) -> dict[str, Any]:
        """Participants, contributions per tool, by governorate and by day."""
        campaign = await self._campaign(campaign_id)
        contributions = self._db[CONTRIBUTIONS]
        match = {"$match": {"campaign_id": campaign_id}}
        named = [
            {"$match": {"campaign_id": campaign_id, "participant": {"$ne": None}}},
            {"$group": {"_id": "$participant"}},
            {"$count": "n"},
        ]
        distinct = [row["n"] async for row in await contributions.aggregate(named)]
        anonymous = await contributions.count_documents({"campaign_id": campaign_id, "participant": None})
        per_tool = await self._counts(CONTRIBUTIONS, [match, {"$group": {"_id": {"tool": "$tool", "id": "$tool_id"}, "n": {"$sum": 1}}}])
        tools = [{"kind": k["tool"], "tool_id": k["id"], "contributions": n} for k, n in per_tool]
        async for ballot in self._db[BALLOTS].find({"campaign_id": campaign_id}):
            tools.append({"kind": "ballot", "tool_id": ballot["_id"], "contributions": ballot.get("votes_cast", 0)})
        by_governorate = await self._counts(CONTRIBUTIONS, [match, {"$group": {"_id": "$governorate", "n": {"$sum": 1}}}])
        by_day = await self._counts(CONTRIBUTIONS, [match, {"$group": {"_id": "$day", "n": {"$sum": 1}}}])
        return {
            "campaign_id": campaign_id,
            "agency": campaign["agency"],
            "participants": (distinct[0] if distinct else 0) + anonymous,
            "anonymous_responses": anonymous,
            "contributions": sum(t["contributions"] for t in tools),
            "by_tool": sorted(tools, key=lambda t: (t["kind"], t["tool_id"])),
            "by_governorate": [{"governorate": g or "unknown", "contributions": n} for g, n in sorted(by_governorate, key=_by_key)],
            "over_time": [{"day": d, "contributions": n} for d, n in sorted(by_day, key=_by_key)],
        }

    async def kpi(self, agency: str, period: str) -> dict[str, Any]:
        """The agency's KPI table for the half-year."""
        start, end = half_year(period)
        window = {"$gte": start, "$lt": end}
        targets = await self._db[KPI_TARGETS].find_one({"_id": f"{agency}:{period}"})
        actuals = Actuals(
            sessions_run=await self._db[TOOLS].count_documents({"agency": agency, "opens_at": window}),
            decisions=await self._db[DECISIONS].count_documents({"agency": agency, "recorded_at": window}),
            decisions_done=await self._db[DECISIONS].count_documents({"agency": agency, "recorded_at": window, "status": "done"}),
            analysed=await self._db[CAMPAIGNS].count_documents({"agency": agency, "analysed_at": window}),
            analysed_reported=await self._db[CAMPAIGNS].count_documents(
                {"agency": agency, "analysed_at": window, "reported_at": {"$ne": None}}
            ),
        )
        return {"agency": agency, "period": period, "indicators": kpi_rows(targets and targets["targets"], actuals)}

    async def national_kpi(self, period: str) -> dict[str, Any]:
        """Every agency with targets or activity in the half-year, one table each."""
        start, end = half_year(period)
        agencies: set[str] = set()
        async for row in self._db[KPI_TARGETS].find({"period": period}, {"agency": 1}):
            agencies.add(row["agency"])
        for collection, field in ((TOOLS, "opens_at"), (DECISIONS, "recorded_at"), (CAMPAIGNS, "analysed_at")):
            pipeline = [{"$match": {field: {"$gte": start, "$lt": end}}}, {"$group": {"_id": "$agency"}}]
            agencies.update([row["_id"] async for row in await self._db[collection].aggregate(pipeline)])
        return {"period": period, "agencies": [await self.kpi(a, period) for a in sorted(agencies)]}

    async def accountability(self, campaign_id: str) -> dict[str, Any]:
        """"You said, we did": the campaign, its report, and each decision with the
        inputs it rests on (linked to their results), its progress and history."""
        campaign = await self._campaign(campaign_id)
        decisions = [
            _decision(d) async for d in self._db[DECISIONS].find({"campaign_id": campaign_id}).sort([("recorded_at", 1), ("_id", 1)])
        ]
        tools = [_tool(t) async for t in self._db[TOOLS].find({"campaign_id": campaign_id}).sort("_id", 1)]
        for tool in tools:
            if tool.get("kind") == "draft_policy":
                tool["comments_by_section"] = await self._stances(tool["tool_id"])
        return {
            "campaign_id": campaign_id,
            "agency": campaign["agency"],
            "title": campaign.get("title"),
            "summary": campaign.get("summary"),
            "state": _state(campaign),
            "assessment": campaign.get("assessment"),
            "report": campaign.get("report"),
            "reported_at": campaign.get("reported_at"),
            "tools": tools,
            "decisions": decisions,
        }

    async def agency_accountability(self, agency: str, *, limit: int) -> dict[str, Any]:
        """Every launched campaign of the agency that has decisions, with them."""
        with_decisions = [
            row["_id"] async for row in await self._db[DECISIONS].aggregate(
                [{"$match": {"agency": agency}}, {"$group": {"_id": "$campaign_id"}}]
            )
        ]
        cursor = self._db[CAMPAIGNS].find({"_id": {"$in": with_decisions}, "title": {"$exists": True}})
        campaign_ids = [c["_id"] async for c in cursor.sort([("launched_at", -1), ("_id", 1)]).limit(limit)]
        campaigns = [await self.accountability(c) for c in campaign_ids]
        decisions = [d for c in campaigns for d in c["decisions"]]
        return {
            "agency": agency,
            "decisions": len(decisions),
            "done": sum(1 for d in decisions if d["status"] == "done"),
            "campaigns": campaigns,
        }

    async def _stances(self, document_id: str) -> list[dict[str, Any]]:
        """Comments (not replies) that passed moderation, per section and stance."""
        pipeline = [
            {"$match": {"tool_id": document_id, "reply_to": None, "hidden": {"$ne": True}}},
            {"$group": {"_id": {"section": "$section", "stance": "$stance"}, "n": {"$sum": 1}}},
        ]
        sections: dict[int, dict[str, int]] = {}
        for key, n in await self._counts(CONTRIBUTIONS, pipeline):
            sections.setdefault(key["section"], {"for": 0, "against": 0, "neutral": 0})[key["stance"]] = n
        return [{"section": number, **stances} for number, stances in sorted(sections.items())]

    async def _campaign(self, campaign_id: str) -> dict[str, Any]:
        campaign = await self._db[CAMPAIGNS].find_one({"_id": campaign_id})
        if campaign is None or "launched_at" not in campaign:
            raise NotFound(f"no campaign {campaign_id}", details=[{"field": "campaign_id"}])
        return campaign

    async def _counts(self, collection: str, pipeline: list[dict]) -> list[tuple[Any, int]]:
        return [(row["_id"], row["n"]) async for row in await self._db[collection].aggregate(pipeline)]


def kpi_csv(tables: list[dict[str, Any]]) -> str:
    """KPI tables as CSV: one row per agency and indicator."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["agency", "period", "indicator", "label_ar", "label_en", "unit", "target", "actual", "gap"])
    for table in tables:
        for row in table["indicators"]:
            writer.writerow(
                [table["agency"], table["period"], row["indicator"], row["label"]["ar"], row["label"]["en"], row["unit"]]
                + ["" if row[k] is None else row[k] for k in ("target", "actual", "gap")]
            )
    return buffer.getvalue()


def _state(campaign: dict[str, Any]) -> str:
    for field, state in (("cancelled_at", "cancelled"), ("closed_at", "closed"), ("reported_at", "reported"), ("analysed_at", "analysed")):
        if campaign.get(field):
            return state
    return "launched"


def _decision(document: dict[str, Any]) -> dict[str, Any]:
    inputs = [
        {**i, "href": CONSULTATION_LINKS[i["kind"]].format(i["ref"].split("/")[0])} if i["kind"] in CONSULTATION_LINKS else i
        for i in document.get("inputs", [])
    ]
    return {
        "decision_id": document["_id"],
        "text": document.get("text"),
        "inputs": inputs,
        "status": document["status"],
        "progress": document["progress"],
        "recorded_at": document.get("recorded_at"),
        "updated_at": document.get("updated_at"),
        "history": sorted(document.get("history", []), key=lambda step: step["sequence"]),
    }


def _tool(document: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in document.items() if k not in ("_id", "outcomes")}
    outcomes = document.get("outcomes") or {}
    tool = {"tool_id": document["_id"], **fields}
    if outcomes:
        tool["outcomes"] = [{"section": int(n), **o} for n, o in sorted(outcomes.items(), key=lambda item: int(item[0]))]
    return tool


def _by_key(pair: tuple[Any, int]) -> str:
    return str(pair[0] or "")

