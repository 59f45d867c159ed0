"""Live updates of a session's questions to every open browser (server-sent events).

Each replica polls the store for the session's questions changed since the last
revision it saw, a few times a second and once per session however many viewers it
holds, and fans the changes out to its viewers. So a change made through any replica
reaches the viewers of every replica, and nothing depends on one process's memory."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import structlog

from consultation.live_session.store import QuestionStore, SessionStore, public

LAG = 500
"""Revisions are taken before the write that carries them, so a write may land after a
later one; each poll looks back this many revisions and sends only what differs."""
QUEUE = 1000
KEEP_ALIVE_SECONDS = 15.0
log = structlog.get_logger(__name__)


class Feed:
    def __init__(self, sessions: SessionStore, questions: QuestionStore, *, poll_seconds: float) -> None:
        self._sessions = sessions
        self._questions = questions
        self._poll = poll_seconds
        self._viewers: dict[str, set[asyncio.Queue]] = {}
        self._pollers: dict[str, asyncio.Task] = {}

    async def stream(self, session_id: str) -> AsyncIterator[str]:
        """Server-sent events: every shown question now, then each change as it happens."""
        queue: asyncio.Queue = asyncio.Queue(QUEUE)
        self._viewers.setdefault(session_id, set()).add(queue)
        if session_id not in self._pollers:
            start = (await self._sessions.collection.find_one({"_id": session_id}, {"revision": 1}) or {}).get("revision", 0)
            self._pollers[session_id] = asyncio.create_task(self._watch(session_id, start), name=f"feed:{session_id}")
        try:
            for question in await self._questions.shown(session_id):
                yield _event(question["revision"], public(question))
            while True:
                try:
                    revision, payload = await asyncio.wait_for(queue.get(), KEEP_ALIVE_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if payload is None:  # too slow to keep up: the browser reconnects for a fresh list
                    return
                yield _event(revision, payload)
        finally:
            viewers = self._viewers.get(session_id, set())
            viewers.discard(queue)
            if not viewers:
                self._viewers.pop(session_id, None)
                poller = self._pollers.pop(session_id, None)
                if poller is not None:
                    poller.cancel()

    async def close(self) -> None:
        for poller in self._pollers.values():
            poller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*self._pollers.values(), return_exceptions=True)

    async def _watch(self, session_id: str, seen: int) -> None:
        sent: dict[str, dict[str, Any]] = {}
        while True:
            try:
                for question in await self._questions.changed_since(session_id, max(0, seen - LAG)):
                    seen = max(seen, question["revision"])
                    payload = public(question)
                    if sent.get(payload["question_id"]) != payload:
                        sent[payload["question_id"]] = payload
                        self._publish(session_id, question["revision"], payload)
            except Exception:  # noqa: BLE001 - the feed outlives a store hiccup
                log.exception("live feed poll failed", session_id=session_id)
            await asyncio.sleep(self._poll)

    def _publish(self, session_id: str, revision: int, payload: dict[str, Any]) -> None:
        for queue in list(self._viewers.get(session_id, ())):
            try:
                queue.put_nowait((revision, payload))
            except asyncio.QueueFull:
                queue.get_nowait()
                queue.put_nowait((revision, None))


def _event(revision: int, payload: dict[str, Any]) -> str:
    return f"id: {revision}\nevent: question\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"
