"""HTTP routes of the services catalogue, citizens' ratings and mystery-shopper evaluations."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from feedback.api import Label, Slug
from feedback.domain.evaluation import MAX_ITEMS, NOTES_MAX_CHARS, CheckItem, Evaluation
from feedback.domain.rating import COMMENT_MAX_CHARS, RatingSummary, Scores, ServiceRating
from feedback.domain.service import DEFAULT_DIMENSIONS, MAX_DIMENSIONS, Channel, Service
from feedback.domain.text import Text
from feedback.service_handlers import FileEvaluation, RegisterService, ServiceHandlers
from sharik.http import CurrentUser

router = APIRouter(prefix="/services", tags=["services"])


def _handlers(request: Request) -> ServiceHandlers:
    return request.app.state.services


Handlers = Annotated[ServiceHandlers, Depends(_handlers)]
Limit = Annotated[int, Query(ge=1, le=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Score = Annotated[int, Field(ge=1, le=5)]


class NameIn(BaseModel):
    ar: Name
    en: Name


class ServiceIn(BaseModel):
    service_code: Slug
    name: NameIn
    channels: list[Channel] = Field(min_length=1, max_length=4)
    dimensions: list[Slug] = Field(default=list(DEFAULT_DIMENSIONS), min_length=1, max_length=MAX_DIMENSIONS)


class ServiceOut(BaseModel):
    service_code: str
    agency: str
    name: Label
    channels: list[Channel]
    dimensions: list[str]
    registered_at: datetime

    @classmethod
    def of(cls, service: Service) -> "ServiceOut":
        return cls(
            service_code=service.service_code,
            agency=service.agency,
            name=Label(ar=service.name.ar, en=service.name.en),
            channels=list(service.channels),
            dimensions=list(service.dimensions),
            registered_at=service.registered_at,
        )


class RatingIn(BaseModel):
    channel: Channel
    overall: Score
    dimensions: dict[Slug, Score] = {}
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=COMMENT_MAX_CHARS)] | None = None


class ReceivedRatingOut(BaseModel):
    """A rating as the agency reads it: what was said, not who said it."""

    model_config = ConfigDict(from_attributes=True)

    channel: Channel
    overall: int
    dimensions: dict[str, int]
    comment: str | None
    revision: int
    rated_at: datetime


class RatingOut(ReceivedRatingOut):
    """The rater's own rating, answered to them with the service it rates."""

    service_code: str


class DimensionOut(BaseModel):
    average: float | None
    count: int


class SummaryOut(BaseModel):
    service_code: str
    count: int
    overall_average: float | None
    dimensions: dict[str, DimensionOut]
    distribution: dict[str, int]
    """Overall scores "1".."5" → how many ratings gave it."""

    @classmethod
    def of(cls, service_code: str, summary: RatingSummary) -> "SummaryOut":
        return cls(
            service_code=service_code,
            count=summary.count,
            overall_average=summary.overall_average,
            dimensions={
                d: DimensionOut(average=average, count=summary.dimension_counts[d])
                for d, average in summary.dimension_averages.items()
            },
            distribution={str(score): n for score, n in summary.distribution.items()},
        )


class CheckItemIn(BaseModel):
    item_id: Slug
    passed: bool
    weight: int = Field(default=1, ge=1, le=100)


class EvaluationIn(BaseModel):
    channel: Channel
    visited_at: AwareDatetime
    checklist: list[CheckItemIn] = Field(min_length=1, max_length=MAX_ITEMS)
    notes: Annotated[str, StringConstraints(strip_whitespace=True, max_length=NOTES_MAX_CHARS)] | None = None


