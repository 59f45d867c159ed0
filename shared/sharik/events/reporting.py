"""Events of the reporting service's data requests (topic reporting.data_requests): a
citizen asks an agency for data that is not published, and the agency answers in time
or late. The requester is never in them."""

from datetime import datetime
from typing import Literal

from pydantic import Field

from sharik.events.base import Event, LocalizedText

DataFormat = Literal["csv", "json", "xlsx", "pdf", "other"]


class DataRequested(Event):
    """A citizen asked an agency to publish data it does not publish yet."""

    name = "DataRequested"
    version = 1
    topic = "reporting.data_requests"
    subject_field = "request_id"

    request_id: str
    agency: str
    what: str = Field(min_length=1, max_length=2000)
    why: str = Field(min_length=1, max_length=2000)
    format: DataFormat
    requested_at: datetime
    due_at: datetime


class DataRequestAnswered(Event):
    """The agency answered: the data published as a dataset (linked), or refused with a
    reason; `late` when it answered after the due time."""

    name = "DataRequestAnswered"
    version = 1
    topic = "reporting.data_requests"
    subject_field = "request_id"

    request_id: str
    agency: str
    decision: Literal["published", "refused"]
    dataset_id: str | None = None
    reason: LocalizedText | None = None
    answered_at: datetime
    late: bool


class DataRequestOverdue(Event):
    """The due time passed with no answer: it counts against the agency."""

    name = "DataRequestOverdue"
    version = 1
    topic = "reporting.data_requests"
    subject_field = "request_id"

    request_id: str
    agency: str
    due_at: datetime
    marked_at: datetime
