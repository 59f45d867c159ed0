"""HTTP routes: translate requests to commands and campaigns to responses."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from consultation.domain.campaign import Campaign, CampaignKind, CampaignState, Text
from consultation.handlers import CampaignHandlers, PlanCampaign
from sharik.events import LocalizedText
from sharik.http import CurrentUser, OptionalUser

router = APIRouter(prefix="/campaigns", tags=["campaigns"])


def _handlers(request: Request) -> CampaignHandlers:
    return request.app.state.campaigns


Handlers = Annotated[CampaignHandlers, Depends(_handlers)]


class CampaignIn(BaseModel):
    kind: CampaignKind
    title: LocalizedText
    summary: LocalizedText
    opens_at: datetime
    closes_at: datetime


class CampaignOut(BaseModel):
    campaign_id: str
    agency: str
    kind: CampaignKind
    state: CampaignState
    title: LocalizedText
    summary: LocalizedText
    opens_at: datetime
    closes_at: datetime
    launched_at: datetime | None

    @classmethod
    def of(cls, campaign: Campaign) -> "CampaignOut":
        return cls(
            campaign_id=campaign.campaign_id,
            agency=campaign.agency,
            kind=campaign.kind,
            state=campaign.state,
            title=LocalizedText(ar=campaign.title.ar, en=campaign.title.en),
            summary=LocalizedText(ar=campaign.summary.ar, en=campaign.summary.en),
            opens_at=campaign.opens_at,
            closes_at=campaign.closes_at,
            launched_at=campaign.launched_at,
        )


@router.post("", status_code=201)
async def plan_campaign(body: CampaignIn, user: CurrentUser, handlers: Handlers) -> CampaignOut:
    """Draft a campaign for the caller's agency."""
    campaign = await handlers.plan(
        PlanCampaign(
            kind=body.kind,
            title=Text(ar=body.title.ar, en=body.title.en),
            summary=Text(ar=body.summary.ar, en=body.summary.en),
            opens_at=body.opens_at,
            closes_at=body.closes_at,
        ),
        by=user,
    )
    return CampaignOut.of(campaign)


@router.post("/{campaign_id}/launch")
async def launch_campaign(campaign_id: str, user: CurrentUser, handlers: Handlers) -> CampaignOut:
    """Open a draft campaign to the public; emits CampaignLaunched."""
    return CampaignOut.of(await handlers.launch(campaign_id, by=user))


@router.get("/{campaign_id}")
async def view_campaign(campaign_id: str, user: OptionalUser, handlers: Handlers) -> CampaignOut:
    return CampaignOut.of(await handlers.view(campaign_id, by=user))


@router.get("")
async def list_campaigns(
    user: OptionalUser,
    handlers: Handlers,
    agency: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[CampaignOut]:
    """Launched campaigns, newest first; staff also see their own agency's drafts."""
    campaigns = await handlers.list(agency=agency, by=user, limit=limit)
    return [CampaignOut.of(c) for c in campaigns]
