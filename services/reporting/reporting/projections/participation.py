"""The consultation service's campaigns past their launch, their tools and what
citizens contributed, as read models:

- campaigns: the launch's document gains each later step's fields (analysed, reported,
  closed, cancelled), each set by one event only, so their order does not matter;
- decisions: one document per decision; its current status applies only over a lower
  `sequence`, and every step joins its history once ($addToSet), so a decision's page
  is the same whatever order or how often its events arrive;
- tools: one document per survey or draft-policy consultation, with each section's
  outcome and the adopted version's changes;
- contributions: one document per survey response or comment (its id), so a repeat
  never counts twice; the participant is the campaign pseudonym, or none;
- kpi_targets: an agency's targets per half-year, the highest revision winning."""

from typing import Any

from reporting.projections.change import CAMPAIGNS, Change
from sharik.events.consultation import (
    CampaignAnalysed,
    CampaignCancelled,
    CampaignClosed,
    CampaignReported,
    CommentPosted,
    DecisionProgressed,
    DecisionRecorded,
    DraftPolicyAdopted,
    DraftPolicyPublished,
    KpiTargetsSet,
    SectionConcluded,
    SurveyPublished,
    SurveyResponseSubmitted,
)

DECISIONS = "decisions"
TOOLS = "tools"
CONTRIBUTIONS = "contributions"
KPI_TARGETS = "kpi_targets"
COLLECTIONS = (DECISIONS, TOOLS, CONTRIBUTIONS, KPI_TARGETS)


def campaign_analysed(event: CampaignAnalysed) -> list[Change]:
    fields = {"agency": event.agency, "assessment": event.assessment.model_dump(), "analysed_at": event.analysed_at}
    return [Change(CAMPAIGNS, event.campaign_id, {"$set": fields})]


def campaign_reported(event: CampaignReported) -> list[Change]:
    report = event.model_dump(include={"report", "press_release", "links"})
    fields = {"agency": event.agency, "report": report, "reported_at": event.reported_at}
    return [Change(CAMPAIGNS, event.campaign_id, {"$set": fields})]


def campaign_closed(event: CampaignClosed) -> list[Change]:
    return [Change(CAMPAIGNS, event.campaign_id, {"$set": {"agency": event.agency, "closed_at": event.closed_at}})]


def campaign_cancelled(event: CampaignCancelled) -> list[Change]:
    """Only a campaign the public saw launched is shown as cancelled."""
    if not event.was_launched:
        return []
    fields = {"agency": event.agency, "cancel_reason": event.reason.model_dump(), "cancelled_at": event.cancelled_at}
    return [Change(CAMPAIGNS, event.campaign_id, {"$set": fields})]


def decision_recorded(event: DecisionRecorded) -> list[Change]:
    step = {"sequence": 0, "status": event.status, "progress": event.progress, "note": None, "at": event.recorded_at}
    facts = {
        "campaign_id": event.campaign_id,
        "agency": event.agency,
        "text": event.text.model_dump(),
        "inputs": [i.model_dump() for i in event.inputs],
        "recorded_at": event.recorded_at,
    }
    return [
        _current(event.decision_id, step, seed={}),
        Change(DECISIONS, event.decision_id, {"$set": facts, "$addToSet": {"history": step}}),
    ]


def decision_progressed(event: DecisionProgressed) -> list[Change]:
    step = {
        "sequence": event.sequence,
        "status": event.status,
        "progress": event.progress,
        "note": event.note.model_dump() if event.note else None,
        "at": event.progressed_at,
    }
    seed = {"campaign_id": event.campaign_id, "agency": event.agency}
    return [
        _current(event.decision_id, step, seed=seed),
        Change(DECISIONS, event.decision_id, {"$addToSet": {"history": step}}),
    ]


def _current(decision_id: str, step: dict[str, Any], *, seed: dict[str, Any]) -> Change:
    # First in the list: when it creates the document, the guard below is what later
    # (lower) steps meet; a step created by facts alone would have no sequence.
    current = {"sequence": step["sequence"], "status": step["status"], "progress": step["progress"], "updated_at": step["at"]}
    return Change(DECISIONS, decision_id, {"$set": {**current, **seed}}, guard={"sequence": {"$lt": step["sequence"]}})


