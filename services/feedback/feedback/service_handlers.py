"""Use cases of the services catalogue: register a service, rate it, evaluate it."""

from dataclasses import dataclass
from datetime import datetime

from ulid import ULID

from feedback.clock import now
from feedback.domain.evaluation import CheckItem, Evaluation
from feedback.domain.rating import RatingSummary, Scores, ServiceRating
from feedback.domain.service import DEFAULT_DIMENSIONS, Channel, Service
from feedback.domain.text import Text
from feedback.service_store import ServiceStore
from sharik.auth import Principal
from sharik.errors import Forbidden
from sharik.events import Envelope
from sharik.events.feedback import ServiceEvaluated, ServiceRated
from sharik.pseudonym import pseudonym

SOURCE = "feedback"
# Auditors read every agency's ratings and evaluations; agency staff only their own.
READERS_OF_ALL = ("auditor",)


@dataclass(frozen=True)
class RegisterService:
    service_code: str
    name: Text
    channels: tuple[Channel, ...]
    dimensions: tuple[str, ...] = DEFAULT_DIMENSIONS


@dataclass(frozen=True)
class FileEvaluation:
    channel: Channel
    visited_at: datetime
    checklist: tuple[CheckItem, ...]
    notes: str | None = None


class ServiceHandlers:
    def __init__(self, store: ServiceStore, *, pseudonym_key: str, on_saved=lambda: None) -> None:
        self._store = store
        self._pseudonym_key = pseudonym_key
        self._on_saved = on_saved

    async def register(self, command: RegisterService, *, by: Principal) -> Service:
        """An agency's officer or admin adds one of its services to the catalogue."""
        by.require("officer", "agency_admin")
        if not by.agency:
            raise Forbidden("the token names no agency")
        service = Service.register(
            service_code=command.service_code,
            agency=by.agency,
            name=command.name,
            channels=command.channels,
            dimensions=command.dimensions,
            now=now(),
        )
        return await self._store.add_service(service)

    async def service(self, service_code: str) -> Service:
        """A catalogue entry; public."""
        return await self._store.service(service_code)

    async def services(self, *, agency: str | None, limit: int) -> list[Service]:
        """The catalogue, optionally one agency's; public."""
        return await self._store.list_services(agency=agency, limit=limit)

    async def rate(self, service_code: str, scores: Scores, *, by: Principal) -> ServiceRating:
        """A citizen rates a service, or revises their rating of it; emits ServiceRated."""
        by.require("citizen")
        service = await self._store.service(service_code)
        rating_id = pseudonym(self._pseudonym_key, f"{service_code}:{by.subject}", purpose="rater")
        previous = await self._store.rating(rating_id)
        if previous is None:
            rating = ServiceRating.first(service, rating_id=rating_id, scores=scores, now=now())
        else:
            rating = previous.revise(service, scores=scores, now=now())
        saved = await self._store.save_rating(rating, [_rated_event(rating)])
        self._on_saved()
        return saved

    async def ratings(self, service_code: str, *, by: Principal, limit: int) -> list[ServiceRating]:
        """A service's ratings with their comments, for staff of its agency and auditors."""
        await self._require_reader(service_code, by)
        return await self._store.ratings_of(service_code, limit=limit)

    async def summary(self, service_code: str) -> RatingSummary:
        """Count, averages and distribution of a service's ratings; public."""
        service = await self._store.service(service_code)
        return RatingSummary.of(
            service,
            overall_counts=await self._store.overall_counts(service_code),
            dimensions=await self._store.dimension_totals(service_code),
        )

    async def evaluate(self, service_code: str, command: FileEvaluation, *, by: Principal) -> Evaluation:
        """A mystery shopper files a scored evaluation of a visit; emits ServiceEvaluated."""
        by.require("evaluator")
        service = await self._store.service(service_code)
        evaluation = Evaluation.file(
            service,
            evaluation_id=str(ULID()),
            channel=command.channel,
            visited_at=command.visited_at,
            checklist=command.checklist,
            notes=command.notes,
            evaluator_id=pseudonym(self._pseudonym_key, by.subject, purpose="evaluator"),
            now=now(),
        )
        saved = await self._store.add_evaluation(evaluation, [_evaluated_event(evaluation)])
        self._on_saved()
        return saved

    async def evaluations(self, service_code: str, *, by: Principal, limit: int) -> list[Evaluation]:
        """A service's evaluations, for staff of its agency and auditors."""
        await self._require_reader(service_code, by)
        return await self._store.evaluations_of(service_code, limit=limit)

    async def _require_reader(self, service_code: str, by: Principal) -> None:
        service = await self._store.service(service_code)
        if not by.has(*READERS_OF_ALL):
            by.require_staff_of(service.agency)


def _rated_event(rating: ServiceRating) -> Envelope:
    # The comment stays here; rating_id names the rater for this service only.
    return Envelope(
        source=SOURCE,
        agency=rating.agency,
        event=ServiceRated(
            service_code=rating.service_code,
            agency=rating.agency,
            rating_id=rating.rating_id,
            revision=rating.revision,
            channel=rating.channel,
            overall=rating.overall,
            dimensions=dict(rating.dimensions),
            rated_at=rating.rated_at,
        ),
    )


def _evaluated_event(evaluation: Evaluation) -> Envelope:
    # The notes and the evaluator stay here.
    return Envelope(
        source=SOURCE,
        agency=evaluation.agency,
        event=ServiceEvaluated(
            evaluation_id=evaluation.evaluation_id,
            service_code=evaluation.service_code,
            agency=evaluation.agency,
            channel=evaluation.channel,
            score=evaluation.score,
            items_passed=evaluation.items_passed,
            items_total=len(evaluation.checklist),
            visited_at=evaluation.visited_at,
            evaluated_at=evaluation.evaluated_at,
        ),
    )
