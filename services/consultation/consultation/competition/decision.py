"""An adopted idea becomes a decision of the campaign, through the campaign's own
decisions (its progress and "you said, we did" then follow as for any decision)."""

from consultation.campaign.handlers import CampaignHandlers
from sharik.auth import Principal
from sharik.events import LocalizedText
from sharik.events.consultation import DecisionInput


def campaign_decider(campaigns: CampaignHandlers):
    """The `decide` that IdeaHandlers call: records a planned decision resting on the idea."""

    async def decide(campaign_id: str, *, idea_id: str, label: LocalizedText, text: LocalizedText, by: Principal) -> str:
        campaign = await campaigns.decide(
            campaign_id,
            text=text,
            inputs=(DecisionInput(kind="idea", ref=idea_id, label=label),),
            status="planned",
            progress=0,
            by=by,
        )
        return campaign.decisions[-1].decision_id

    return decide
