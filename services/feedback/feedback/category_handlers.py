"""Use cases of the category catalogue: an agency's admins keep their categories, and
anyone reads the catalogue citizens file under."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from feedback.category_store import CategoryStore
from feedback.clock import now as clock_now
from feedback.domain.routing import Category
from sharik.auth import Principal
from sharik.errors import Forbidden


class CategoryHandlers:
    def __init__(self, categories: CategoryStore, *, clock: Callable[[], datetime] = clock_now) -> None:
        self._categories = categories
        self._clock = clock

    async def register(self, category: Category, *, by: Principal) -> Category:
        """An agency admin adds a category to their agency's catalogue; a slug another
        agency holds is 409."""
        if _admins_agency(by) != category.agency:
            raise Forbidden("an agency admin registers categories of their own agency")
        await self._categories.add(category)
        return category

    async def edit(self, category: str, changes: dict[str, Any], *, by: Principal) -> Category:
        """An agency admin changes their category's name, unit, areas or confidentiality;
        new filings follow it, cases already filed keep what they were given."""
        return await self._categories.change(_admins_agency(by), category, changes)

    async def retire(self, category: str, *, by: Principal) -> Category:
        """An agency admin stops new filings of their category; old cases keep it."""
        return await self._categories.retire(_admins_agency(by), category, at=self._clock())

    async def offered(self, category: str) -> list[Category]:
        """The entries for a slug that still take new filings."""
        return [c for c in await self._categories.named(category) if c.retired_at is None]

    async def listed(self, *, agency: str | None, retired: bool, limit: int) -> list[Category]:
        """The catalogue, public: citizens choose from it; retired entries on request."""
        return await self._categories.listed(agency=agency, retired=retired, limit=limit)


def _admins_agency(by: Principal) -> str:
    by.require("agency_admin")
    if not by.agency:
        raise Forbidden("the token names no agency")
    return by.agency
