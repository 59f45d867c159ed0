"""HTTP routes of the category catalogue that routes submissions."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, StringConstraints

from feedback.clock import now
from feedback.domain.places import Governorate
from feedback.domain.routing import Category
from feedback.domain.text import Text
from feedback.category_handlers import CategoryHandlers
from sharik.http import CurrentUser

router = APIRouter(prefix="/categories", tags=["categories"])

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=64)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _handlers(request: Request) -> CategoryHandlers:
    return request.app.state.categories


Handlers = Annotated[CategoryHandlers, Depends(_handlers)]


class NameIn(BaseModel):
    ar: Name
    en: Name


class CategoryIn(BaseModel):
    category: Slug
    name: NameIn
    unit: Slug
    areas: list[Governorate] = []
    """Governorates the category covers; empty for all of Oman."""
    confidential: bool = False


class CategoryOut(BaseModel):
    agency: str
    category: str
    name: NameIn
    unit: str
    areas: list[str]
    confidential: bool
    registered_at: datetime | None
    retired_at: datetime | None

    @classmethod
    def of(cls, category: Category) -> "CategoryOut":
        return cls(
            agency=category.agency,
            category=category.category,
            name=NameIn(ar=category.name.ar, en=category.name.en),
            unit=category.unit,
            areas=list(category.areas),
            confidential=category.confidential,
            registered_at=category.registered_at,
            retired_at=category.retired_at,
        )


class CategoryChangeIn(BaseModel):
    """The fields to change; those left out stay as they are."""

    name: NameIn | None = None
    unit: Slug | None = None
    areas: list[Governorate] | None = None
    confidential: bool | None = None

    def changes(self) -> dict:
        changes = self.model_dump(exclude_none=True)
        if self.areas is not None:
            changes["areas"] = list(dict.fromkeys(self.areas))
        return changes


@router.post("", status_code=201)
async def register_category(body: CategoryIn, user: CurrentUser, handlers: Handlers) -> CategoryOut:
    """An agency admin adds a category of their agency (the token's); slug taken 409."""
    category = Category(
        agency=user.agency or "",
        category=body.category,
        name=Text(ar=body.name.ar, en=body.name.en),
        unit=body.unit,
        areas=tuple(dict.fromkeys(body.areas)),
        confidential=body.confidential,
        registered_at=now(),
    )
    return CategoryOut.of(await handlers.register(category, by=user))


@router.patch("/{category}")
async def edit_category(category: str, body: CategoryChangeIn, user: CurrentUser, handlers: Handlers) -> CategoryOut:
    """An agency admin changes their agency's category; new filings follow, old cases keep theirs."""
    return CategoryOut.of(await handlers.edit(category, body.changes(), by=user))


@router.post("/{category}/retire")
async def retire_category(category: str, user: CurrentUser, handlers: Handlers) -> CategoryOut:
    """An agency admin retires their agency's category: no longer offered nor taken for
    new filings; cases filed under it keep it (already retired 409)."""
    return CategoryOut.of(await handlers.retire(category, by=user))


@router.get("")
async def list_categories(
    handlers: Handlers,
    agency: Annotated[str | None, Query(max_length=64)] = None,
    retired: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> list[CategoryOut]:
    """The catalogue, by agency and slug; public. Retired entries only with `retired=true`."""
    return [CategoryOut.of(c) for c in await handlers.listed(agency=agency, retired=retired, limit=limit)]
