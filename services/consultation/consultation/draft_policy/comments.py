"""Comments on a draft's sections, one document each: section, stance, the comment it
replies to (one level deep), its supporters (one support per citizen) and the
agency's answer. The text itself lives in moderation, under the same id."""

from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase

from sharik.errors import Conflict, NotFound
from sharik.events import Envelope
from sharik.store import insert_aggregate


class CommentStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.comments = db["comments"]

    async def create_indexes(self) -> None:
        await self.comments.create_index([("document_id", ASCENDING), ("section", ASCENDING), ("supports", DESCENDING)])
        await self.comments.create_index([("reply_to", ASCENDING), ("created_at", ASCENDING)])

    async def add(self, comment: dict[str, Any], event: Envelope) -> None:
        await insert_aggregate(self.comments, {**comment, "supporters": [], "supports": 0, "answer": None}, [event])

    async def get(self, comment_id: str) -> dict[str, Any]:
        comment = await self.comments.find_one({"_id": comment_id}, {"outbox": 0, "supporters": 0})
        if comment is None:
            raise NotFound(f"no comment {comment_id}", details=[{"field": "comment_id"}])
        return comment

    async def support(self, comment_id: str, supporter: str) -> None:
        """Count the citizen's support once (the filter makes it atomic)."""
        result = await self.comments.update_one(
            {"_id": comment_id, "supporters": {"$ne": supporter}},
            {"$addToSet": {"supporters": supporter}, "$inc": {"supports": 1}},
        )
        if result.matched_count == 0:
            await self.get(comment_id)
            raise Conflict("you already support this comment", details=[{"field": "comment_id", "code": "already_supported"}])

    async def answer(self, comment_id: str, answer: dict[str, Any]) -> None:
        await self.comments.update_one({"_id": comment_id}, {"$set": {"answer": answer}})

    async def of_section(self, document_id: str, section: int, *, limit: int) -> list[dict[str, Any]]:
        """A section's comments, most supported first, each with its replies."""
        top = [
            c
            async for c in self.comments.find(
                {"document_id": document_id, "section": section, "reply_to": None}, {"outbox": 0, "supporters": 0}
            )
            .sort([("supports", -1), ("created_at", 1)])
            .limit(limit)
        ]
        ids = [c["_id"] for c in top]
        replies: dict[str, list] = {}
        async for reply in self.comments.find({"reply_to": {"$in": ids}}, {"outbox": 0, "supporters": 0}).sort("created_at", 1):
            replies.setdefault(reply["reply_to"], []).append(reply)
        return [{**c, "replies": replies.get(c["_id"], [])} for c in top]

    async def stance_counts(self, document_id: str) -> dict[int, dict[str, int]]:
        """Top-level comments per section and stance."""
        pipeline = [
            {"$match": {"document_id": document_id, "reply_to": None}},
            {"$group": {"_id": {"section": "$section", "stance": "$stance"}, "n": {"$sum": 1}}},
        ]
        counts: dict[int, dict[str, int]] = {}
        async for row in await self.comments.aggregate(pipeline):
            counts.setdefault(row["_id"]["section"], {})[row["_id"]["stance"]] = row["n"]
        return counts
