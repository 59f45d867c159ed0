"""Response models of the transparency API: what each route answers, for its OpenAPI
document and for clients generated from it. Labels are {ar, en} as the events carried
them."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from sharik.events import LocalizedText

ERRORS = {404: {"description": "Nothing with that id"},
          422: {"description": "A query parameter is wrong; `details` names it"}}


class Campaign(BaseModel):
    model_config = ConfigDict(extra="allow")  # fields the catalog's CampaignLaunched adds

    campaign_id: str
    agency: str
    kind: str
    title: LocalizedText
    summary: LocalizedText
    opens_at: datetime
    closes_at: datetime
    launched_at: datetime


class Ballot(BaseModel):
    """A ballot; `result` is ResultPublished's payload once published (counts, outcome,
    winners, board_head, and where the ballot has them rule, turnout, constituencies,
    budget), absent before."""

    model_config = ConfigDict(extra="allow")  # fields the catalog's ballot events add

    ballot_id: str
    agency: str | None = None
    state: Literal["open", "closed", "published"]
    question: LocalizedText | None = None
    kind: str | None = None
    votes_cast: int | None = None
    result: dict[str, Any] | None = None


class Tally(BaseModel):
    total: int
    by_status: dict[str, int]


class AgencyTally(Tally):
    agency: str


class ComplaintsSummary(Tally):
    agencies: list[AgencyTally]


class Volumes(BaseModel):
    agency: str | None
    by: Literal["category", "governorate", "agency"]
    total: int
    counts: list[dict[str, str | int | None]]
    """`{<by>: value, count}`, largest first; a null governorate was not given."""


class Median(BaseModel):
    count: int
    median_hours: float | None


class Timings(BaseModel):
    agency: str | None
    unit: Literal["hours"]
    clock: Literal["wall"]
    acknowledge: Median
    resolve: Median


class Deadline(BaseModel):
    met: int
    missed: int
    compliance_percent: float | None


class Sla(BaseModel):
    agency: str | None
    clock: Literal["business"]
    acknowledge: Deadline
    resolve: Deadline


class Handling(BaseModel):
    count: int
    average: float | None
    distribution: dict[str, int]


class Average(BaseModel):
    count: int
    average: float | None


class Ratings(Average):
    dimensions: dict[str, Average]


class Evaluations(BaseModel):
    count: int
    average_score: float | None


class ServiceFigures(BaseModel):
    agency: str
    service_code: str
    ratings: Ratings
    evaluations: Evaluations


class Satisfaction(BaseModel):
    agency: str | None
    handling: Handling
    services: list[ServiceFigures]


class Outcomes(BaseModel):
    sent: int
    failed: int


class Notifications(Outcomes):
    channels: dict[str, Outcomes]


class Summary(BaseModel):
    agency: str | None
    campaigns_launched: int
    ballots_closed: int
    votes_cast: int
    complaints: Tally
    notifications: Notifications


class Rebuilt(BaseModel):
    applied: dict[str, int]
    """Events applied per type (`skipped`: malformed records)."""
