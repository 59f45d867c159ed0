"""Events of the consultation service: campaigns through their five steps
(consultation.campaigns), surveys (consultation.surveys), draft-policy consultations
(consultation.documents), moderation of citizen text (consultation.moderation) and
agencies' KPI targets (consultation.plans).

Citizens appear only as `participant`: a pseudonym per campaign, so one person's
contributions to a campaign count once and cannot be joined across campaigns. No
event carries what a citizen wrote or answered."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sharik.events.base import Event, LocalizedText

CampaignKind = Literal["consultation", "survey", "poll", "idea_competition", "initiative"]
ToolKind = Literal["survey", "draft_policy", "ballot", "idea_competition", "initiative", "live_session"]
InputKind = Literal["survey_question", "section_comments", "ballot_result", "idea"]
DecisionStatus = Literal["planned", "in_progress", "done"]
Stance = Literal["for", "against", "neutral"]
SectionOutcome = Literal["accepted", "partly_accepted", "not_accepted"]
ContentKind = Literal["comment", "survey_answer", "idea", "initiative", "question"]
FlagReason = Literal["spam", "offensive", "off_topic", "personal_data"]


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True)


class CampaignTool(_Value):
    """A participation tool a campaign runs: one of this service's surveys or
    draft-policy consultations, or another service's (a ballot, by its id)."""

    kind: ToolKind
    tool_id: str


class Assessment(_Value):
    """The officer's reading of the participation: quality, strengths, challenges."""

    quality: LocalizedText
    strengths: LocalizedText
    challenges: LocalizedText


class Figure(_Value):
    """One figure of what citizens said: an option and how many chose it, or a stance
    and how many comments took it."""

    label: LocalizedText
    count: int = Field(ge=0)
    percent: float | None = None


class DecisionInput(_Value):
    """What citizens said that a decision is based on: a survey question's result
    (`ref` = survey_id/question_id), comments on a section (document_id/section
    number), a ballot's result (ballot_id) or an idea (idea id). `figures` are the
    result as it stood when the decision was recorded, counted by the service."""

    kind: InputKind
    ref: str
    label: LocalizedText
    figures: tuple[Figure, ...] = ()


class CampaignPlanned(Event):
    """An agency planned (or, while still planned, revised) a campaign; `revision`
    rises with each revision."""

    name = "CampaignPlanned"
    version = 1
    topic = "consultation.campaigns"
    subject_field = "campaign_id"

    campaign_id: str
    agency: str
    kind: CampaignKind
    title: LocalizedText
    target_groups: tuple[str, ...]
    channels: tuple[str, ...]
    tools: tuple[str, ...]
    opens_at: datetime
    closes_at: datetime
    revision: int
    planned_at: datetime


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
    tools: tuple[CampaignTool, ...] = ()
    """Added after v1 was first published (additive): the tools attached at launch."""


class CampaignAnalysed(Event):
    """The agency analysed the participation and recorded its assessment."""

    name = "CampaignAnalysed"
    version = 1
    topic = "consultation.campaigns"
    subject_field = "campaign_id"

    campaign_id: str
    agency: str
    assessment: Assessment
    analysed_at: datetime


class DecisionRecorded(Event):
    """The agency decided something on the strength of citizens' input."""

    name = "DecisionRecorded"
    version = 1
    topic = "consultation.campaigns"
    subject_field = "campaign_id"

    campaign_id: str
    agency: str
    decision_id: str
    text: LocalizedText
    inputs: tuple[DecisionInput, ...]
    status: DecisionStatus
    progress: int = Field(ge=0, le=100)
    recorded_at: datetime


class DecisionProgressed(Event):
    """A decision's implementation moved on; `sequence` rises per decision (the
    recording is 0), so a stale delivery never overwrites a newer one."""

    name = "DecisionProgressed"
    version = 1
    topic = "consultation.campaigns"
    subject_field = "campaign_id"

    campaign_id: str
    agency: str
    decision_id: str
    sequence: int = Field(ge=1)
    status: DecisionStatus
    progress: int = Field(ge=0, le=100)
    note: LocalizedText | None = None
    progressed_at: datetime


