"""What a dataset is, and the registry of the sources that make them."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reporting.config import ReportingSettings
from reporting.store import ReadModel

Localized = dict[str, str]  # {"ar": ..., "en": ...}


@dataclass(frozen=True)
class Column:
    """One field: its JSON name and its Arabic and English headers.

    `people` marks a count of persons (participants, reporters, voters): a cell under
    the suppression threshold k is withheld. `per` names the people count a measure
    (an average, a share) is computed over: it is withheld with it."""

    name: str
    ar: str
    en: str
    people: bool = False
    per: str | None = None


@dataclass(frozen=True)
class Related:
    """A file kept elsewhere (the voting service's board) that the dataset links to;
    `media` is a key of reporting.dcat.MEDIA_TYPES."""

    title: str
    url: str
    media: str
    description: Localized


@dataclass(frozen=True)
class Table:
    """One dataset: its description for the catalogue and its rows.

    Every date is taken from the events (never the clock), and rows come in a fixed
    order, so a rebuild of the read model gives the same bytes."""

    dataset_id: str
    publisher: str  # the agency's code, or the platform's
    title: Localized
    description: Localized
    keywords: tuple[Localized, ...]
    theme: str  # an EU data-theme code: GOVE, SOCI, ...
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    issued: datetime
    modified: datetime
    temporal: tuple[datetime, datetime]
    governorate: str | None = None  # the area covered; None: all of Oman
    related: tuple[Related, ...] = ()


@dataclass(frozen=True)
class Source:
    """A registration: a name and how to build its tables from the read model."""

    name: str
    tables: Callable[[ReadModel, ReportingSettings], Awaitable[list[Table]]]


_SOURCES: list[Source] = []


def register(source: Source) -> Source:
    if any(s.name == source.name for s in _SOURCES):
        raise ValueError(f"dataset source {source.name} is registered twice")
    _SOURCES.append(source)
    return source


def sources() -> list[Source]:
    return list(_SOURCES)
