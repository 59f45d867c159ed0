"""The category catalogue in MongoDB: one document per agency and category."""

from dataclasses import asdict
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from feedback.domain.routing import Category
from feedback.domain.text import Text
from sharik.errors import Conflict


class CategoryStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.categories = db["categories"]

    async def create_indexes(self) -> None:
        await self.categories.create_index([("category", ASCENDING), ("agency", ASCENDING)])
        await self.categories.create_index([("agency", ASCENDING), ("category", ASCENDING)])  # the listing's order

    async def add(self, category: Category) -> None:
        """Register a category; the `_id` makes an agency's slug unique (409 when taken)."""
        document = {"_id": f"{category.agency}/{category.category}", **asdict(category)}
        try:
            await self.categories.insert_one(document)
        except DuplicateKeyError:
            raise Conflict(f"{category.agency} already has the category {category.category}") from None

    async def named(self, category: str) -> list[Category]:
        """Every agency's entry for this slug."""
        return [_category(d) async for d in self.categories.find({"category": category})]

    async def listed(self, *, agency: str | None, limit: int) -> list[Category]:
        query = {"agency": agency} if agency else {}
        cursor = self.categories.find(query).sort([("agency", ASCENDING), ("category", ASCENDING)]).limit(limit)
        return [_category(d) async for d in cursor]


def _category(document: dict[str, Any]) -> Category:
    fields = {k: v for k, v in document.items() if k != "_id"}
    return Category(**{**fields, "name": Text(**fields["name"]), "areas": tuple(fields.get("areas", ()))})