class CampaignReported(Event):
    """The agency published what it did with the input: report, press release, links."""

    name = "CampaignReported"
    version = 1
    topic = "consultation.campaigns"
    subject_field = "campaign_id"

    campaign_id: str
    agency: str
    report: LocalizedText
    press_release: LocalizedText
    links: tuple[str, ...] = ()
    reported_at: datetime


class CampaignClosed(Event):
    """A reported campaign is finished."""

    name = "CampaignClosed"
    version = 1
    topic = "consultation.campaigns"
    subject_field = "campaign_id"

    campaign_id: str
    agency: str
    closed_at: datetime


class CampaignCancelled(Event):
    """The agency called a campaign off, and said why."""

    name = "CampaignCancelled"
    version = 1
    topic = "consultation.campaigns"
    subject_field = "campaign_id"

    campaign_id: str
    agency: str
    reason: LocalizedText
    was_launched: bool
    cancelled_at: datetime


class SurveyPublished(Event):
    """A survey's questions were frozen and it was scheduled to open."""

    name = "SurveyPublished"
    version = 1
    topic = "consultation.surveys"
    subject_field = "survey_id"

    survey_id: str
    agency: str
    campaign_id: str | None = None
    title: LocalizedText
    anonymous: bool
    questions: int
    opens_at: datetime
    closes_at: datetime
    published_at: datetime


class SurveyResponseSubmitted(Event):
    """A citizen submitted a response. It carries no answers; `participant` is absent
    when the survey is anonymous, and the time is the day only then."""

    name = "SurveyResponseSubmitted"
    version = 1
    topic = "consultation.surveys"
    subject_field = "survey_id"
    # A national survey's responses spread over partitions; their order does not matter.
    key_field = "response_id"

    survey_id: str
    agency: str
    campaign_id: str | None = None
    response_id: str
    participant: str | None = None
    governorate: str | None = None
    submitted_at: datetime


class DraftPolicyPublished(Event):
    """A draft policy or regulation was opened for public comment until a deadline."""

    name = "DraftPolicyPublished"
    version = 1
    topic = "consultation.documents"
    subject_field = "document_id"

    document_id: str
    agency: str
    campaign_id: str | None = None
    title: LocalizedText
    sections: int
    opens_at: datetime
    closes_at: datetime
    published_at: datetime


class CommentPosted(Event):
    """A citizen commented on a section (or replied to a comment); no text travels."""

    name = "CommentPosted"
    version = 1
    topic = "consultation.documents"
    subject_field = "document_id"

    document_id: str
    agency: str
    campaign_id: str | None = None
    comment_id: str
    section: int
    stance: Stance | None = None
    reply_to: str | None = None
    participant: str
    governorate: str | None = None
    posted_at: datetime


class SectionConcluded(Event):
    """After the deadline the agency said what became of a section's comments."""

    name = "SectionConcluded"
    version = 1
    topic = "consultation.documents"
    subject_field = "document_id"

    document_id: str
    agency: str
    section: int
    outcome: SectionOutcome
    reason: LocalizedText
    concluded_at: datetime


class DraftPolicyAdopted(Event):
    """The agency adopted a new version of the text; `changed_sections` differ from
    the draft that was consulted on."""

    name = "DraftPolicyAdopted"
    version = 1
    topic = "consultation.documents"
    subject_field = "document_id"

    document_id: str
    agency: str
    text_version: int
    changed_sections: tuple[int, ...]
    adopted_at: datetime


class ContentFlagged(Event):
    """A citizen flagged a piece of citizen text; `flags` is its count so far."""

    name = "ContentFlagged"
    version = 1
    topic = "consultation.moderation"
    subject_field = "content_id"

    content_id: str
    content_kind: ContentKind
    agency: str
    reason: FlagReason
    flags: int
    flagged_at: datetime


class ContentHidden(Event):
    """Citizen text was hidden: by enough flags, by a moderator, or held because it
    looks like personal data; the public sees a notice in its place."""

    name = "ContentHidden"
    version = 1
    topic = "consultation.moderation"
    subject_field = "content_id"

    content_id: str
    content_kind: ContentKind
    agency: str
    cause: Literal["flags", "moderator", "personal_data"]
    reason: str
    hidden_at: datetime


class ContentRestored(Event):
    """A moderator showed hidden or held citizen text again, with a reason."""

    name = "ContentRestored"
    version = 1
    topic = "consultation.moderation"
    subject_field = "content_id"

    content_id: str
    content_kind: ContentKind
    agency: str
    reason: str
    restored_at: datetime


