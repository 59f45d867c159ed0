"""Read side: what the transparency pages show, computed from the read model with
queries and aggregations (never from counters kept beside it)."""

from typing import Any

from reporting.projections.change import BALLOTS, CAMPAIGNS, COMPLAINTS, DELIVERIES
from reporting.projections.deliveries import OUTCOMES
from reporting.store import ReadModel
from sharik.errors import NotFound


class TransparencyViews:
    def __init__(self, read_model: ReadModel) -> None:
        self._db = read_model

    async def campaigns(self, *, agency: str | None, limit: int) -> list[dict[str, Any]]:
        """Launched campaigns, latest launch first."""
        cursor = self._db[CAMPAIGNS].find(_of(agency)).sort([("launched_at", -1), ("_id", 1)]).limit(limit)
        return [_renamed(doc, "campaign_id") async for doc in cursor]

    async def ballots(self, *, agency: str | None, limit: int) -> list[dict[str, Any]]:
        """Ballots with their state and, once published, their result; latest first."""
        cursor = self._db[BALLOTS].find(_of(agency)).sort([("opens_at", -1), ("_id", 1)]).limit(limit)
        return [_ballot(doc) async for doc in cursor]

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


def _of(agency: str | None) -> dict[str, Any]:
    return {"agency": agency} if agency else {}


def _tally(by_status: dict[str, int]) -> dict[str, Any]:
    return {"total": sum(by_status.values()), "by_status": dict(sorted(by_status.items()))}


def _renamed(document: dict[str, Any], id_field: str) -> dict[str, Any]:
    return {id_field: document["_id"], **{k: v for k, v in document.items() if k != "_id"}}


def _ballot(document: dict[str, Any]) -> dict[str, Any]:
    ballot = _renamed(document, "ballot_id")
    closed = ballot.pop("closed", False)
    ballot.pop("opened", None)
    ballot["state"] = "published" if "result" in ballot else "closed" if closed else "open"
    return ballot
