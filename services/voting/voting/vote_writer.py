"""Group commit of votes: the votes of one ballot that arrive while a group is being
written go together in the next one, so a group costs four store round trips whatever
its size (admit, mark the voters, put the votes in the box, release) instead of four a vote.

Secrecy: a group's voter marks and its votes are each inserted in an independent random
order, so neither the order of `voters` nor that of `ballot_box` pairs a voter with a
choice; neither carries a time.

A group is admitted in flight on the ballot only while it is open, under this writer's
name, with a time until which the writer vouches for it (kept fresh while the group is
slow). A close waits for every writer still vouching, so a vote answered 201 is always
on the board it counts; a writer that stops vouching (a dead process) is given up, and
if it turns out alive after all its release fails and its voters are told their vote
was not recorded (store.py `release`)."""

import asyncio
import contextlib
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from sharik.errors import Conflict
from voting.domain.ballot import AlreadyVoted, WindowClosed
from voting.store import BallotStore

log = structlog.get_logger(__name__)

GROUP = 500
"""Most votes a group writes at once."""


class VoteNotRecorded(Conflict):
    code = "vote_not_recorded"


@dataclass(eq=False)
class _Pending:
    mark: dict[str, Any]
    vote: dict[str, Any]
    answer: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class VoteWriter:
    def __init__(self, store: BallotStore, *, vouch_seconds: float) -> None:
        self._store = store
        self._vouch = timedelta(seconds=vouch_seconds)
        self.name = uuid.uuid4().hex
        self._waiting: dict[str, list[_Pending]] = {}
        self._writers: dict[str, asyncio.Task] = {}

    async def record(self, ballot_id: str, *, voter: str, governorate: str | None, vote_id: str, choice) -> None:
        """Mark `voter` as having voted and put the vote in the ballot box, with the group
        it arrives in; AlreadyVoted if marked, WindowClosed if the ballot no longer takes votes."""
        # Random ids: an ObjectId would carry the time of voting.
        mark = {"_id": uuid.uuid4().hex, "ballot_id": ballot_id, "voter": voter, "governorate": governorate}
        pending = _Pending(mark, {"_id": vote_id, "ballot_id": ballot_id, "choice": list(choice)})
        self._waiting.setdefault(ballot_id, []).append(pending)
        if ballot_id not in self._writers:
            self._writers[ballot_id] = asyncio.create_task(self._write(ballot_id))
        await asyncio.shield(pending.answer)

    async def _write(self, ballot_id: str) -> None:
        try:
            while waiting := self._waiting.pop(ballot_id, None):
                for start in range(0, len(waiting), GROUP):
                    await self._commit(ballot_id, waiting[start : start + GROUP])
        finally:
            # No await since the last pop: a vote arriving now starts a new writer.
            del self._writers[ballot_id]

    async def _commit(self, ballot_id: str, group: list[_Pending]) -> None:
        try:
            admitted = await self._store.admit(
                ballot_id, writer=self.name, votes=len(group), alive_until=_until(self._vouch)
            )
        except Exception as error:  # noqa: BLE001 - each request answers it
            _answer(group, error)
            return
        if not admitted:
            _answer(group, WindowClosed("voting has closed"))
            return
        vouching = asyncio.create_task(self._keep_vouching(ballot_id))
        try:
            stored = await self._store_group(group)
        except Exception as error:  # noqa: BLE001
            stored, failure = [], error
        else:
            failure = None
        finally:
            vouching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await vouching
        try:
            released = await self._store.release(ballot_id, writer=self.name, votes=len(group))
        except Exception as error:  # noqa: BLE001
            released, failure = False, failure or error
        if not released and stored:
            log.warning("votes stored after a close gave up on their writer", ballot_id=ballot_id, votes=len(stored))
        for pending in group:
            if pending.answer.done():
                continue
            if pending in stored and released:
                pending.answer.set_result(None)
            else:
                pending.answer.set_exception(
                    failure or VoteNotRecorded("your vote could not be confirmed; check your receipt status or try again")
                )

    async def _store_group(self, group: list[_Pending]) -> list[_Pending]:
        """Mark the group's voters, then put the votes of those newly marked in the box;
        return those stored. A vote that cannot be stored loses its mark again; if the
        outcome is unknown (the store went away) the mark stays: a lost vote, never a double one."""
        marking = random.sample(group, len(group))
        for index in await self._store.mark_voters([p.mark for p in marking]):
            marking[index].answer.set_exception(AlreadyVoted("you have already voted in this ballot"))
        marked = [p for p in marking if not p.answer.done()]
        boxing = random.sample(marked, len(marked))
        unstored = {boxing[i] for i in await self._store.put_in_box([p.vote for p in boxing])} if boxing else set()
        if unstored:
            await self._store.unmark_voters([p.mark for p in unstored])
        return [p for p in marked if p not in unstored]

    async def _keep_vouching(self, ballot_id: str) -> None:
        while True:
            await asyncio.sleep(self._vouch.total_seconds() / 3)
            await self._store.keep_alive(ballot_id, writer=self.name, alive_until=_until(self._vouch))


def _answer(group: list[_Pending], error: Exception) -> None:
    for pending in group:
        if not pending.answer.done():
            pending.answer.set_exception(error)


def _until(vouch: timedelta) -> datetime:
    # Wall-clock time, compared by other replicas' closes: clocks must agree to well under `vouch`.
    return datetime.now(UTC) + vouch