class KpiTargets(_Value):
    """An agency's targets for a half-year (seed 002's KPI table)."""

    sessions_run: int = Field(ge=0, le=10_000)
    """Surveys and consultation sessions run."""
    decisions_implemented_pct: float = Field(ge=0, le=100)
    """Decisions based on citizens' input that were implemented, in percent."""
    results_published_pct: float = Field(ge=0, le=100)
    """Analysed campaigns whose results were published, in percent."""


class KpiTargetsSet(Event):
    """An agency admin set the agency's KPI targets for a half-year (`2026-H2`)."""

    name = "KpiTargetsSet"
    version = 1
    topic = "consultation.plans"
    subject_field = "agency"

    agency: str
    period: str = Field(pattern=r"^\d{4}-H[12]$")
    targets: KpiTargets
    revision: int = Field(ge=1)
    set_at: datetime


# Idea competitions (consultation.competitions): keyed by the competition, so a
# competition's calls, ideas and outcomes stay in order. Ideas appear by id, theme and
# language; what a citizen wrote, and who reviewed what, never travel.

CompetitionStageKind = Literal["submission", "screening", "jury_round", "shortlist", "final", "winners"]


class CompetitionStageDates(_Value):
    kind: CompetitionStageKind
    opens_at: datetime
    closes_at: datetime
    advancing: int | None = None


class CompetitionPublished(Event):
    """An agency published an idea competition's call (its themes and stages)."""

    name = "CompetitionPublished"
    version = 1
    topic = "consultation.competitions"
    subject_field = "competition_id"

    competition_id: str
    agency: str
    campaign_id: str | None
    title: LocalizedText
    themes: tuple[str, ...]
    eligibility: Literal["individuals", "teams", "both"]
    stages: tuple[CompetitionStageDates, ...]
    published_at: datetime


class CompetitionStageOpened(Event):
    """The competition moved to its next stage; `ideas` is how many it considers."""

    name = "CompetitionStageOpened"
    version = 1
    topic = "consultation.competitions"
    subject_field = "competition_id"

    competition_id: str
    agency: str
    stage_index: int = Field(ge=0)
    stage: CompetitionStageKind
    ideas: int = Field(ge=0)
    opened_at: datetime


class IdeaSubmitted(Event):
    """An idea was submitted; `participant` is the submitter's pseudonym in the campaign."""

    name = "IdeaSubmitted"
    version = 1
    topic = "consultation.competitions"
    subject_field = "idea_id"
    key_field = "competition_id"

    idea_id: str
    competition_id: str
    agency: str
    campaign_id: str | None
    participant: str
    theme_id: str
    language: Literal["ar", "en"]
    team_size: int = Field(ge=1)
    submitted_at: datetime


class IdeaWithdrawn(Event):
    name = "IdeaWithdrawn"
    version = 1
    topic = "consultation.competitions"
    subject_field = "idea_id"
    key_field = "competition_id"

    idea_id: str
    competition_id: str
    agency: str
    withdrawn_at: datetime


class IdeaScreened(Event):
    """Officers found the idea eligible or not (the reason goes to the submitter only)."""

    name = "IdeaScreened"
    version = 1
    topic = "consultation.competitions"
    subject_field = "idea_id"
    key_field = "competition_id"

    idea_id: str
    competition_id: str
    agency: str
    eligible: bool
    screened_at: datetime


class RankedIdea(_Value):
    idea_id: str
    score: float
    reviews: int
    rank: int
    tied: bool


class JuryStageConcluded(Event):
    """A jury round or the final was concluded: the ranking from the reviews and the
    ideas that advance (`overridden` when the chair chose them, with a reason kept)."""

    name = "JuryStageConcluded"
    version = 1
    topic = "consultation.competitions"
    subject_field = "competition_id"

    competition_id: str
    agency: str
    stage_index: int
    stage: CompetitionStageKind
    ranking: tuple[RankedIdea, ...]
    advancing: tuple[str, ...]
    normalised: bool
    overridden: bool
    concluded_at: datetime


