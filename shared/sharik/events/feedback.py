"""Events of the feedback service (topics feedback.complaints and feedback.services)."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from sharik.events.base import Event

SubmissionKind = Literal["complaint", "suggestion", "report"]
ComplaintStatus = Literal[
    "submitted", "routed", "acknowledged", "in_progress", "resolved", "rejected", "closed", "waiting_for_citizen"
]


class ComplaintFiled(Event):
    """A citizen filed a complaint, suggestion or report. `reporter_id` is the
    reporter's pseudonymous id, or None when the submission is anonymous. The tracking
    code is not here: it is the reporter's secret for following the case."""

    name = "ComplaintFiled"
    version = 1
    topic = "feedback.complaints"
    subject_field = "complaint_id"

    complaint_id: str
    agency: str
    kind: SubmissionKind
    category: str
    governorate: str | None = None
    wilayat: str | None = None
    reporter_id: str | None = None
    filed_at: datetime


class ComplaintStatusChanged(Event):
    """A complaint moved to another state. `sequence` grows by one per change of the
    same complaint, so a read model can ignore stale or repeated deliveries."""

    name = "ComplaintStatusChanged"
    version = 1
    topic = "feedback.complaints"
    subject_field = "complaint_id"

    complaint_id: str
    agency: str
    status: ComplaintStatus
    previous_status: ComplaintStatus
    sequence: int = Field(ge=1)
    changed_at: datetime


class ComplaintEscalated(Event):
    """A complaint missed its SLA and was escalated one rung up the ladder (unit head,
    agency admin, platform operator). `target` is the deadline missed; `breach_id`
    names the rung of that breach, so each one is published once per complaint."""

    name = "ComplaintEscalated"
    version = 1
    topic = "feedback.complaints"
    subject_field = "complaint_id"

    complaint_id: str
    agency: str
    category: str
    target: Literal["acknowledge", "resolve"]
    level: Literal["unit_head", "agency_admin", "platform_operator"]
    breach_id: str
    deadline: datetime
    escalated_at: datetime


class ComplaintRouted(Event):
    """A complaint went to an agency's unit: by the category catalogue's rule at filing,
    by a platform operator from the triage queue, or by the rule again after the agency
    it was routed to handed it back. It is published with the ComplaintStatusChanged
    to `routed` of the same change."""

    name = "ComplaintRouted"
    version = 1
    topic = "feedback.complaints"
    subject_field = "complaint_id"

    complaint_id: str
    agency: str
    unit: str
    category: str
    routed_at: datetime
    by: Literal["rule", "operator", "handback"]


class ComplaintReopened(Event):
    """The citizen who filed a resolved complaint reopened it within the reopening
    window; it is back in progress. `resolved_at` is the resolution it undoes. The
    citizen's reason stays in the feedback service."""

    name = "ComplaintReopened"
    version = 1
    topic = "feedback.complaints"
    subject_field = "complaint_id"

    complaint_id: str
    agency: str
    category: str
    resolved_at: datetime
    reopened_at: datetime


ServiceChannel = Literal["web", "app", "call_centre", "service_centre"]
Score = Annotated[int, Field(ge=1, le=5)]


class ComplaintRated(Event):
    """The citizen who filed a complaint rated how it was handled (1..5), once, after it
    was resolved or closed. Their comment stays in the feedback service."""

    name = "ComplaintRated"
    version = 1
    topic = "feedback.complaints"
    subject_field = "complaint_id"

    complaint_id: str
    agency: str
    category: str
    governorate: str | None = None
    score: Score
    rated_at: datetime


class ServiceRated(Event):
    """A citizen rated a government service: overall and on some of the service's
    dimensions (e.g. ease, speed, staff), each 1..5. Each citizen has one rating per
    service and may revise it: `rating_id` is pseudonymous (purpose "rater", unlinkable
    across services) and `revision` grows by one per change, so a read model keeps the
    highest revision per rating_id. The comment stays in the feedback service."""

    name = "ServiceRated"
    version = 1
    topic = "feedback.services"
    subject_field = "service_code"

    service_code: str
    agency: str
    rating_id: str
    revision: int = Field(ge=1)
    channel: ServiceChannel
    overall: Score
    dimensions: dict[str, Score] = {}
    rated_at: datetime


class ServiceEvaluated(Event):
    """A mystery shopper evaluated a service on one channel against a checklist;
    `score` is the weighted percentage of items passed. The evaluator's notes and
    identity stay in the feedback service."""

    name = "ServiceEvaluated"
    version = 1
    topic = "feedback.services"
    subject_field = "service_code"

    evaluation_id: str
    service_code: str
    agency: str
    channel: ServiceChannel
    score: float = Field(ge=0, le=100)
    items_passed: int = Field(ge=0)
    items_total: int = Field(ge=1)
    visited_at: datetime
    evaluated_at: datetime
