"""What the public reads about competitions, initiatives and live sessions: an
agency's figures (what KPI tables count, e.g. initiatives answered late) and one
competition's ideas by theme and its judged stages."""

from typing import Any

from reporting.projections.formats import COMPETITIONS, IDEAS, INITIATIVES, LIVE_SESSIONS
from reporting.store import ReadModel
from sharik.errors import NotFound


class FormatViews:
    def __init__(self, read_model: ReadModel) -> None:
        self._rm = read_model

    async def agency(self, agency: str) -> dict[str, Any]:
        ideas, initiatives, sessions = self._rm[IDEAS], self._rm[INITIATIVES], self._rm[LIVE_SESSIONS]
        funded = await (await ideas.aggregate(
            [{"$match": {"agency": agency, "adopted_at": {"$ne": None}}}, {"$group": {"_id": None, "omr": {"$sum": "$funded_omr"}}}]
        )).to_list(1)
        questions = await (await sessions.aggregate(
            [{"$match": {"agency": agency, "published_at": {"$ne": None}}},
             {"$group": {"_id": None, "questions": {"$sum": "$figures.questions"}, "answered": {"$sum": "$figures.answered"}}}]
        )).to_list(1)
        mine = {"agency": agency}
        return {
            "agency": agency,
            "competitions": {
                "published": await self._rm[COMPETITIONS].count_documents(mine),
                "ideas": await ideas.count_documents({**mine, "submitted_at": {"$ne": None}}),
                "eligible": await ideas.count_documents({**mine, "eligible": True}),
                "adopted": await ideas.count_documents({**mine, "adopted_at": {"$ne": None}}),
                "funded_omr": funded[0]["omr"] if funded else 0,
            },
            "initiatives": {
                "filed": await initiatives.count_documents({**mine, "filed_at": {"$ne": None}}),
                "admitted": await initiatives.count_documents({**mine, "admitted_at": {"$ne": None}}),
                "rejected": await initiatives.count_documents({**mine, "rejected_at": {"$ne": None}}),
                "reached_threshold": await initiatives.count_documents({**mine, "reached_at": {"$ne": None}}),
                "answered": await initiatives.count_documents({**mine, "answered_at": {"$ne": None}}),
                "answered_late": await initiatives.count_documents({**mine, "answer.late": True}),
                "overdue": await initiatives.count_documents({**mine, "overdue_at": {"$ne": None}}),
                "expired": await initiatives.count_documents({**mine, "expired_at": {"$ne": None}}),
            },
            "live_sessions": {
                "scheduled": await sessions.count_documents({**mine, "starts_at": {"$ne": None}}),
                "published": await sessions.count_documents({**mine, "published_at": {"$ne": None}}),
                "questions": questions[0]["questions"] if questions else 0,
                "answered": questions[0]["answered"] if questions else 0,
            },
        }

    async def competition(self, competition_id: str) -> dict[str, Any]:
        found = await self._rm[COMPETITIONS].find_one({"_id": competition_id})
        if found is None:
            raise NotFound(f"no competition {competition_id}", details=[{"field": "competition_id"}])
        by_theme = await (await self._rm[IDEAS].aggregate(
            [{"$match": {"competition_id": competition_id}}, {"$group": {"_id": "$theme_id", "ideas": {"$sum": 1}}}, {"$sort": {"_id": 1}}]
        )).to_list(100)
        opened = sorted(found.get("opened", []), key=lambda s: s["stage_index"])
        return {
            "competition_id": competition_id,
            "agency": found.get("agency"),
            "title": found.get("title"),
            "stage": opened[-1]["stage"] if opened else None,
            "stages_opened": opened,
            "ideas_by_theme": [{"theme_id": row["_id"], "ideas": row["ideas"]} for row in by_theme],
            "outcomes": [found["outcomes"][k] | {"stage_index": int(k)} for k in sorted(found.get("outcomes", {}), key=int)],
            "winners": found.get("winners", []),
        }