class EvaluationOut(BaseModel):
    evaluation_id: str
    service_code: str
    agency: str
    channel: Channel
    visited_at: datetime
    score: float
    items_passed: int
    items_total: int
    checklist: list[CheckItemIn]
    notes: str | None
    evaluated_at: datetime

    @classmethod
    def of(cls, evaluation: Evaluation) -> "EvaluationOut":
        return cls(
            evaluation_id=evaluation.evaluation_id,
            service_code=evaluation.service_code,
            agency=evaluation.agency,
            channel=evaluation.channel,
            visited_at=evaluation.visited_at,
            score=evaluation.score,
            items_passed=evaluation.items_passed,
            items_total=len(evaluation.checklist),
            checklist=[CheckItemIn(item_id=i.item_id, passed=i.passed, weight=i.weight) for i in evaluation.checklist],
            notes=evaluation.notes,
            evaluated_at=evaluation.evaluated_at,
        )


@router.post("", status_code=201)
async def register_service(body: ServiceIn, user: CurrentUser, handlers: Handlers) -> ServiceOut:
    """An agency's officer or admin adds a service its agency offers; 409 if the code is taken."""
    command = RegisterService(
        service_code=body.service_code,
        name=Text(ar=body.name.ar, en=body.name.en),
        channels=tuple(body.channels),
        dimensions=tuple(body.dimensions),
    )
    return ServiceOut.of(await handlers.register(command, by=user))


@router.get("")
async def list_services(handlers: Handlers, agency: Slug | None = None, limit: Limit = 100) -> list[ServiceOut]:
    """The catalogue, optionally one agency's, by code; public."""
    return [ServiceOut.of(s) for s in await handlers.services(agency=agency, limit=limit)]


@router.get("/{service_code}")
async def view_service(service_code: str, handlers: Handlers) -> ServiceOut:
    """One catalogue entry; public."""
    return ServiceOut.of(await handlers.service(service_code))


@router.post("/{service_code}/ratings", status_code=201)
async def rate_service(
    service_code: str, body: RatingIn, user: CurrentUser, handlers: Handlers, response: Response
) -> RatingOut:
    """A citizen rates a service (201), or revises their rating of it (200); emits ServiceRated."""
    scores = Scores(channel=body.channel, overall=body.overall, dimensions=body.dimensions, comment=body.comment)
    rating = await handlers.rate(service_code, scores, by=user)
    if rating.revision > 1:
        response.status_code = 200
    return RatingOut.model_validate(rating)


@router.get("/{service_code}/ratings")
async def service_ratings(
    service_code: str, user: CurrentUser, handlers: Handlers, limit: Limit = 50
) -> list[ReceivedRatingOut]:
    """A service's ratings with comments, latest first, for staff of its agency and auditors."""
    return [ReceivedRatingOut.model_validate(r) for r in await handlers.ratings(service_code, by=user, limit=limit)]


@router.get("/{service_code}/ratings/summary")
async def rating_summary(service_code: str, handlers: Handlers) -> SummaryOut:
    """How many rated the service, the average overall and per dimension, and the distribution; public."""
    return SummaryOut.of(service_code, await handlers.summary(service_code))


@router.post("/{service_code}/evaluations", status_code=201)
async def evaluate_service(
    service_code: str, body: EvaluationIn, user: CurrentUser, handlers: Handlers
) -> EvaluationOut:
    """A mystery shopper (role evaluator) files a checklist evaluation; emits ServiceEvaluated."""
    command = FileEvaluation(
        channel=body.channel,
        visited_at=body.visited_at,
        checklist=tuple(CheckItem(item_id=i.item_id, passed=i.passed, weight=i.weight) for i in body.checklist),
        notes=body.notes,
    )
    return EvaluationOut.of(await handlers.evaluate(service_code, command, by=user))


@router.get("/{service_code}/evaluations")
async def service_evaluations(
    service_code: str, user: CurrentUser, handlers: Handlers, limit: Limit = 50
) -> list[EvaluationOut]:
    """A service's evaluations, newest first, for staff of its agency and auditors."""
    return [EvaluationOut.of(e) for e in await handlers.evaluations(service_code, by=user, limit=limit)]
