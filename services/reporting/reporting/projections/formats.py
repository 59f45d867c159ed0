"""Idea competitions, citizen initiatives and live question sessions as read models.
Each event sets fields that only it sets (or joins a set once), so the documents are
the same whatever order or how often the events arrive:

- competitions: the call, every stage opened (a set; the current one is the highest
  index), each judged stage's ranking and who advanced, the winners;
- ideas: one document per idea (theme, language, team size), screened, withdrawn,
  adopted as which decision, funded with how much;
- initiatives: one per initiative from filing through admission, the threshold,
  the answer (and whether it was late), an overdue flag, or expiry;
- live_sessions: the schedule and, once published, the figures of its questions."""

from reporting.projections.change import Change
from sharik.events.consultation import (
    CompetitionPublished,
    CompetitionStageOpened,
    IdeaAdopted,
    IdeaScreened,
    IdeaSubmitted,
    IdeaWithdrawn,
    InitiativeAdmitted,
    InitiativeAnswered,
    InitiativeAnswerOverdue,
    InitiativeExpired,
    InitiativeFiled,
    InitiativeRejected,
    InitiativeThresholdReached,
    JuryStageConcluded,
    LiveSessionPublished,
    LiveSessionScheduled,
    WinnersAnnounced,
)

COMPETITIONS = "competitions"
IDEAS = "ideas"
INITIATIVES = "initiatives"
LIVE_SESSIONS = "live_sessions"
COLLECTIONS = (COMPETITIONS, IDEAS, INITIATIVES, LIVE_SESSIONS)


def _set(collection: str, key: str, **fields) -> list[Change]:
    return [Change(collection, key, {"$set": fields})]


def competition_published(e: CompetitionPublished) -> list[Change]:
    call = e.model_dump(mode="python", include={"campaign_id", "title", "themes", "eligibility", "stages", "published_at"})
    return _set(COMPETITIONS, e.competition_id, agency=e.agency, **call)


def stage_opened(e: CompetitionStageOpened) -> list[Change]:
    stage = {"stage_index": e.stage_index, "stage": e.stage, "ideas": e.ideas, "opened_at": e.opened_at}
    return [Change(COMPETITIONS, e.competition_id, {"$set": {"agency": e.agency}, "$addToSet": {"opened": stage}})]


def jury_stage_concluded(e: JuryStageConcluded) -> list[Change]:
    outcome = e.model_dump(mode="python", include={"stage", "ranking", "advancing", "normalised", "overridden", "concluded_at"})
    return _set(COMPETITIONS, e.competition_id, agency=e.agency, **{f"outcomes.{e.stage_index}": outcome})


def winners_announced(e: WinnersAnnounced) -> list[Change]:
    return _set(COMPETITIONS, e.competition_id, agency=e.agency, winners=list(e.winners), announced_at=e.announced_at)


def idea_submitted(e: IdeaSubmitted) -> list[Change]:
    facts = e.model_dump(mode="python", include={"competition_id", "agency", "campaign_id", "theme_id", "language", "team_size", "submitted_at"})
    return _set(IDEAS, e.idea_id, **facts)


def idea_withdrawn(e: IdeaWithdrawn) -> list[Change]:
    return _set(IDEAS, e.idea_id, competition_id=e.competition_id, agency=e.agency, withdrawn_at=e.withdrawn_at)


def idea_screened(e: IdeaScreened) -> list[Change]:
    return _set(IDEAS, e.idea_id, competition_id=e.competition_id, agency=e.agency, eligible=e.eligible)


def idea_adopted(e: IdeaAdopted) -> list[Change]:
    return _set(
        IDEAS,
        e.idea_id,
        competition_id=e.competition_id,
        agency=e.agency,
        decision_id=e.decision_id,
        funded_omr=e.funded_omr,
        adopted_at=e.adopted_at,
    )


def initiative_filed(e: InitiativeFiled) -> list[Change]:
    return _set(INITIATIVES, e.initiative_id, **e.model_dump(mode="python", exclude={"initiative_id"}))


def initiative_admitted(e: InitiativeAdmitted) -> list[Change]:
    return _set(INITIATIVES, e.initiative_id, agency=e.agency, threshold=e.threshold, closes_at=e.closes_at, admitted_at=e.admitted_at)


def initiative_rejected(e: InitiativeRejected) -> list[Change]:
    return _set(INITIATIVES, e.initiative_id, agency=e.agency, rejection=e.reason.model_dump(), rejected_at=e.rejected_at)


def threshold_reached(e: InitiativeThresholdReached) -> list[Change]:
    return _set(INITIATIVES, e.initiative_id, agency=e.agency, reached_at=e.reached_at, answer_due_at=e.answer_due_at)


def initiative_answered(e: InitiativeAnswered) -> list[Change]:
    answer = {"outcome": e.outcome, "reasoning": e.reasoning.model_dump(), "late": e.late}
    return _set(INITIATIVES, e.initiative_id, agency=e.agency, answer=answer, answered_at=e.answered_at)


def answer_overdue(e: InitiativeAnswerOverdue) -> list[Change]:
    return _set(INITIATIVES, e.initiative_id, agency=e.agency, overdue_at=e.flagged_at)


def initiative_expired(e: InitiativeExpired) -> list[Change]:
    return _set(INITIATIVES, e.initiative_id, agency=e.agency, expired_at=e.expired_at, supports_at_expiry=e.supports)


def session_scheduled(e: LiveSessionScheduled) -> list[Change]:
    return _set(LIVE_SESSIONS, e.session_id, **e.model_dump(mode="python", exclude={"session_id"}))


def session_published(e: LiveSessionPublished) -> list[Change]:
    figures = e.model_dump(mode="python", include={"questions", "answered", "rejected", "merged", "votes"})
    return _set(LIVE_SESSIONS, e.session_id, agency=e.agency, figures=figures, published_at=e.published_at)


PROJECTIONS = {
    CompetitionPublished: competition_published,
    CompetitionStageOpened: stage_opened,
    JuryStageConcluded: jury_stage_concluded,
    WinnersAnnounced: winners_announced,
    IdeaSubmitted: idea_submitted,
    IdeaWithdrawn: idea_withdrawn,
    IdeaScreened: idea_screened,
    IdeaAdopted: idea_adopted,
    InitiativeFiled: initiative_filed,
    InitiativeAdmitted: initiative_admitted,
    InitiativeRejected: initiative_rejected,
    InitiativeThresholdReached: threshold_reached,
    InitiativeAnswered: initiative_answered,
    InitiativeAnswerOverdue: answer_overdue,
    InitiativeExpired: initiative_expired,
    LiveSessionScheduled: session_scheduled,
    LiveSessionPublished: session_published,
}

INDEXES: dict[str, list[list[tuple[str, int]]]] = {
    COMPETITIONS: [[("agency", 1)]],
    IDEAS: [[("competition_id", 1), ("theme_id", 1)], [("agency", 1)]],
    INITIATIVES: [[("agency", 1), ("filed_at", 1)]],
    LIVE_SESSIONS: [[("agency", 1), ("starts_at", 1)]],
}
