"""Every public event by its CloudEvents type, and every topic with its partitions."""

from sharik.events.base import Event
from sharik.events.consultation import (
    CampaignAnalysed,
    CampaignCancelled,
    CampaignClosed,
    CampaignLaunched,
    CampaignPlanned,
    CampaignReported,
    CommentPosted,
    ContentFlagged,
    ContentHidden,
    ContentRestored,
    DecisionProgressed,
    DecisionRecorded,
    DraftPolicyAdopted,
    DraftPolicyPublished,
    KpiTargetsSet,
    SectionConcluded,
    SurveyPublished,
    SurveyResponseSubmitted,
)
from sharik.events.feedback import (
    ComplaintEscalated,
    ComplaintFiled,
    ComplaintRated,
    ComplaintReopened,
    ComplaintRouted,
    ComplaintStatusChanged,
    ServiceEvaluated,
    ServiceRated,
)
from sharik.events.notifier import NotificationFailed, NotificationSent
from sharik.events.voting import BallotClosed, BallotOpened, ResultPublished, VoteCast

CATALOG: dict[str, type[Event]] = {
    cls.type_name(): cls
    for cls in (
        CampaignPlanned,
        CampaignLaunched,
        CampaignAnalysed,
        DecisionRecorded,
        DecisionProgressed,
        CampaignReported,
        CampaignClosed,
        CampaignCancelled,
        SurveyPublished,
        SurveyResponseSubmitted,
        DraftPolicyPublished,
        CommentPosted,
        SectionConcluded,
        DraftPolicyAdopted,
        ContentFlagged,
        ContentHidden,
        ContentRestored,
        KpiTargetsSet,
        BallotOpened,
        VoteCast,
        BallotClosed,
        ResultPublished,
        ComplaintFiled,
        ComplaintStatusChanged,
        ComplaintRated,
        ComplaintEscalated,
        ComplaintRouted,
        ComplaintReopened,
        ServiceRated,
        ServiceEvaluated,
        NotificationSent,
        NotificationFailed,
    )
}

# Partitions per topic. Votes get many so one national ballot spreads over parallel
# tally consumers; the rest are ordered per aggregate and modest in volume.
TOPICS: dict[str, int] = {
    "consultation.campaigns": 3,
    "consultation.surveys": 6,
    "consultation.documents": 3,
    "consultation.moderation": 3,
    "consultation.plans": 1,
    "voting.ballots": 3,
    "voting.votes": 12,
    "feedback.complaints": 6,
    "feedback.services": 3,
    "notifier.deliveries": 3,
}


def event_class(type_name: str) -> type[Event]:
    """The catalog class for a CloudEvents type; KeyError when it is not in the catalog."""
    return CATALOG[type_name]
