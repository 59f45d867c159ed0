"""Use cases of a campaign: each loads it, checks the caller, applies one step and
saves it with the step's catalog event."""

from datetime import UTC, datetime

from ulid import ULID

from consultation.campaign import published
from consultation.campaign.decisions import Decision, first_progress
from consultation.campaign.domain import Campaign, Plan, Report
from consultation.campaign.store import CampaignStore
from consultation.campaign.tools import ToolCheck
from sharik.auth import Principal
from sharik.errors import NotFound
from sharik.events import LocalizedText
from sharik.events.consultation import Assessment, CampaignTool, DecisionInput, DecisionStatus


def _now() -> datetime:
    return datetime.now(UTC)


class CampaignHandlers:
    def __init__(self, store: CampaignStore, *, tools: ToolCheck, on_saved=lambda: None) -> None:
        self._store = store
        self._tools = tools
        self._on_saved = on_saved

    async def plan(self, plan: Plan, *, by: Principal) -> Campaign:
        """An officer plans a campaign for their own agency."""
        by.require("officer", "agency_admin")
        campaign = Campaign.planned(
            campaign_id=str(ULID()), agency=by.agency, plan=plan, created_by=by.subject, now=_now()
        )
        return await self._add(campaign)

    async def revise(self, campaign_id: str, plan: Plan, *, by: Principal) -> Campaign:
        campaign = await self._own(campaign_id, by)
        return await self._save(campaign.revise(plan, now=_now()), published.planned)

    async def launch(self, campaign_id: str, tools: tuple[CampaignTool, ...], *, by: Principal) -> Campaign:
        """Open the campaign with its tools; this service's surveys and consultations
        must be the agency's own and belong to this campaign."""
        campaign = await self._own(campaign_id, by)
        await self._tools.check(tools, agency=campaign.agency, campaign_id=campaign_id)
        return await self._save(campaign.launch(tools, now=_now()), published.launched)

    async def analyse(self, campaign_id: str, assessment: Assessment, *, by: Principal) -> Campaign:
        campaign = await self._own(campaign_id, by)
        return await self._save(campaign.analyse(assessment, now=_now()), published.analysed)

    async def decide(
        self,
        campaign_id: str,
        *,
        text: LocalizedText,
        inputs: tuple[DecisionInput, ...],
        status: DecisionStatus,
        progress: int,
        by: Principal,
    ) -> Campaign:
        """Record a decision and the citizens' input it rests on."""
        campaign = await self._own(campaign_id, by)
        evidence = await self._tools.evidence(inputs, campaign=campaign)
        now = _now()
        decision = Decision(
            decision_id=str(ULID()),
            text=text,
            inputs=evidence,
            history=(first_progress(status=status, progress=progress, at=now),),
            recorded_at=now,
        )
        decided = campaign.decide(decision)
        saved = await self._store.save(decided, [published.decision_recorded(decided, decision)])
        self._on_saved()
        return saved

    async def progress(
        self,
        campaign_id: str,
        decision_id: str,
        *,
        status: DecisionStatus,
        progress: int,
        note: LocalizedText | None,
        by: Principal,
    ) -> Campaign:
        campaign = await self._own(campaign_id, by)
        decision = campaign.decision(decision_id).progressed(status=status, progress=progress, note=note, at=_now())
        saved = await self._store.save(
            campaign.progress(decision_id, decision), [published.decision_progressed(campaign, decision)]
        )
        self._on_saved()
        return saved

    async def report(
        self, campaign_id: str, *, report: LocalizedText, press_release: LocalizedText, links: tuple[str, ...], by: Principal
    ) -> Campaign:
        campaign = await self._own(campaign_id, by)
        reported = campaign.publish_report(
            Report(report=report, press_release=press_release, links=links, reported_at=_now())
        )
        return await self._save(reported, published.reported)

    async def close(self, campaign_id: str, *, by: Principal) -> Campaign:
        campaign = await self._own(campaign_id, by)
        return await self._save(campaign.close(now=_now()), published.closed)

    async def cancel(self, campaign_id: str, reason: LocalizedText, *, by: Principal) -> Campaign:
        campaign = await self._own(campaign_id, by)
        return await self._save(campaign.cancel(reason, now=_now()), published.cancelled)

    async def view(self, campaign_id: str, *, by: Principal | None) -> Campaign:
        """Launched campaigns are public; planned ones only to their agency's staff."""
        campaign = await self._store.get(campaign_id)
        if not campaign.is_public:
            if by is None or not by.has("officer", "agency_admin"):
                raise NotFound(f"no campaign {campaign_id}")
            by.require_staff_of(campaign.agency)
        return campaign

    async def tools(self, campaign_id: str, *, by: Principal | None) -> list[dict]:
        """The campaign's tools, described."""
        campaign = await self.view(campaign_id, by=by)
        return await self._tools.describe(campaign.tools)

    async def listed(self, *, agency: str | None, by: Principal | None, limit: int) -> list[Campaign]:
        own_agency = by.agency if by is not None and by.has("officer", "agency_admin") else None
        return await self._store.visible(agency=agency, include_planned_of=own_agency, limit=limit)

    async def _own(self, campaign_id: str, by: Principal) -> Campaign:
        campaign = await self._store.get(campaign_id)
        by.require_staff_of(campaign.agency)
        return campaign

    async def _add(self, campaign: Campaign) -> Campaign:
        saved = await self._store.add(campaign, [published.planned(campaign)])
        self._on_saved()
        return saved

    async def _save(self, campaign: Campaign, event_of) -> Campaign:
        saved = await self._store.save(campaign, [event_of(campaign)])
        self._on_saved()
        return saved
