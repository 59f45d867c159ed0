"""Events of the consultation service (topic consultation.campaigns)."""

from datetime import datetime
from typing import Literal

from sharik.events.base import Event, LocalizedText

CampaignKind = Literal["consultation", "survey", "poll", "idea_competition", "initiative"]


class CampaignLaunched(Event):
    """An agency opened a participation campaign to the public."""

    name = "CampaignLaunched"
    version = 1
    topic = "consultation.campaigns"
    subject_field = "campaign_id"

    campaign_id: str
    agency: str
    kind: CampaignKind
    title: LocalizedText
    summary: LocalizedText
    opens_at: datetime
    closes_at: datetime
    launched_at: datetime
