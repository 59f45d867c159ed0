"""The services catalogue, citizens' ratings and mystery-shopper evaluations in
MongoDB: one document per service, per (citizen, service) rating and per evaluation."""

from dataclasses import asdict, replace
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from feedback.domain.evaluation import CheckItem, Evaluation
from feedback.domain.rating import DimensionTotal, ServiceRating
from feedback.domain.service import Service
from feedback.domain.text import Text
from sharik.errors import ConcurrentChange, Conflict, NotFound
from sharik.events import Envelope
from sharik.store import STATE_ONLY, insert_aggregate, update_aggregate

# Stored beside the state, not part of it.
_BOOKKEEPING = ("_id", "outbox", "version")


class ServiceStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.services = db["services"]
        self.ratings = db["service_ratings"]
        self.evaluations = db["service_evaluations"]

    async def create_indexes(self) -> None:
        await self.services.create_index([("agency", ASCENDING), ("_id", ASCENDING)])
        await self.ratings.create_index([("service_code", ASCENDING), ("rated_at", DESCENDING)])
        await self.evaluations.create_index([("service_code", ASCENDING), ("evaluated_at", DESCENDING)])

    async def add_service(self, service: Service) -> Service:
        """Store a new catalogue entry; Conflict when its code is taken."""
        document = asdict(service)
        document["_id"] = document.pop("service_code")
        document.pop("version")
        try:
            await insert_aggregate(self.services, document, [])
        except DuplicateKeyError:
            raise Conflict(f"a service with code {service.service_code} is already registered") from None
        return replace(service, version=1)

    async def service(self, service_code: str) -> Service:
        document = await self.services.find_one({"_id": service_code}, STATE_ONLY)
        if document is None:
            raise NotFound(f"no service {service_code}")
        return _service(document)

    async def list_services(self, *, agency: str | None, limit: int) -> list[Service]:
        query = {"agency": agency} if agency else {}
        cursor = self.services.find(query, STATE_ONLY).sort("_id", ASCENDING).limit(limit)
        return [_service(document) async for document in cursor]

    async def rating(self, rating_id: str) -> ServiceRating | None:
        document = await self.ratings.find_one({"_id": rating_id}, STATE_ONLY)
        return None if document is None else _rating(document)

    async def save_rating(self, rating: ServiceRating, events: list[Envelope]) -> ServiceRating:
        """Insert a first rating or update a revised one, guarded by its version."""
        document = _rating_document(rating)
        if rating.version == 0:
            try:
                await insert_aggregate(self.ratings, document, events)
            except DuplicateKeyError:
                raise ConcurrentChange("the rating changed while this request was handled; try again") from None
            return replace(rating, version=1)
        document.pop("_id")
        version = await update_aggregate(
            self.ratings, rating.rating_id, expected_version=rating.version, changes=document, events=events
        )
        return replace(rating, version=version)

    async def ratings_of(self, service_code: str, *, limit: int) -> list[ServiceRating]:
        cursor = self.ratings.find({"service_code": service_code}, STATE_ONLY).sort("rated_at", DESCENDING).limit(limit)
        return [_rating(document) async for document in cursor]

    async def overall_counts(self, service_code: str) -> dict[int, int]:
        """How many ratings of the service gave each overall score."""
        pipeline = [
            {"$match": {"service_code": service_code}},
            {"$group": {"_id": "$overall", "count": {"$sum": 1}}},
        ]
        return {row["_id"]: row["count"] async for row in await self.ratings.aggregate(pipeline)}

    async def dimension_totals(self, service_code: str) -> dict[str, DimensionTotal]:
        """Sum and count of the scores given on each dimension of the service."""
        pipeline = [
            {"$match": {"service_code": service_code}},
            {"$unwind": "$dimension_scores"},
            {
                "$group": {
                    "_id": "$dimension_scores.dimension",
                    "total": {"$sum": "$dimension_scores.score"},
                    "count": {"$sum": 1},
                }
            },
        ]
        return {
            row["_id"]: DimensionTotal(total=row["total"], count=row["count"])
            async for row in await self.ratings.aggregate(pipeline)
        }

    async def add_evaluation(self, evaluation: Evaluation, events: list[Envelope]) -> Evaluation:
        document = asdict(evaluation)
        document["_id"] = document.pop("evaluation_id")
        document.pop("version")
        await insert_aggregate(self.evaluations, document, events)
        return replace(evaluation, version=1)

    async def evaluations_of(self, service_code: str, *, limit: int) -> list[Evaluation]:
        cursor = (
            self.evaluations.find({"service_code": service_code}, STATE_ONLY)
            .sort("evaluated_at", DESCENDING)
            .limit(limit)
        )
        return [_evaluation(document) async for document in cursor]


def _service(document: dict[str, Any]) -> Service:
    fields = {k: v for k, v in document.items() if k not in _BOOKKEEPING}
    return Service(
        **{
            **fields,
            "service_code": document["_id"],
            "name": Text(**fields["name"]),
            "channels": tuple(fields["channels"]),
            "dimensions": tuple(fields["dimensions"]),
        },
        version=document["version"],
    )


def _rating_document(rating: ServiceRating) -> dict[str, Any]:
    document = asdict(rating)
    document["_id"] = document.pop("rating_id")
    document.pop("version")
    # A list of pairs, so the summary can $unwind and $group them without knowing the names.
    document["dimension_scores"] = [{"dimension": d, "score": s} for d, s in document.pop("dimensions").items()]
    return document


def _rating(document: dict[str, Any]) -> ServiceRating:
    fields = {k: v for k, v in document.items() if k not in (*_BOOKKEEPING, "dimension_scores")}
    dimensions = {pair["dimension"]: pair["score"] for pair in document["dimension_scores"]}
    return ServiceRating(
        **fields, rating_id=document["_id"], dimensions=dimensions, version=document["version"]
    )


def _evaluation(document: dict[str, Any]) -> Evaluation:
    fields = {k: v for k, v in document.items() if k not in _BOOKKEEPING}
    checklist = tuple(CheckItem(**item) for item in fields.pop("checklist"))
    return Evaluation(**fields, evaluation_id=document["_id"], checklist=checklist, version=document["version"])
