"""Use cases: command in, aggregate loaded, rule applied, state and events saved."""

from dataclasses import dataclass
from datetime import UTC, datetime

from ulid import ULID

from consultation.domain.campaign import Campaign, CampaignKind, Text
from consultation.store import CampaignStore
from sharik.auth import Principal
from sharik.errors import NotFound
from sharik.events import Envelope, LocalizedText
from sharik.events.consultation import CampaignLaunched

SOURCE = "consultation"


@dataclass(frozen=True)
class PlanCampaign:
    kind: CampaignKind
    title: Text
    summary: Text
    opens_at: datetime
    closes_at: datetime


class CampaignHandlers:
    def __init__(self, store: CampaignStore, *, on_saved=lambda: None) -> None:
        self._store = store
        self._on_saved = on_saved

    async def plan(self, command: PlanCampaign, *, by: Principal) -> Campaign:
        """An officer drafts a campaign for their own agency."""
        by.require("officer", "agency_admin")
        campaign = Campaign.plan(
            campaign_id=str(ULID()),
            agency=by.agency,
            kind=command.kind,
            title=command.title,
            summary=command.summary,
            opens_at=command.opens_at,
            closes_at=command.closes_at,
            created_by=by.subject,
            now=datetime.now(UTC),
        )
        return await self._store.add(campaign, [])

    async def launch(self, campaign_id: str, *, by: Principal) -> Campaign:
        """An officer of the campaign's agency opens it to the public."""
        campaign = await self._store.get(campaign_id)
        by.require_staff_of(campaign.agency)
        launched = campaign.launch(now=datetime.now(UTC))
        saved = await self._store.save(launched, [_launched_event(launched)])
        self._on_saved()
        return saved

    async def view(self, campaign_id: str, *, by: Principal | None) -> Campaign:
        """Launched campaigns are public; drafts only to their agency's staff."""
        campaign = await self._store.get(campaign_id)
        if not campaign.is_public:
            if by is None:
                raise NotFound(f"no campaign {campaign_id}")
            by.require_staff_of(campaign.agency)
        return campaign

    async def list(self, *, agency: str | None, by: Principal | None, limit: int) -> list[Campaign]:
        own_agency = by.agency if by is not None and by.has("officer", "agency_admin") else None
        return await self._store.list(agency=agency, include_drafts_of=own_agency, limit=limit)


def _launched_event(campaign: Campaign) -> Envelope:
    return Envelope(
        source=SOURCE,
        agency=campaign.agency,
        event=CampaignLaunched(
            campaign_id=campaign.campaign_id,
            agency=campaign.agency,
            kind=campaign.kind,
            title=LocalizedText(ar=campaign.title.ar, en=campaign.title.en),
            summary=LocalizedText(ar=campaign.summary.ar, en=campaign.summary.en),
            opens_at=campaign.opens_at,
            closes_at=campaign.closes_at,
            launched_at=campaign.launched_at,
        ),
    )
