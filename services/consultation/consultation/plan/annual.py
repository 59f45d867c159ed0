"""An agency's annual plan (seed 002): its campaigns by quarter with topic, target
groups, channels, tools and status (planned / open until a date / done and published)."""

from datetime import UTC, datetime
from typing import Any

from consultation.campaign.domain import Campaign

STATUS = {
    "planned": "planned",
    "launched": "open",
    "analysed": "analysing",
    "applying": "applying",
    "reported": "done_and_published",
    "closed": "done_and_published",
    "cancelled": "cancelled",
}


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def quarter(at: datetime) -> int:
    return (at.month - 1) // 3 + 1


def plan_entry(campaign: Campaign) -> dict[str, Any]:
    p = campaign.plan
    return {
        "campaign_id": campaign.campaign_id,
        "topic": p.title.model_dump(),
        "kind": p.kind,
        "target_groups": list(p.target_groups),
        "channels": list(p.channels),
        "tools": sorted({*p.tools, *(t.kind for t in campaign.tools)}),
        "opens_at": p.opens_at,
        "closes_at": p.closes_at,
        "status": STATUS[campaign.state],
        "open_until": p.closes_at if campaign.state == "launched" else None,
    }


def annual_plan(agency: str, year: int, campaigns: list[Campaign]) -> dict[str, Any]:
    quarters: dict[int, list] = {q: [] for q in range(1, 5)}
    for campaign in campaigns:
        quarters[quarter(campaign.plan.opens_at)].append(plan_entry(campaign))
    return {
        "agency": agency,
        "year": year,
        "quarters": [{"quarter": q, "campaigns": entries} for q, entries in quarters.items()],
    }
