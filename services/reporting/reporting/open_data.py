"""The open data as a whole: every registered source's tables, rendered, with their
checksums; and the daily snapshots of each dataset's files."""

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime

from pymongo import ASCENDING

from reporting.config import ReportingSettings
from reporting.datasets import Table, sources
from reporting.datasets.files import Rendered, render
from reporting.store import ReadModel
from sharik.errors import NotFound

SNAPSHOTS = "dataset_snapshots"  # kept across rebuilds: a day's files are history
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@dataclass(frozen=True)
class Published:
    table: Table
    files: Rendered


class OpenData:
    def __init__(self, read_model: ReadModel, settings: ReportingSettings) -> None:
        self._db = read_model
        self._settings = settings

    async def create_indexes(self) -> None:
        await self._db[SNAPSHOTS].create_index([("dataset_id", ASCENDING), ("day", ASCENDING)])  # a dataset's days

    async def all(self) -> list[Published]:
        """Every dataset, ordered by id."""
        tables = [t for source in sources() for t in await source.tables(self._db, self._settings)]
        return [Published(t, render(t, self._settings.suppression_k)) for t in sorted(tables, key=lambda t: t.dataset_id)]

    async def one(self, dataset_id: str) -> Published:
        for published in await self.all():
            if published.table.dataset_id == dataset_id:
                return published
        raise NotFound(f"no dataset {dataset_id}")

    async def snapshot(self, day: date) -> int:
        """Keep every dataset's files as they are now under `day` (today: a later call
        the same day replaces them, so a day's snapshot is its last); returns how many."""
        published = await self.all()
        for p in published:
            document = {"dataset_id": p.table.dataset_id, "day": day.isoformat(), "csv": p.files.csv, "json": p.files.json}
            await self._db[SNAPSHOTS].replace_one({"_id": f"{p.table.dataset_id}@{day.isoformat()}"}, document, upsert=True)
        return len(published)

    async def snapshots(self, dataset_id: str) -> list[str]:
        cursor = self._db[SNAPSHOTS].find({"dataset_id": dataset_id}, {"day": 1}).sort("day", 1)
        return [doc["day"] async for doc in cursor]

    async def snapshot_file(self, dataset_id: str, day: str, media: str) -> bytes:
        document = await self._db[SNAPSHOTS].find_one({"_id": f"{dataset_id}@{day}"})
        if document is None:
            raise NotFound(f"no snapshot of dataset {dataset_id} for {day}")
        return document[media]

    async def keep_daily_snapshots(self, *, poll_seconds: float = 600) -> None:
        """Background job: today's snapshot, refreshed every poll; once the day is over
        nothing writes under it again."""
        while True:
            await self.snapshot(datetime.now(UTC).date())
            await asyncio.sleep(poll_seconds)
