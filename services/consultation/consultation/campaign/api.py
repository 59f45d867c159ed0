"""HTTP routes of campaigns: translate requests to handler calls and campaigns to JSON."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from consultation.campaign.domain import Campaign, Plan
from consultation.campaign.handlers import CampaignHandlers
from sharik.events import LocalizedText
from sharik.events.consultation import Assessment, CampaignTool, DecisionInput, DecisionStatus, InputKind
from sharik.http import CurrentUser, OptionalUser

router = APIRouter(prefix="/campaigns", tags=["campaigns"])


def _handlers(request: Request) -> CampaignHandlers:
    return request.app.state.campaigns


Handlers = Annotated[CampaignHandlers, Depends(_handlers)]


class CampaignOut(Campaign):
    """A campaign as the API shows it (its plan, step, tools, assessment, decisions, report)."""

    version: int = Field(default=0, exclude=True)

    @classmethod
    def of(cls, campaign: Campaign) -> "CampaignOut":
        return cls.model_validate(campaign.model_dump(exclude={"version"}))


class LaunchIn(BaseModel):
    tools: tuple[CampaignTool, ...] = Field(default=(), max_length=50)


class InputIn(BaseModel):
    """An input as the officer names it; its figures are counted by the service."""

    kind: InputKind
    ref: str = Field(min_length=1, max_length=200)
    label: LocalizedText


class DecisionIn(BaseModel):
    text: LocalizedText
    inputs: tuple[InputIn, ...] = Field(min_length=1, max_length=50)
    status: DecisionStatus = "planned"
    progress: int = Field(default=0, ge=0, le=100)


class ProgressIn(BaseModel):
    status: DecisionStatus
    progress: int = Field(ge=0, le=100)
    note: LocalizedText | None = None


class ReportIn(BaseModel):
    report: LocalizedText
    press_release: LocalizedText
    links: tuple[Annotated[str, Field(pattern=r"^https?://", max_length=2000)], ...] = Field(default=(), max_length=20)


class CancelIn(BaseModel):
    reason: LocalizedText


@router.post("", status_code=201)
async def plan_campaign(body: Plan, user: CurrentUser, handlers: Handlers) -> CampaignOut:
    """Plan a campaign for the caller's agency → CampaignPlanned."""
    return CampaignOut.of(await handlers.plan(body, by=user))


@router.put("/{campaign_id}/plan")
async def revise_plan(campaign_id: str, body: Plan, user: CurrentUser, handlers: Handlers) -> CampaignOut:
    """Replace the plan while the campaign is planned → CampaignPlanned (next revision)."""
    return CampaignOut.of(await handlers.revise(campaign_id, body, by=user))


@router.post("/{campaign_id}/launch")
async def launch_campaign(
    campaign_id: str, user: CurrentUser, handlers: Handlers, body: LaunchIn | None = None
) -> CampaignOut:
    """Open the campaign with its tools → CampaignLaunched."""
    tools = body.tools if body else ()
    return CampaignOut.of(await handlers.launch(campaign_id, tools, by=user))


@router.post("/{campaign_id}/analysis")
async def analyse_campaign(campaign_id: str, body: Assessment, user: CurrentUser, handlers: Handlers) -> CampaignOut:
    """Record the officer's assessment → CampaignAnalysed."""
    return CampaignOut.of(await handlers.analyse(campaign_id, body, by=user))


@router.post("/{campaign_id}/decisions", status_code=201)
async def record_decision(campaign_id: str, body: DecisionIn, user: CurrentUser, handlers: Handlers) -> CampaignOut:
    """Record a decision with the inputs it is based on → DecisionRecorded."""
    campaign = await handlers.decide(
        campaign_id,
        text=body.text,
        inputs=tuple(DecisionInput(**i.model_dump()) for i in body.inputs),
        status=body.status,
        progress=body.progress,
        by=user,
    )
    return CampaignOut.of(campaign)


@router.post("/{campaign_id}/decisions/{decision_id}/progress")
async def progress_decision(
    campaign_id: str, decision_id: str, body: ProgressIn, user: CurrentUser, handlers: Handlers
) -> CampaignOut:
    """Tell how far a decision's implementation has come → DecisionProgressed."""
    campaign = await handlers.progress(
        campaign_id, decision_id, status=body.status, progress=body.progress, note=body.note, by=user
    )
    return CampaignOut.of(campaign)


@router.post("/{campaign_id}/report")
async def report_campaign(campaign_id: str, body: ReportIn, user: CurrentUser, handlers: Handlers) -> CampaignOut:
    """Publish what was done with the input → CampaignReported."""
    campaign = await handlers.report(
        campaign_id, report=body.report, press_release=body.press_release, links=body.links, by=user
    )
    return CampaignOut.of(campaign)


@router.post("/{campaign_id}/close")
async def close_campaign(campaign_id: str, user: CurrentUser, handlers: Handlers) -> CampaignOut:
    """Close a reported campaign → CampaignClosed."""
    return CampaignOut.of(await handlers.close(campaign_id, by=user))


@router.post("/{campaign_id}/cancel")
async def cancel_campaign(campaign_id: str, body: CancelIn, user: CurrentUser, handlers: Handlers) -> CampaignOut:
    """Call the campaign off before it is reported, saying why → CampaignCancelled."""
    return CampaignOut.of(await handlers.cancel(campaign_id, body.reason, by=user))


@router.get("/{campaign_id}")
async def view_campaign(campaign_id: str, user: OptionalUser, handlers: Handlers) -> CampaignOut:
    return CampaignOut.of(await handlers.view(campaign_id, by=user))


@router.get("/{campaign_id}/tools")
async def campaign_tools(campaign_id: str, user: OptionalUser, handlers: Handlers) -> list[dict]:
    """The tools attached at launch: surveys and draft-policy consultations with their
    title, phase and path here; ballots and others by kind and id."""
    return await handlers.tools(campaign_id, by=user)


@router.get("")
async def list_campaigns(
    user: OptionalUser,
    handlers: Handlers,
    agency: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[CampaignOut]:
    """Launched campaigns, newest first; staff also see their own agency's planned ones."""
    campaigns = await handlers.listed(agency=agency, by=user, limit=limit)
    return [CampaignOut.of(c) for c in campaigns]
