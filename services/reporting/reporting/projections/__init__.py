"""Pure projections of catalog events onto the transparency read model: each event
becomes one or more single-document updates that give the same result however often it is
applied and in whichever order an aggregate's events arrive."""

from collections.abc import Callable

from reporting.projections.ballots import ballot_closed, ballot_opened, result_published
from reporting.projections.campaigns import campaign_launched
from reporting.projections.change import Change
from reporting.projections.complaints import (
    complaint_escalated,
    complaint_filed,
    complaint_rated,
    complaint_status_changed,
)
from reporting.projections.deliveries import notification_failed, notification_sent
from reporting.projections.alerts import PROJECTIONS as ALERTS
from reporting.projections.formats import PROJECTIONS as FORMATS
from reporting.projections.moderation import PROJECTIONS as MODERATION
from reporting.projections.participation import PROJECTIONS as PARTICIPATION
from reporting.projections.services import service_evaluated, service_rated
from sharik.events import CATALOG, Event
from sharik.events.consultation import CampaignLaunched
from sharik.events.feedback import ComplaintFiled, ComplaintRated, ComplaintStatusChanged, ServiceEvaluated, ServiceRated
from sharik.events.notifier import NotificationFailed, NotificationSent
from sharik.events.voting import BallotClosed, BallotOpened, ResultPublished

PROJECTIONS: dict[type[Event], Callable[[Event], list[Change]]] = {
    CampaignLaunched: campaign_launched,
    BallotOpened: ballot_opened,
    BallotClosed: ballot_closed,
    ResultPublished: result_published,
    ComplaintFiled: complaint_filed,
    ComplaintStatusChanged: complaint_status_changed,
    ComplaintRated: complaint_rated,
    ServiceRated: service_rated,
    ServiceEvaluated: service_evaluated,
    NotificationSent: notification_sent,
    NotificationFailed: notification_failed,
    **PARTICIPATION,
    **FORMATS,
    **MODERATION,
    **ALERTS,
}

# Escalations are being added to the catalog as this is written; they are projected
# where the catalog has them, so this module does not depend on their class.
_ESCALATED = CATALOG.get("om.sharik.feedback.ComplaintEscalated.v1")
if _ESCALATED is not None:
    PROJECTIONS[_ESCALATED] = complaint_escalated

# Every topic an event above travels on; voting.votes is not needed, results come
# from ResultPublished.
TOPICS: list[str] = sorted({event.topic for event in PROJECTIONS})


def project(event: Event) -> list[Change]:
    """The read-model changes an event makes, to apply in order."""
    return PROJECTIONS[type(event)](event)


__all__ = ["PROJECTIONS", "TOPICS", "Change", "project"]
