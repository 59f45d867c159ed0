"""Events of the feedback service (topic feedback.complaints)."""

from datetime import datetime
from typing import Literal

from pydantic import Field

from sharik.events.base import Event

SubmissionKind = Literal["complaint", "suggestion", "report"]
ComplaintStatus = Literal[
    "submitted", "routed", "acknowledged", "in_progress", "resolved", "rejected", "closed"
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
