"""One document per aggregate (a pydantic model), saved with its events in the
document's outbox under an optimistic `version` check (sharik.store)."""

from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from pymongo.asynchronous.collection import AsyncCollection

from sharik.errors import NotFound
from sharik.events import Envelope
from sharik.store import STATE_ONLY, insert_aggregate, update_aggregate

Aggregate = TypeVar("Aggregate", bound=BaseModel)


class AggregateStore(Generic[Aggregate]):
    def __init__(self, collection: AsyncCollection, model: type[Aggregate], *, id_field: str, noun: str) -> None:
        self.collection = collection
        self._model = model
        self._id = id_field
        self._noun = noun

    async def get(self, aggregate_id: str) -> Aggregate:
        document = await self.collection.find_one({"_id": aggregate_id}, STATE_ONLY)
        if document is None:
            raise NotFound(f"no {self._noun} {aggregate_id}", details=[{"field": self._id, "value": aggregate_id}])
        return self._of(document)

    async def add(self, aggregate: Aggregate, events: list[Envelope]) -> Aggregate:
        await insert_aggregate(self.collection, self._document(aggregate), events)
        return aggregate.model_copy(update={"version": 1})

    async def save(self, aggregate: Aggregate, events: list[Envelope]) -> Aggregate:
        document = self._document(aggregate)
        key = document.pop("_id")
        version = await update_aggregate(
            self.collection, key, expected_version=aggregate.version, changes=document, events=events
        )
        return aggregate.model_copy(update={"version": version})

    async def find(self, query: dict[str, Any], *, sort: list[tuple[str, int]], limit: int) -> list[Aggregate]:
        cursor = self.collection.find(query, STATE_ONLY).sort(sort).limit(limit)
        return [self._of(document) async for document in cursor]

    def _document(self, aggregate: Aggregate) -> dict[str, Any]:
        document = aggregate.model_dump(mode="python", exclude={"version"})
        document["_id"] = document.pop(self._id)
        return document

    def _of(self, document: dict[str, Any]) -> Aggregate:
        fields = {k: v for k, v in document.items() if k not in ("_id", "outbox", "outbox_pending")}
        return self._model.model_validate({**fields, self._id: document["_id"]})
