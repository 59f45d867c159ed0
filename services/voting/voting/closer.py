"""The background job that closes ballots whose closing time has passed."""

import asyncio
from datetime import timedelta

import structlog

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

    async def run(self) -> None:
        """Close due ballots forever, every `every_seconds`."""
        while True:
            try:
                await self.run_once()
            except Exception as error:  # noqa: BLE001 - keep closing after an outage
                log.warning("closing due ballots failed; retrying", error=repr(error))
            await asyncio.sleep(self._every)
