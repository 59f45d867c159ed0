"""The category catalogue in MongoDB: one document per agency and category."""

from dataclasses import asdict
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from feedback.domain.routing import Category
from feedback.domain.text import Text
from sharik.errors import Conflict, NotFound


class CategoryStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.categories = db["categories"]

    async def create_indexes(self) -> None:
        await self.categories.create_index([("category", ASCENDING), ("agency", ASCENDING)])
        await self.categories.create_index([("agency", ASCENDING), ("category", ASCENDING)])  # the listing's order

    async def add(self, category: Category) -> None:
        """Register a category; a slug belongs to one agency (409 when taken). The `_id`
        is the slug, so two agencies registering it at once cannot both succeed; entries
        stored before that rule are keyed `<agency>/<slug>` and found by the look-up."""
        slug = category.category
        holder = await self.categories.find_one({"category": slug}, {"agency": 1})
        try:
            if holder is None:
                await self.categories.insert_one({"_id": slug, **asdict(category)})
        except DuplicateKeyError:
            holder = await self.categories.find_one({"category": slug}, {"agency": 1})
        if holder is not None:
            raise Conflict(
                f"the category {slug} belongs to {holder['agency']}; choose another slug",
                details=[{"field": "category", "agency": holder["agency"]}],
            )

    async def of_agency(self, agency: str, category: str) -> Category:
        """The agency's entry for the slug; 404 when the agency has none."""
        document = await self.categories.find_one({"category": category, "agency": agency})
        if document is None:
            raise NotFound(f"{agency} has no category {category}")
        return _category(document)

    async def change(self, agency: str, category: str, changes: dict[str, Any]) -> Category:
        """Set some fields of the agency's entry (one atomic update) and return it."""
        document = await self.categories.find_one_and_update(
            {"category": category, "agency": agency}, {"$set": changes}, return_document=ReturnDocument.AFTER
        )
        if document is None:
            raise NotFound(f"{agency} has no category {category}")
        return _category(document)

    async def retire(self, agency: str, category: str, *, at: datetime) -> Category:
        """Mark the agency's entry retired, once: an atomic update of an entry not yet retired."""
        document = await self.categories.find_one_and_update(
            {"category": category, "agency": agency, "retired_at": None},
            {"$set": {"retired_at": at}},
            return_document=ReturnDocument.AFTER,
        )
        if document is None:
            await self.of_agency(agency, category)  # 404 when the agency has no such entry
            raise Conflict(f"the category {category} is already retired")
        return _category(document)

    async def named(self, category: str) -> list[Category]:
        """Every agency's entry for this slug."""
        return [_category(d) async for d in self.categories.find({"category": category})]

    async def listed(self, *, agency: str | None, retired: bool, limit: int) -> list[Category]:
        """By agency and slug; the retired ones only when asked for."""
        query: dict[str, Any] = {"agency": agency} if agency else {}
        if not retired:
            query["retired_at"] = None  # Also matches entries stored before retiring existed.
        cursor = self.categories.find(query).sort([("agency", ASCENDING), ("category", ASCENDING)]).limit(limit)
        return [_category(d) async for d in cursor]


def _category(document: dict[str, Any]) -> Category:
    fields = {k: v for k, v in document.items() if k != "_id"}
    return Category(**{**fields, "name": Text(**fields["name"]), "areas": tuple(fields.get("areas", ()))})
