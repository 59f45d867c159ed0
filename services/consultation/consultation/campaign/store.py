"""Campaigns in MongoDB: one document per campaign, its events in the document's outbox."""

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from consultation.aggregates import AggregateStore
from consultation.campaign.domain import Campaign


class CampaignStore(AggregateStore[Campaign]):
    def __init__(self, db: AsyncDatabase) -> None:
        super().__init__(db["campaigns"], Campaign, id_field="campaign_id", noun="campaign")
        self.campaigns = self.collection

    async def create_indexes(self) -> None:
        await self.campaigns.create_index([("agency", ASCENDING), ("created_at", DESCENDING)])
        await self.campaigns.create_index([("agency", ASCENDING), ("plan.opens_at", ASCENDING)])
        await self.campaigns.create_index([("launched_at", DESCENDING)])

    async def visible(self, *, agency: str | None, include_planned_of: str | None, limit: int) -> list[Campaign]:
        """Launched campaigns (optionally of one agency), plus every campaign of the
        caller's agency when the caller is its staff."""
        visible: list[dict[str, Any]] = [{"launched_at": {"$ne": None}}]
        if include_planned_of:
            visible.append({"agency": include_planned_of})
        query: dict[str, Any] = {"$or": visible}
        if agency:
            query = {"$and": [query, {"agency": agency}]}
        return await self.find(query, sort=[("created_at", -1)], limit=limit)

    async def of_agency_between(self, agency: str, start: datetime, end: datetime) -> list[Campaign]:
        """An agency's campaigns opening in [start, end), by opening (its annual plan)."""
        query = {"agency": agency, "plan.opens_at": {"$gte": start, "$lt": end}}
        return await self.find(query, sort=[("plan.opens_at", 1)], limit=1000)