class WinnersAnnounced(Event):
    name = "WinnersAnnounced"
    version = 1
    topic = "consultation.competitions"
    subject_field = "competition_id"

    competition_id: str
    agency: str
    winners: tuple[str, ...]
    announced_at: datetime


class IdeaAdopted(Event):
    """An idea was adopted (and perhaps funded): it is the decision `decision_id` of
    the campaign."""

    name = "IdeaAdopted"
    version = 1
    topic = "consultation.competitions"
    subject_field = "idea_id"
    key_field = "competition_id"

    idea_id: str
    competition_id: str
    agency: str
    campaign_id: str
    decision_id: str
    funded_omr: float | None = Field(default=None, ge=0)
    adopted_at: datetime


# Citizen initiatives (consultation.initiatives): the promoter and supporters never
# appear; counts do.

InitiativeLevel = Literal["national", "governorate", "wilayat"]


class InitiativeFiled(Event):
    """A promoter filed an initiative, with its committee, for the agency's admissibility check."""

    name = "InitiativeFiled"
    version = 1
    topic = "consultation.initiatives"
    subject_field = "initiative_id"

    initiative_id: str
    agency: str
    level: InitiativeLevel
    code: str | None
    language: Literal["ar", "en"]
    committee: int = Field(ge=0)
    filed_at: datetime


class InitiativeAdmitted(Event):
    """The agency found it admissible: support collection is open until `closes_at`."""

    name = "InitiativeAdmitted"
    version = 1
    topic = "consultation.initiatives"
    subject_field = "initiative_id"

    initiative_id: str
    agency: str
    threshold: int = Field(ge=1)
    closes_at: datetime
    answer_days: int = Field(ge=1)
    admitted_at: datetime


class InitiativeRejected(Event):
    """The agency found it inadmissible, with its reason."""

    name = "InitiativeRejected"
    version = 1
    topic = "consultation.initiatives"
    subject_field = "initiative_id"

    initiative_id: str
    agency: str
    reason: LocalizedText
    rejected_at: datetime


class InitiativeThresholdReached(Event):
    """Enough residents support it: the agency must answer by `answer_due_at`."""

    name = "InitiativeThresholdReached"
    version = 1
    topic = "consultation.initiatives"
    subject_field = "initiative_id"

    initiative_id: str
    agency: str
    supports: int
    threshold: int
    answer_due_at: datetime
    reached_at: datetime


class InitiativeAnswered(Event):
    """The agency's published answer; `late` when given after the answer was due."""

    name = "InitiativeAnswered"
    version = 1
    topic = "consultation.initiatives"
    subject_field = "initiative_id"

    initiative_id: str
    agency: str
    outcome: Literal["accepted", "partly_accepted", "rejected"]
    reasoning: LocalizedText
    late: bool
    answered_at: datetime


class InitiativeAnswerOverdue(Event):
    """No answer by the time it was due: flagged on the agency's KPI and escalated to
    its administrators."""

    name = "InitiativeAnswerOverdue"
    version = 1
    topic = "consultation.initiatives"
    subject_field = "initiative_id"

    initiative_id: str
    agency: str
    answer_due_at: datetime
    escalated_to: Literal["agency_admin"] = "agency_admin"
    flagged_at: datetime


class InitiativeExpired(Event):
    """Collection closed below the threshold."""

    name = "InitiativeExpired"
    version = 1
    topic = "consultation.initiatives"
    subject_field = "initiative_id"

    initiative_id: str
    agency: str
    supports: int
    threshold: int
    expired_at: datetime


# Live question sessions (consultation.sessions): questions travel as counts only.


class LiveSessionScheduled(Event):
    name = "LiveSessionScheduled"
    version = 1
    topic = "consultation.sessions"
    subject_field = "session_id"

    session_id: str
    agency: str
    campaign_id: str | None
    title: LocalizedText
    starts_at: datetime
    ends_at: datetime


class LiveSessionPublished(Event):
    """After the session its questions were published; the figures of its questions."""

    name = "LiveSessionPublished"
    version = 1
    topic = "consultation.sessions"
    subject_field = "session_id"

    session_id: str
    agency: str
    campaign_id: str | None
    questions: int = Field(ge=0)
    answered: int = Field(ge=0)
    rejected: int = Field(ge=0)
    merged: int = Field(ge=0)
    votes: int = Field(ge=0)
    published_at: datetime
