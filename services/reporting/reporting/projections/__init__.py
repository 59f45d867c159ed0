"""Pure projections of catalog events onto the transparency read model: each event
becomes one single-document update that gives the same result however often it is
applied and in whichever order an aggregate's events arrive."""

from collections.abc import Callable

from reporting.projections.ballots import ballot_closed, ballot_opened, result_published
from reporting.projections.campaigns import campaign_launched
from reporting.projections.change import Change
from reporting.projections.complaints import complaint_filed, complaint_status_changed
from reporting.projections.deliveries import notification_failed, notification_sent
from sharik.events import Event
from sharik.events.consultation import CampaignLaunched
from sharik.events.feedback import ComplaintFiled, ComplaintStatusChanged
from sharik.events.notifier import NotificationFailed, NotificationSent
from sharik.events.voting import BallotClosed, BallotOpened, ResultPublished

PROJECTIONS: dict[type[Event], Callable[[Event], Change]] = {
    CampaignLaunched: campaign_launched,
    BallotOpened: ballot_opened,
    BallotClosed: ballot_closed,
    ResultPublished: result_published,
    ComplaintFiled: complaint_filed,
    ComplaintStatusChanged: complaint_status_changed,
    NotificationSent: notification_sent,
    NotificationFailed: notification_failed,
}

# Every topic an event above travels on; voting.votes is not needed, results come
# from ResultPublished.
TOPICS: list[str] = sorted({event.topic for event in PROJECTIONS})


def project(event: Event) -> Change:
    """The read-model change an event makes."""
    return PROJECTIONS[type(event)](event)


__all__ = ["PROJECTIONS", "TOPICS", "Change", "project"]
