"""Read side: what the transparency pages show, computed from the read model with
queries and aggregations (never from counters kept beside it)."""

from datetime import UTC, datetime
from statistics import median
from typing import Any, Literal

from reporting.projections.change import (
    BALLOTS,
    CAMPAIGNS,
    COMPLAINTS,
    DELIVERIES,
    SERVICE_EVALUATIONS,
    SERVICE_RATINGS,
)
from reporting.paging import after, cursor_of
from reporting.projections.deliveries import OUTCOMES
from reporting.store import ReadModel
from sharik.errors import NotFound

VolumeKey = Literal["category", "governorate", "agency"]
Page = tuple[list[dict[str, Any]], str | None]  # items, and the next page's cursor (None: the last)
SCORES = range(1, 6)


class TransparencyViews:
    def __init__(self, read_model: ReadModel) -> None:
        self._db = read_model

    async def campaigns(self, *, agency: str | None, limit: int, cursor: str | None = None) -> Page:
        """Launched campaigns, latest launch first, after the cursor."""
        query = {**_of(agency), **after(cursor, "launched_at")}
        found = self._db[CAMPAIGNS].find(query).sort([("launched_at", -1), ("_id", 1)]).limit(limit + 1)
        documents = await found.to_list()
        return [_renamed(doc, "campaign_id") for doc in documents[:limit]], _next(documents, limit, "launched_at")

    async def ballots(self, *, agency: str | None, limit: int, cursor: str | None = None) -> Page:
        """Ballots with their state and, once published, their result; latest first."""
        query = {**_of(agency), **after(cursor, "opens_at")}
        found = self._db[BALLOTS].find(query).sort([("opens_at", -1), ("_id", 1)]).limit(limit + 1)
        documents = await found.to_list()
        return [_ballot(doc) for doc in documents[:limit]], _next(documents, limit, "opens_at")

    async def ballot(self, ballot_id: str) -> dict[str, Any]:
        document = await self._db[BALLOTS].find_one({"_id": ballot_id})
        if document is None:
            raise NotFound(f"no ballot {ballot_id}")
        return _ballot(document)

    async def complaints(self, *, agency: str | None) -> dict[str, Any]:
        """Complaints by status, overall and per agency."""
        pipeline = [
            {"$match": _of(agency)},
            {"$group": {"_id": {"agency": "$agency", "status": "$status"}, "count": {"$sum": 1}}},
        ]
        agencies: dict[str, dict[str, int]] = {}
        async for row in await self._db[COMPLAINTS].aggregate(pipeline):
            agencies.setdefault(row["_id"]["agency"], {})[row["_id"]["status"]] = row["count"]
        overall: dict[str, int] = {}
        for by_status in agencies.values():
            for status, count in by_status.items():
                overall[status] = overall.get(status, 0) + count
        return {
            **_tally(overall),
            "agencies": [{"agency": name, **_tally(agencies[name])} for name in sorted(agencies)],
        }

    async def volumes(self, *, agency: str | None, by: VolumeKey) -> dict[str, Any]:
        """Complaints counted by category, governorate or agency, largest first."""
        pipeline = [{"$match": _of(agency)}, {"$group": {"_id": f"${by}", "count": {"$sum": 1}}}]
        rows = [row async for row in await self._db[COMPLAINTS].aggregate(pipeline)]
        rows.sort(key=lambda row: (-row["count"], str(row["_id"])))
        return {
            "agency": agency,
            "by": by,
            "total": sum(row["count"] for row in rows),
            "counts": [{by: row["_id"], "count": row["count"]} for row in rows],
        }

    async def timings(self, *, agency: str | None) -> dict[str, Any]:
        """Median wall-clock hours from filing to first acknowledgement and to first
        resolution, over the complaints that got there."""
        return {
            "agency": agency,
            "unit": "hours",
            "clock": "wall",
            "acknowledge": await self._durations(agency, "acknowledged_at"),
            "resolve": await self._durations(agency, "resolved_at"),
        }

    async def _durations(self, agency: str | None, reached: str) -> dict[str, Any]:
        query = {**_of(agency), reached: {"$exists": True}, "filed_at": {"$exists": True}}
        cursor = self._db[COMPLAINTS].find(query, {"filed_at": 1, reached: 1})
        hours = [_hours(doc["filed_at"], doc[reached]) async for doc in cursor]
        return {"count": len(hours), "median_hours": round(median(hours), 2) if hours else None}

    async def sla(self, *, agency: str | None) -> dict[str, Any]:
        """Per deadline (acknowledge, resolve): complaints that met it (reached it with no
        escalation for it) and that missed it (escalated), and the share met."""
        figures = {}
        for target, reached in (("acknowledge", "acknowledged_at"), ("resolve", "resolved_at")):
            missed_it = f"{target}_missed"
            met = await self._db[COMPLAINTS].count_documents(
                {**_of(agency), reached: {"$exists": True}, missed_it: {"$exists": False}}
            )
            missed = await self._db[COMPLAINTS].count_documents({**_of(agency), missed_it: True})
            figures[target] = {"met": met, "missed": missed, "compliance_percent": _percent(met, met + missed)}
        return {"agency": agency, "clock": "business", **figures}

    async def satisfaction(self, *, agency: str | None) -> dict[str, Any]:
        """How reporters rated the handling of their complaints, and how citizens and
        mystery shoppers judged each service."""
        rated = {**_of(agency), "rated_score": {"$exists": True}}
        pipeline = [{"$match": rated}, {"$group": {"_id": "$rated_score", "count": {"$sum": 1}}}]
        distribution = dict.fromkeys(SCORES, 0)
        async for row in await self._db[COMPLAINTS].aggregate(pipeline):
            distribution[row["_id"]] = row["count"]
        count = sum(distribution.values())
        handling = {
            "count": count,
            "average": _average(sum(score * n for score, n in distribution.items()), count),
            "distribution": {str(score): n for score, n in distribution.items()},
        }
        return {"agency": agency, "handling": handling, "services": await self._services(agency)}

    async def _services(self, agency: str | None) -> list[dict[str, Any]]:
        # Dimension names vary per service and FerretDB groups only on scalar fields,
        # so the ratings are folded here rather than in an aggregation.
        services: dict[tuple[str, str], _Service] = {}
        fields = {"agency": 1, "service_code": 1, "overall": 1, "dimensions": 1}
        async for rating in self._db[SERVICE_RATINGS].find(_of(agency), fields):
            services.setdefault((rating["agency"], rating["service_code"]), _Service()).rate(rating)
        async for evaluation in self._db[SERVICE_EVALUATIONS].find(_of(agency), {**fields, "score": 1}):
            services.setdefault((evaluation["agency"], evaluation["service_code"]), _Service()).evaluate(evaluation)
        return [
            {"agency": key[0], "service_code": key[1], **services[key].figures()} for key in sorted(services)
        ]

    async def notifications(self, *, cause_id: str | None) -> dict[str, Any]:
        """Deliveries sent and failed, overall and per channel (optionally for one cause)."""
        pipeline = [
            {"$match": {"cause_id": cause_id} if cause_id else {}},
            {"$group": {"_id": {"channel": "$channel", "outcome": "$outcome"}, "count": {"$sum": 1}}},
        ]
        channels: dict[str, dict[str, int]] = {}
        async for row in await self._db[DELIVERIES].aggregate(pipeline):
            counts = channels.setdefault(row["_id"]["channel"], {"sent": 0, "failed": 0})
            counts[OUTCOMES[row["_id"]["outcome"]]] += row["count"]
        return {
            "sent": sum(c["sent"] for c in channels.values()),
            "failed": sum(c["failed"] for c in channels.values()),
            "channels": dict(sorted(channels.items())),
        }

    async def summary(self, *, agency: str | None) -> dict[str, Any]:
        """Platform totals, or one agency's; notifications carry no agency, so theirs
        are always platform-wide."""
        closed = {**_of(agency), "closed": True}
        # One accumulator per $group: FerretDB v1 computes only the first of several.
        votes = {"$group": {"_id": None, "votes": {"$sum": "$votes_cast"}}}
        rows = [row async for row in await self._db[BALLOTS].aggregate([{"$match": closed}, votes])]
        complaints = await self.complaints(agency=agency)
        return {
            "agency": agency,
            "campaigns_launched": await self._db[CAMPAIGNS].count_documents(_of(agency)),
            "ballots_closed": await self._db[BALLOTS].count_documents(closed),
            "votes_cast": rows[0]["votes"] if rows else 0,
            "complaints": {"total": complaints["total"], "by_status": complaints["by_status"]},
            "notifications": await self.notifications(cause_id=None),
        }


