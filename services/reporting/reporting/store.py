"""The transparency read model in MongoDB: applies projected changes, one atomic
single-document upsert each."""

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from reporting.projections import Change
from reporting.projections import formats, participation
from reporting.projections.alerts import ALERTS
from reporting.projections.change import (
    BALLOTS,
    CAMPAIGNS,
    COMPLAINTS,
    DELIVERIES,
    SERVICE_EVALUATIONS,
    SERVICE_RATINGS,
)

COLLECTIONS = (CAMPAIGNS, BALLOTS, COMPLAINTS, DELIVERIES, SERVICE_RATINGS, SERVICE_EVALUATIONS, ALERTS,
               *participation.COLLECTIONS, *formats.COLLECTIONS)


class ReadModel:
    def __init__(self, db: AsyncDatabase) -> None:
        self.db = db

    def __getitem__(self, name: str) -> AsyncCollection:
        return self.db[name]

    async def create_indexes(self) -> None:
        await self.db[CAMPAIGNS].create_index([("agency", ASCENDING)])
        await self.db[CAMPAIGNS].create_index([("launched_at", DESCENDING), ("_id", ASCENDING)])
        await self.db[BALLOTS].create_index([("agency", ASCENDING)])
        await self.db[BALLOTS].create_index([("opens_at", DESCENDING), ("_id", ASCENDING)])
        await self.db[BALLOTS].create_index([("closed", ASCENDING), ("agency", ASCENDING)])
        await self.db[BALLOTS].create_index([("result.published_at", DESCENDING), ("_id", ASCENDING)])
        await self.db[COMPLAINTS].create_index([("agency", ASCENDING), ("status", ASCENDING)])
        # The platform's timings, deadlines and ratings: sparse, so each holds only the
        # complaints that reached the moment (a query asks `$exists`) or missed it.
        for reached in ("acknowledged_at", "resolved_at", "acknowledge_missed", "resolve_missed", "rated_score"):
            await self.db[COMPLAINTS].create_index([(reached, ASCENDING)], sparse=True)
        await self.db[DELIVERIES].create_index([("cause_id", ASCENDING)])
        await self.db[SERVICE_RATINGS].create_index([("agency", ASCENDING), ("service_code", ASCENDING)])
        await self.db[SERVICE_EVALUATIONS].create_index([("agency", ASCENDING), ("service_code", ASCENDING)])
        await self.db[BALLOTS].create_index([("campaign_id", ASCENDING)])
        for name, indexes in (participation.INDEXES | formats.INDEXES).items():
            for keys in indexes:
                await self.db[name].create_index(keys)

    async def apply(self, change: Change) -> None:
        """Upsert the change's document; a change whose guard fails does nothing."""
        collection = self.db[change.collection]
        selector = {"_id": change.key, **change.guard}
        try:
            await collection.update_one(selector, change.update, upsert=True)
        except DuplicateKeyError:
            # The document exists: either the guard failed (a stale change, nothing to
            # do) or a concurrent upsert created it first (apply to it now).
            await collection.update_one(selector, change.update)

    async def drop(self) -> None:
        """Remove every read-model document and recreate the indexes."""
        for name in COLLECTIONS:
            await self.db[name].drop()
        await self.create_indexes()
