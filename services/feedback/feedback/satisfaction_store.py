"""Satisfaction ratings in MongoDB: one document per rated complaint, keyed by its id,
so the store itself refuses a second rating."""

from dataclasses import asdict, replace
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from feedback.domain.satisfaction import Satisfaction
from sharik.errors import Conflict, NotFound
from sharik.events import Envelope
from sharik.store import STATE_ONLY, insert_aggregate


class SatisfactionStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.satisfaction = db["satisfaction"]

    async def add(self, satisfaction: Satisfaction, events: list[Envelope]) -> Satisfaction:
        """Store the rating with its events; Conflict when the complaint was already rated."""
        document = asdict(satisfaction)
        document["_id"] = document.pop("complaint_id")
        document.pop("version")
        try:
            await insert_aggregate(self.satisfaction, document, events)
        except DuplicateKeyError:
            raise Conflict("this complaint has already been rated") from None
        return replace(satisfaction, version=1)

    async def get(self, complaint_id: str) -> Satisfaction:
        document = await self.satisfaction.find_one({"_id": complaint_id}, STATE_ONLY)
        if document is None:
            raise NotFound(f"complaint {complaint_id} has not been rated")
        return _satisfaction(document)


def _satisfaction(document: dict[str, Any]) -> Satisfaction:
    fields = {k: v for k, v in document.items() if k not in ("_id", "outbox")}
    return Satisfaction(**fields, complaint_id=document["_id"])
