"""Launched campaigns, one document per campaign."""

from reporting.projections.change import CAMPAIGNS, Change
from sharik.events.consultation import CampaignLaunched


def campaign_launched(event: CampaignLaunched) -> list[Change]:
    """A campaign is public from its launch; the event carries all of it."""
    fields = event.model_dump(exclude={"campaign_id"})
    return [Change(CAMPAIGNS, event.campaign_id, {"$set": fields})]
