"""Campaigns in MongoDB: one document per campaign, its events in the document's outbox."""

from dataclasses import asdict, replace
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from consultation.domain.campaign import Campaign, Text
from sharik.errors import NotFound
from sharik.events import Envelope
from sharik.store import STATE_ONLY, insert_aggregate, public_or_own_drafts, update_aggregate


class CampaignStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.campaigns = db["campaigns"]

    async def create_indexes(self) -> None:
        await self.campaigns.create_index([("agency", ASCENDING), ("state", ASCENDING)])
        # The public listing: every campaign past its draft, newest first.
        await self.campaigns.create_index([("state", ASCENDING), ("created_at", DESCENDING)])

    async def get(self, campaign_id: str) -> Campaign:
        document = await self.campaigns.find_one({"_id": campaign_id}, STATE_ONLY)
        if document is None:
            raise NotFound(f"no campaign {campaign_id}")
        return _campaign(document)

    async def add(self, campaign: Campaign, events: list[Envelope]) -> Campaign:
        await insert_aggregate(self.campaigns, _document(campaign), events)
        return replace(campaign, version=1)

    async def save(self, campaign: Campaign, events: list[Envelope]) -> Campaign:
        document = _document(campaign)
        document.pop("_id")
        version = await update_aggregate(
            self.campaigns, campaign.campaign_id, expected_version=campaign.version, changes=document, events=events
        )
        return replace(campaign, version=version)

    async def list(self, *, agency: str | None, include_drafts_of: str | None, limit: int) -> list[Campaign]:
        """Launched campaigns (optionally of one agency), plus the drafts of the caller's agency."""
        query = public_or_own_drafts(agency=agency, own_agency=include_drafts_of)
        cursor = self.campaigns.find(query, STATE_ONLY).sort("created_at", -1).limit(limit)
        return [_campaign(document) async for document in cursor]


def _document(campaign: Campaign) -> dict[str, Any]:
    document = asdict(campaign)
    document["_id"] = document.pop("campaign_id")
    document.pop("version")
    return document


def _campaign(document: dict[str, Any]) -> Campaign:
    fields = {k: v for k, v in document.items() if k not in ("_id", "outbox")}
    return Campaign(
        **{**fields, "campaign_id": document["_id"], "title": Text(**fields["title"]), "summary": Text(**fields["summary"])}
    )
