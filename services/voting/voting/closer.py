"""The background job that closes ballots whose closing time has passed."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import structlog
from fastapi import APIRouter

from voting.handlers import BallotHandlers

log = structlog.get_logger(__name__)


class BallotCloser:
    """Every `every_seconds`, closes due ballots. Every replica runs one; the close is a
    conditional single-document update, so exactly one replica closes each ballot."""

    def __init__(self, handlers: BallotHandlers, *, every_seconds: float, stale_after: timedelta) -> None:
        self._handlers = handlers
        self._every = every_seconds
        self._stale_after = stale_after

    async def run_once(self) -> int:
        """Close what is due now; return how many ballots this pass closed."""
        return await self._handlers.close_due(stale_after=self._stale_after)

    def router(self) -> APIRouter:
        """A route-less router whose lifespan runs the job while the app runs."""

        @contextlib.asynccontextmanager
        async def lifespan(_app) -> AsyncIterator[None]:
            task = asyncio.create_task(self._run(), name="ballot-closer")
            try:
                yield
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

        return APIRouter(lifespan=lifespan)

    async def _run(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception as error:  # noqa: BLE001 - keep closing after an outage
                log.warning("closing due ballots failed; retrying", error=repr(error))
            await asyncio.sleep(self._every)
