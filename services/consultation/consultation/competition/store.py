"""Competitions, their ideas and the jury's reviews in MongoDB. A competition and an
idea are aggregates with their events in the document's outbox; a review is one
document per (stage, idea, juror), created when the stage assigns it and filled once."""

from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from consultation.aggregates import AggregateStore
from consultation.competition.competition import Competition
from consultation.competition.idea import Idea
from sharik.errors import Conflict, NotFound
from sharik.store import raise_unless_duplicates

IDEAS_PER_COMPETITION = 5000


class CompetitionStore(AggregateStore[Competition]):
    def __init__(self, db: AsyncDatabase) -> None:
        super().__init__(db["competitions"], Competition, id_field="competition_id", noun="competition")

    async def create_indexes(self) -> None:
        await self.collection.create_index([("agency", ASCENDING), ("created_at", ASCENDING)])
        await self.collection.create_index([("published_at", ASCENDING)])


class IdeaStore(AggregateStore[Idea]):
    def __init__(self, db: AsyncDatabase) -> None:
        super().__init__(db["ideas"], Idea, id_field="idea_id", noun="idea")

    async def create_indexes(self) -> None:
        await self.collection.create_index([("competition_id", ASCENDING), ("submitted_at", ASCENDING)])
        await self.collection.create_index([("competition_id", ASCENDING), ("submitter", ASCENDING)])

    async def of_competition(self, competition_id: str, *, statuses: tuple[str, ...] | None = None) -> list[Idea]:
        query: dict[str, Any] = {"competition_id": competition_id}
        if statuses:
            query["status"] = {"$in": list(statuses)}
        return await self.find(query, sort=[("submitted_at", 1)], limit=IDEAS_PER_COMPETITION)

    async def of_submitter(self, competition_id: str, submitter: str) -> list[Idea]:
        query = {"competition_id": competition_id, "submitter": submitter}
        return await self.find(query, sort=[("submitted_at", 1)], limit=100)

    async def in_competition(self, competition_id: str, idea_id: str) -> Idea:
        idea = await self.get(idea_id)
        if idea.competition_id != competition_id:
            raise NotFound(f"no idea {idea_id} in competition {competition_id}", details=[{"field": "idea_id"}])
        return idea


class ReviewStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.collection = db["reviews"]

    async def create_indexes(self) -> None:
        await self.collection.create_index([("competition_id", ASCENDING), ("stage_index", ASCENDING), ("juror", ASCENDING)])
        await self.collection.create_index(
            [("competition_id", ASCENDING), ("stage_index", ASCENDING), ("idea_id", ASCENDING)]
        )

    async def assign(self, competition_id: str, stage_index: int, assignment: dict[str, tuple[str, ...]]) -> None:
        """One open review per idea and juror; a repeat (a retried request) changes nothing."""
        documents = [
            {
                "_id": review_id(competition_id, stage_index, idea_id, juror),
                "competition_id": competition_id,
                "stage_index": stage_index,
                "idea_id": idea_id,
                "juror": juror,
                "status": "assigned",
            }
            for idea_id, jurors in assignment.items()
            for juror in jurors
        ]
        if not documents:
            return
        try:
            await self.collection.insert_many(documents, ordered=False)
        except BulkWriteError as error:
            raise_unless_duplicates(error)

    async def submit(
        self, review: dict[str, Any], *, scores: dict[str, int], comments: dict[str, str], total: float, at: datetime
    ) -> dict[str, Any]:
        """Fill an assigned review, once."""
        changes = {"status": "submitted", "scores": scores, "comments": comments, "total": total, "submitted_at": at}
        result = await self.collection.update_one({"_id": review["_id"], "status": "assigned"}, {"$set": changes})
        if result.matched_count == 0:
            raise Conflict("this review is already submitted", details=[{"field": "idea_id", "code": "already_reviewed"}])
        return {**review, **changes}

    async def one(self, competition_id: str, stage_index: int, idea_id: str, juror: str) -> dict[str, Any] | None:
        return await self.collection.find_one({"_id": review_id(competition_id, stage_index, idea_id, juror)})

    async def of_juror(self, competition_id: str, stage_index: int, juror: str) -> list[dict[str, Any]]:
        query = {"competition_id": competition_id, "stage_index": stage_index, "juror": juror}
        return await self.collection.find(query).sort("idea_id", 1).to_list(IDEAS_PER_COMPETITION)

    async def of_idea(self, competition_id: str, stage_index: int, idea_id: str) -> list[dict[str, Any]]:
        query = {"competition_id": competition_id, "stage_index": stage_index, "idea_id": idea_id}
        return await self.collection.find(query).sort("juror", 1).to_list(100)

    async def of_stage(self, competition_id: str, stage_index: int) -> list[dict[str, Any]]:
        query = {"competition_id": competition_id, "stage_index": stage_index}
        return await self.collection.find(query).sort("_id", 1).to_list(IDEAS_PER_COMPETITION * 20)


def review_id(competition_id: str, stage_index: int, idea_id: str, juror: str) -> str:
    return f"{competition_id}:{stage_index}:{idea_id}:{juror}"
