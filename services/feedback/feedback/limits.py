"""Limits counted in the store per key and fixed time window, so every replica sees the
same count: failed guesses of tracking codes and secrets, anonymous filings. Nothing is
held in process; old windows are deleted by a job (no TTL indexes on the portable store)."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import structlog
from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from feedback.clock import now as clock_now
from feedback.domain.guessing import window_of
from sharik.errors import DomainError

log = structlog.get_logger(__name__)


class TooManyAttempts(DomainError):
    """A limit is spent for this window; retry after `retry_after` seconds (429)."""

    status = 429

    def __init__(self, code: str, message: str, retry_after: int) -> None:
        super().__init__(f"{message}; try again in {retry_after} seconds", headers={"Retry-After": str(retry_after)})
        self.code = code
        self.retry_after = retry_after


@dataclass(frozen=True)
class WindowLimit:
    count: int
    """How many a key may spend per window; one more is refused."""
    window_seconds: int


class WindowCounters:
    """One document per key and window (`_id` = `<key>|<window start>`), bumped with an
    atomic findAndModify upsert, so concurrent requests cannot slip past the limit."""

    def __init__(self, collection: AsyncCollection) -> None:
        self.counters = collection

    async def create_indexes(self) -> None:
        await self.counters.create_index("window_start")

    async def spend(self, key: str, window_start: int) -> int:
        """Count one more and return how many this window has counted."""
        document = await self.counters.find_one_and_update(
            {"_id": f"{key}|{window_start}"},
            {"$inc": {"count": 1}, "$setOnInsert": {"key": key, "window_start": window_start}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return document["count"]

    async def take_back(self, key: str, window_start: int) -> None:
        await self.counters.update_one({"_id": f"{key}|{window_start}"}, {"$inc": {"count": -1}})

    async def expire(self, *, before: int) -> int:
        """Delete the windows that started before `before` (epoch seconds)."""
        return (await self.counters.delete_many({"window_start": {"$lt": before}})).deleted_count


class Limiter:
    """A WindowLimit over WindowCounters, with the code and message of its 429."""

    def __init__(
        self,
        counters: WindowCounters,
        limit: WindowLimit,
        *,
        code: str,
        message: str,
        clock: Callable[[], datetime] = clock_now,
    ) -> None:
        self._counters = counters
        self._limit = limit
        self._code = code
        self._message = message
        self._clock = clock

    async def spend(self, key: str) -> int:
        """Count one for `key`, or raise TooManyAttempts past the limit; returns the
        window's start, to take the count back."""
        window = window_of(self._clock(), self._limit.window_seconds)
        if await self._counters.spend(key, window.start) > self._limit.count:
            raise TooManyAttempts(self._code, self._message, window.retry_after)
        return window.start

    async def take_back(self, key: str, window_start: int) -> None:
        await self._counters.take_back(key, window_start)

    async def expire(self) -> int:
        """Delete the windows that are over."""
        return await self._counters.expire(before=int(self._clock().timestamp()) - self._limit.window_seconds)


async def expire_windows(limiters: list[Limiter], *, every_seconds: float) -> None:
    """Delete finished windows of every limiter forever, every `every_seconds`; every
    replica may run it, deleting twice is harmless."""
    while True:
        for limiter in limiters:
            try:
                deleted = await limiter.expire()
                if deleted:
                    log.info("limit windows expired", deleted=deleted)
            except Exception as error:  # noqa: BLE001 - try again next round after an outage
                log.warning("expiring limit windows failed; retrying", error=repr(error))
        await asyncio.sleep(every_seconds)