class _Service:
    """Running sums of one service's ratings and evaluations."""

    def __init__(self) -> None:
        self.ratings = 0
        self.overall = 0
        self.dimensions: dict[str, tuple[int, int]] = {}  # name → (ratings, sum)
        self.evaluations = 0
        self.scores = 0.0

    def rate(self, rating: dict[str, Any]) -> None:
        self.ratings += 1
        self.overall += rating["overall"]
        for name, score in (rating.get("dimensions") or {}).items():
            count, total = self.dimensions.get(name, (0, 0))
            self.dimensions[name] = (count + 1, total + score)

    def evaluate(self, evaluation: dict[str, Any]) -> None:
        self.evaluations += 1
        self.scores += evaluation["score"]

    def figures(self) -> dict[str, Any]:
        dimensions = {
            name: {"count": count, "average": _average(total, count)}
            for name, (count, total) in sorted(self.dimensions.items())
        }
        return {
            "ratings": {"count": self.ratings, "average": _average(self.overall, self.ratings), "dimensions": dimensions},
            "evaluations": {"count": self.evaluations, "average_score": _average(self.scores, self.evaluations)},
        }


def _next(documents: list[dict[str, Any]], limit: int, field: str) -> str | None:
    return cursor_of(documents[limit - 1], field) if len(documents) > limit else None


def _average(total: float, count: int) -> float | None:
    return round(total / count, 2) if count else None


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def _of(agency: str | None) -> dict[str, Any]:
    return {"agency": agency} if agency else {}


def _tally(by_status: dict[str, int]) -> dict[str, Any]:
    return {"total": sum(by_status.values()), "by_status": dict(sorted(by_status.items()))}


def _renamed(document: dict[str, Any], id_field: str) -> dict[str, Any]:
    return {id_field: document["_id"], **{k: v for k, v in document.items() if k != "_id"}}


def _ballot(document: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """The ballot as readers see it, its state derived from the events and the clock:
    an opened ballot is scheduled until its opens_at, as voting shows it."""
    ballot = _renamed(document, "ballot_id")
    closed = ballot.pop("closed", False)
    ballot.pop("opened", None)
    if "result" in ballot:
        ballot["state"] = "published"
    elif closed:
        ballot["state"] = "closed"
    elif ballot.get("opens_at") is not None and (now or datetime.now(UTC)) < ballot["opens_at"]:
        ballot["state"] = "scheduled"
    else:
        ballot["state"] = "open"
    return ballot
