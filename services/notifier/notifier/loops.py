"""Background loops that each take one piece of due work at a time (a delivery, a
cell broadcast hand-off), woken early when new work is due, stopped gracefully."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger(__name__)

STOP_GRACE_SECONDS = 20.0


class WorkLoops:
    """`concurrency` loops calling `step` until it returns False (nothing due), then
    waiting for `wake` or the next poll."""

    def __init__(self, name: str, step: Callable[[], Awaitable[bool]], *, poll_seconds: float, concurrency: int) -> None:
        self._name = name
        self._step = step
        self._poll_seconds = poll_seconds
        self._concurrency = concurrency
        self._wake = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task] = []

    def wake(self) -> None:
        """Look for due work now rather than at the next poll."""
        self._wake.set()

    async def start(self) -> None:
        self._stopping = False
        self._tasks = [asyncio.create_task(self._run(), name=f"{self._name}-{n}") for n in range(self._concurrency)]

    async def stop(self) -> None:
        """Stop taking work and let the work in flight finish and be recorded; what
        outlasts the grace is cancelled, and its lease lets a loop take it over."""
        self._stopping = True
        self._wake.set()
        if self._tasks:
            _, late = await asyncio.wait(self._tasks, timeout=STOP_GRACE_SECONDS)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        self._tasks = []

    async def _run(self) -> None:
        while not self._stopping:
            try:
                while not self._stopping and await self._step():
                    pass
            except Exception as error:  # noqa: BLE001 - keep working after a store outage
                log.warning("work pass failed; retrying", loop=self._name, error=repr(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_seconds)
            if not self._stopping:
                self._wake.clear()