def survey_published(event: SurveyPublished) -> list[Change]:
    fields = event.model_dump(include={"agency", "campaign_id", "title", "opens_at", "closes_at", "published_at"})
    return [Change(TOOLS, event.survey_id, {"$set": {**fields, "kind": "survey"}})]


def draft_policy_published(event: DraftPolicyPublished) -> list[Change]:
    fields = event.model_dump(include={"agency", "campaign_id", "title", "sections", "opens_at", "closes_at", "published_at"})
    return [Change(TOOLS, event.document_id, {"$set": {**fields, "kind": "draft_policy"}})]


def section_concluded(event: SectionConcluded) -> list[Change]:
    outcome = {"outcome": event.outcome, "reason": event.reason.model_dump(), "concluded_at": event.concluded_at}
    return [Change(TOOLS, event.document_id, {"$set": {f"outcomes.{event.section}": outcome, "agency": event.agency}})]


def draft_policy_adopted(event: DraftPolicyAdopted) -> list[Change]:
    fields = {
        "agency": event.agency,
        "adopted_at": event.adopted_at,
        "text_version": event.text_version,
        "changed_sections": list(event.changed_sections),
    }
    return [Change(TOOLS, event.document_id, {"$set": fields})]


def response_submitted(event: SurveyResponseSubmitted) -> list[Change]:
    return [_contribution(event.response_id, "survey", event.survey_id, event, event.submitted_at)]


def comment_posted(event: CommentPosted) -> list[Change]:
    change = _contribution(event.comment_id, "draft_policy", event.document_id, event, event.posted_at)
    change.update["$set"].update({"section": event.section, "stance": event.stance, "reply_to": event.reply_to})
    return [change]


def _contribution(contribution_id: str, tool: str, tool_id: str, event, at) -> Change:
    fields = {
        "tool": tool,
        "tool_id": tool_id,
        "campaign_id": event.campaign_id,
        "agency": event.agency,
        "participant": event.participant,
        "governorate": event.governorate,
        "day": at.date().isoformat(),
        "at": at,
    }
    return Change(CONTRIBUTIONS, contribution_id, {"$set": fields})


def kpi_targets_set(event: KpiTargetsSet) -> list[Change]:
    fields = {"agency": event.agency, "period": event.period, "targets": event.targets.model_dump(),
              "revision": event.revision, "set_at": event.set_at}
    key = f"{event.agency}:{event.period}"
    return [Change(KPI_TARGETS, key, {"$set": fields}, guard={"revision": {"$lt": event.revision}})]


PROJECTIONS = {
    CampaignAnalysed: campaign_analysed,
    CampaignReported: campaign_reported,
    CampaignClosed: campaign_closed,
    CampaignCancelled: campaign_cancelled,
    DecisionRecorded: decision_recorded,
    DecisionProgressed: decision_progressed,
    SurveyPublished: survey_published,
    SurveyResponseSubmitted: response_submitted,
    DraftPolicyPublished: draft_policy_published,
    SectionConcluded: section_concluded,
    DraftPolicyAdopted: draft_policy_adopted,
    CommentPosted: comment_posted,
    KpiTargetsSet: kpi_targets_set,
}

# The KPI tables count by agency and half-year; the national view first finds the
# agencies active in the half-year, hence the indexes on the times alone.
INDEXES: dict[str, list[list[tuple[str, int]]]] = {
    CAMPAIGNS: [[("agency", 1), ("analysed_at", 1)], [("analysed_at", 1)]],
    DECISIONS: [[("campaign_id", 1), ("recorded_at", 1)], [("agency", 1), ("recorded_at", 1)], [("recorded_at", 1)]],
    TOOLS: [[("agency", 1), ("opens_at", 1)], [("campaign_id", 1)], [("opens_at", 1)]],
    CONTRIBUTIONS: [[("campaign_id", 1), ("participant", 1)], [("agency", 1), ("at", 1)], [("tool_id", 1), ("reply_to", 1)]],
    KPI_TARGETS: [[("period", 1), ("agency", 1)]],
}
