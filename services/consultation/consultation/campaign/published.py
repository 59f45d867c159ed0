"""The catalog event each campaign step publishes (HANDBOOK §4.5: the public contract
is mapped from the aggregate here, nowhere else)."""

from consultation.campaign.decisions import Decision
from consultation.campaign.domain import Campaign
from consultation.events import envelope
from sharik.events import Envelope
from sharik.events.consultation import (
    CampaignAnalysed,
    CampaignCancelled,
    CampaignClosed,
    CampaignLaunched,
    CampaignPlanned,
    CampaignReported,
    DecisionProgressed,
    DecisionRecorded,
)


def planned(c: Campaign) -> Envelope:
    p = c.plan
    return envelope(
        CampaignPlanned(
            campaign_id=c.campaign_id,
            agency=c.agency,
            kind=p.kind,
            title=p.title,
            target_groups=p.target_groups,
            channels=p.channels,
            tools=p.tools,
            opens_at=p.opens_at,
            closes_at=p.closes_at,
            revision=c.revision,
            planned_at=c.created_at,
        ),
        agency=c.agency,
    )


def launched(c: Campaign) -> Envelope:
    p = c.plan
    return envelope(
        CampaignLaunched(
            campaign_id=c.campaign_id,
            agency=c.agency,
            kind=p.kind,
            title=p.title,
            summary=p.summary,
            opens_at=p.opens_at,
            closes_at=p.closes_at,
            launched_at=c.launched_at,
            tools=c.tools,
        ),
        agency=c.agency,
    )


def analysed(c: Campaign) -> Envelope:
    return envelope(
        CampaignAnalysed(campaign_id=c.campaign_id, agency=c.agency, assessment=c.assessment, analysed_at=c.analysed_at),
        agency=c.agency,
    )


def decision_recorded(c: Campaign, d: Decision) -> Envelope:
    return envelope(
        DecisionRecorded(
            campaign_id=c.campaign_id,
            agency=c.agency,
            decision_id=d.decision_id,
            text=d.text,
            inputs=d.inputs,
            status=d.current.status,
            progress=d.current.progress,
            recorded_at=d.recorded_at,
        ),
        agency=c.agency,
    )


def decision_progressed(c: Campaign, d: Decision) -> Envelope:
    step = d.current
    return envelope(
        DecisionProgressed(
            campaign_id=c.campaign_id,
            agency=c.agency,
            decision_id=d.decision_id,
            sequence=step.sequence,
            status=step.status,
            progress=step.progress,
            note=step.note,
            progressed_at=step.at,
        ),
        agency=c.agency,
    )


def reported(c: Campaign) -> Envelope:
    r = c.report
    return envelope(
        CampaignReported(
            campaign_id=c.campaign_id,
            agency=c.agency,
            report=r.report,
            press_release=r.press_release,
            links=r.links,
            reported_at=r.reported_at,
        ),
        agency=c.agency,
    )


def closed(c: Campaign) -> Envelope:
    return envelope(CampaignClosed(campaign_id=c.campaign_id, agency=c.agency, closed_at=c.closed_at), agency=c.agency)


def cancelled(c: Campaign) -> Envelope:
    return envelope(
        CampaignCancelled(
            campaign_id=c.campaign_id,
            agency=c.agency,
            reason=c.cancel_reason,
            was_launched=c.launched_at is not None,
            cancelled_at=c.cancelled_at,
        ),
        agency=c.agency,
    )
