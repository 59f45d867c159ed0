"""The background job that puts recorded votes on their ballots' bulletin boards."""

import asyncio
from datetime import timedelta

import structlog

from voting.board_handlers import BoardHandlers

log = structlog.get_logger(__name__)


class BoardSealer:
    """Every `every_seconds`, seals pending votes. Every replica runs one; a ballot is
    sealed by whoever holds its lease, and the chain stays whole even when leases overlap."""

    def __init__(self, board: BoardHandlers, *, every_seconds: float, lease: timedelta) -> None:
        self._board = board
        self._every = every_seconds
        self._lease = lease

    async def run_once(self) -> int:
        """Seal what is pending now; return how many entries this pass appended."""
        return await self._board.seal_pending(lease=self._lease)

    async def run(self) -> None:
        """Seal pending votes forever: pass after pass while there are some, else every `every_seconds`."""
        while True:
            try:
                if await self.run_once():
                    continue
            except Exception as error:  # noqa: BLE001 - keep sealing after an outage
                log.warning("sealing the boards failed; retrying", error=repr(error))
            await asyncio.sleep(self._every)
