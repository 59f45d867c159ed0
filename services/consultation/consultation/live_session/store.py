"""Sessions, their questions and votes in MongoDB. Every change to a question takes the
session's next revision (one atomic counter on the session document) and raises the
question's revision to it, so any replica can find what changed since it last looked."""

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from consultation.aggregates import AggregateStore
from consultation.live_session.session import SHOWN, QuestionStatus, Session
from sharik.errors import Conflict, NotFound
from sharik.store import raise_unless_duplicates

QUESTIONS_PER_SESSION = 20_000


class SessionStore(AggregateStore[Session]):
    def __init__(self, db: AsyncDatabase) -> None:
        super().__init__(db["live_sessions"], Session, id_field="session_id", noun="session")

    async def create_indexes(self) -> None:
        await self.collection.create_index([("agency", ASCENDING), ("plan.starts_at", ASCENDING)])

    async def next_revision(self, session_id: str) -> int:
        found = await self.collection.find_one_and_update(
            {"_id": session_id}, {"$inc": {"revision": 1}}, projection={"revision": 1}, return_document=ReturnDocument.AFTER
        )
        return found["revision"]


class QuestionStore:
    def __init__(self, db: AsyncDatabase, sessions: SessionStore) -> None:
        self.collection = db["live_questions"]
        self.votes = db["live_votes"]
        self._sessions = sessions

    async def create_indexes(self) -> None:
        await self.collection.create_index([("session_id", ASCENDING), ("revision", ASCENDING)])
        await self.collection.create_index([("session_id", ASCENDING), ("status", ASCENDING), ("votes", DESCENDING)])
        await self.votes.create_index([("question_id", ASCENDING)])

    async def add(self, question: dict[str, Any]) -> dict[str, Any]:
        revision = await self._sessions.next_revision(question["session_id"])
        document = {**question, "votes": 0, "revision": revision}
        await self.collection.insert_one(document)
        return document

    async def get(self, session_id: str, question_id: str) -> dict[str, Any]:
        found = await self.collection.find_one({"_id": question_id, "session_id": session_id})
        if found is None:
            raise NotFound(f"no question {question_id} in session {session_id}", details=[{"field": "question_id"}])
        return found

    async def set_status(
        self, question: dict[str, Any], status: QuestionStatus, *, extra: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Change the status if nobody changed it meanwhile."""
        revision = await self._sessions.next_revision(question["session_id"])
        changes = {"status": status, **(extra or {})}
        found = await self.collection.find_one_and_update(
            {"_id": question["_id"], "status": question["status"]},
            {"$set": changes, "$max": {"revision": revision}},
            return_document=ReturnDocument.AFTER,
        )
        if found is None:
            raise Conflict("the question changed meanwhile; reload", details=[{"field": "status"}])
        return found

    async def vote(self, question: dict[str, Any], voter: str) -> dict[str, Any]:
        """One vote per citizen per question."""
        try:
            await self.votes.insert_one({"_id": f"{question['_id']}:{voter}", "question_id": question["_id"]})
        except DuplicateKeyError:
            raise Conflict("you already voted for this question", details=[{"field": "question_id"}]) from None
        return await self._count(question, 1)

    async def merge_votes(self, source: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
        """The source's voters vote for the target too; who voted for both counts once."""
        voters = [v["_id"].split(":", 1)[1] async for v in self.votes.find({"question_id": source["_id"]})]
        documents = [{"_id": f"{target['_id']}:{v}", "question_id": target["_id"]} for v in voters]
        added = len(documents)
        if documents:
            try:
                await self.votes.insert_many(documents, ordered=False)
            except BulkWriteError as error:
                raise_unless_duplicates(error)
                added -= len(error.details.get("writeErrors", []))
        return await self._count(target, added)

    async def changed_since(self, session_id: str, revision: int) -> list[dict[str, Any]]:
        query = {"session_id": session_id, "revision": {"$gt": revision}}
        return await self.collection.find(query).sort("revision", 1).to_list(QUESTIONS_PER_SESSION)

    async def shown(self, session_id: str, *, statuses: tuple[str, ...] = SHOWN) -> list[dict[str, Any]]:
        query = {"session_id": session_id, "status": {"$in": list(statuses)}}
        return await self.collection.find(query).sort([("votes", -1), ("asked_at", 1)]).to_list(QUESTIONS_PER_SESSION)

    async def _count(self, question: dict[str, Any], delta: int) -> dict[str, Any]:
        revision = await self._sessions.next_revision(question["session_id"])
        return await self.collection.find_one_and_update(
            {"_id": question["_id"]},
            {"$inc": {"votes": delta}, "$max": {"revision": revision}},
            return_document=ReturnDocument.AFTER,
        )


def public(question: dict[str, Any]) -> dict[str, Any]:
    """A question as every viewer sees it: no author id."""
    return {
        "question_id": question["_id"],
        "text": question["text"] if question["status"] in SHOWN else None,
        "display_name": question.get("display_name"),
        "status": question["status"],
        "votes": question["votes"],
        "merged_into": question.get("merged_into"),
        "asked_at": question["asked_at"].isoformat() if isinstance(question["asked_at"], datetime) else question["asked_at"],
    }
