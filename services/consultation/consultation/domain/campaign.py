"""A participation campaign: planned by an agency as a draft, then launched to the
public for a window of time (DOMAIN.md: plan → launch → analyse → apply → report)."""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from sharik.errors import Conflict, Invalid

CampaignKind = Literal["consultation", "survey", "poll", "idea_competition", "initiative"]
CampaignState = Literal["draft", "launched"]


@dataclass(frozen=True)
class Text:
    ar: str
    en: str


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    agency: str
    kind: CampaignKind
    title: Text
    summary: Text
    opens_at: datetime
    closes_at: datetime
    created_by: str
    created_at: datetime
    state: CampaignState = "draft"
    launched_at: datetime | None = None
    version: int = 0

    @classmethod
    def plan(
        cls,
        *,
        campaign_id: str,
        agency: str,
        kind: CampaignKind,
        title: Text,
        summary: Text,
        opens_at: datetime,
        closes_at: datetime,
        created_by: str,
        now: datetime,
    ) -> "Campaign":
        """A new draft; its window must end after it starts and not lie in the past."""
        if closes_at <= opens_at:
            raise Invalid("closes_at must be after opens_at", details=[{"field": "closes_at"}])
        if closes_at <= now:
            raise Invalid("closes_at is in the past", details=[{"field": "closes_at"}])
        return cls(
            campaign_id=campaign_id,
            agency=agency,
            kind=kind,
            title=title,
            summary=summary,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=created_by,
            created_at=now,
        )

    def launch(self, *, now: datetime) -> "Campaign":
        """Open the campaign to the public."""
        if self.state != "draft":
            raise Conflict(f"campaign is already {self.state}")
        if self.closes_at <= now:
            raise Conflict("campaign window has already ended")
        return replace(self, state="launched", launched_at=now)

    @property
    def is_public(self) -> bool:
        return self.state != "draft"
