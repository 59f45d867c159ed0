"""Use cases of the bulletin board: seal recorded votes onto it, and show it."""

import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from sharik.errors import Conflict, Invalid, NotFound
from voting.announcer import VoteAnnouncer
from voting.board_store import BoardStore
from voting.budget_pb import write_budget
from voting.catalog_events import localized, vote_cast
from voting.domain.ballot import Ballot
from sharik_verify.board import CONTENTS, VOTES, lists_of, receipt_list
from voting.domain.vote import public_id_of
from voting.running_tally import RunningTally
from voting.store import BallotStore

log = structlog.get_logger(__name__)

EXPORT_FORMAT = "sharik-board/1"
BINDING_CROWD = 100
"""Fewest votes of an open binding ballot sealed together: the receipts list shows
batches as they come, so a batch must hide each receipt among many."""


class BoardNotPublished(Conflict):
    code = "board_not_published"


class ReceiptNotOnBoard(NotFound):
    code = "receipt_not_on_board"


class BoardHandlers:
    def __init__(
        self,
        ballots: BallotStore,
        board: BoardStore,
        tally: RunningTally,
        announcer: VoteAnnouncer,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._ballots = ballots
        self._board = board
        self._tally = tally
        self._announcer = announcer
        self._clock = clock
        self._holder = uuid.uuid4().hex

    async def seal_pending(self, *, lease: timedelta) -> int:
        """Put a batch of each ballot's votes waiting in the ballot box on its board and
        count them, announce or file the sealed ones, and compact closed ballots; return
        how many entries this call appended."""
        appended = 0
        unsettled: Exception | None = None
        for ballot_id in await self._board.pending_ballots():
            if not await self._board.claim(ballot_id, holder=self._holder, now=self._clock(), lease=lease):
                continue
            ballot = await self._ballots.get(ballot_id)
            # One batch a ballot a pass: while votes keep coming, the sealed ones must
            # still be announced.
            votes = await self._board.waiting(ballot_id)
            if not votes:  # a close sealed them meanwhile
                continue
            if ballot.state == "closed":
                # Stored after the count by a writer the close had given up on: their
                # voters were told the vote was not recorded (vote_writer.py).
                await self._board.remove_from_box(votes)
                log.warning("votes never confirmed to their voters dropped", ballot_id=ballot_id, votes=len(votes))
                continue
            if ballot.binding and ballot.state == "open" and len(votes) < BINDING_CROWD:
                continue  # a batch must be a crowd: it is the finest order anyone can see
            # Unmarked: they leave the box right away. A crash before that leaves them
            # unsealed in the box, and the next pass finds their receipts on the board.
            sealed = await self._board.seal(ballot_id, votes, binding=ballot.binding, mark=False)
            appended += len(sealed)
            if not ballot.binding:
                await self._tally.catch_up(ballot_id, self._board, sealed=sealed)
            try:
                await self._settle([{**v, "binding": ballot.binding} for v in votes])
            except Exception as error:  # noqa: BLE001 - the other ballots are still sealed
                # Kafka is away: they wait in the box, sealed, for a later pass to announce.
                await self._board.mark_sealed(votes, binding=ballot.binding)
                unsettled = unsettled or error
        if unsettled is not None:
            raise unsettled
        # Sealed by a close, or by a pass that could not announce them.
        while votes := await self._board.sealed():
            await self._settle(votes)
        await self._compact(lease=lease)
        return appended

    async def _settle(self, votes: list[dict[str, Any]]) -> None:
        """Sealed votes leave the box: a consultative ballot's announced, a binding
        ballot's filed until its close (announcing them while voting goes on would
        pair a batch of receipts with a batch of choices)."""
        binding = [v for v in votes if v.get("binding")]
        if binding:
            await self._board.file(binding)
        ballots = {}
        for ballot_id in {v["ballot_id"] for v in votes if not v.get("binding")}:
            ballots[ballot_id] = await self._ballots.get(ballot_id)
        await self._announce(ballots, [(public_id_of(v["_id"]), v) for v in votes if not v.get("binding")])
        await self._board.remove_from_box(votes)

    async def _announce(self, ballots: dict[str, Ballot], votes: list[tuple[str, dict[str, Any]]]) -> None:
        """Publish the votes' VoteCast, at least once (a crash before they leave the box
        announces them again under the same event id), in a random order, untraced."""
        now = self._clock()
        await self._announcer.announce(
            [
                vote_cast(ballots[v["ballot_id"]], public_id, v["choice"], announced_at=now)
                for public_id, v in random.sample(votes, len(votes))
            ]
        )

    async def _compact(self, *, lease: timedelta) -> None:
        """Once a ballot is closed its board holds its votes: a binding ballot's filed
        votes are announced (in the order of their public id, a hash) and dropped, and
        the voter marks go (the turnout they made is on the result)."""
        for ballot_id in await self._ballots.to_compact():
            if not await self._board.claim(ballot_id, holder=self._holder, now=self._clock(), lease=lease):
                continue
            ballot = await self._ballots.get(ballot_id)
            if await self._board.in_box(ballot_id):
                continue  # still being announced or filed, or dropped by the next sealing pass
            after = ""
            while filed := await self._board.filed(ballot_id, after=after):
                await self._announce({ballot_id: ballot}, [(v["_id"], v) for v in filed])
                after = filed[-1]["_id"]
            await self._board.forget_votes(ballot_id)
            await self._ballots.compacted(ballot_id)

    async def page(
        self, ballot_id: str, name: str | None, *, start: int, limit: int
    ) -> tuple[Ballot, str, list[dict[str, Any]]]:
        """One page of one list (by default the first) of a ballot's board."""
        ballot = await self._public(ballot_id)
        name = name or lists_of(binding=ballot.binding)[0]
        if name not in lists_of(binding=ballot.binding):
            raise Invalid(f"this ballot's board has the lists {', '.join(lists_of(binding=ballot.binding))}")
        if name in (VOTES, CONTENTS) and not ballot.shows_choices:
            raise BoardNotPublished("the choices on the board are published with the result")
        return ballot, name, await self._board.page(ballot_id, name, start=start, limit=limit)

    async def receipt(self, ballot_id: str, receipt: str) -> tuple[str, dict[str, Any]]:
        """Where a receipt is on the board; its choice only where the ballot may show it."""
        ballot = await self._public(ballot_id)
        entry = await self._board.find_receipt(ballot_id, receipt)
        if entry is None:
            raise ReceiptNotOnBoard("this receipt is not on the board (yet); votes reach it within seconds")
        if not ballot.shows_choices:
            entry.pop("choice", None)
        return receipt_list(binding=ballot.binding), entry

    async def export(self, ballot_id: str) -> dict[str, Any]:
        """The whole board of a closed ballot with its result, as `sharik-verify board` reads it."""
        ballot = await self._public(ballot_id)
        if ballot.state != "closed" or ballot.result is None or ballot.board is None:
            raise BoardNotPublished("the board is exported once the ballot is closed")
        result = ballot.result
        return {
            "format": EXPORT_FORMAT,
            "ballot": {
                "ballot_id": ballot.ballot_id,
                "agency": ballot.agency,
                "kind": ballot.kind,
                "binding": ballot.binding,
                "allow_write_in": ballot.allow_write_in,
                "min_selections": ballot.min_selections,
                "max_selections": ballot.most_selections,
                "seats": ballot.seats,
                "total_budget": ballot.total_budget,
                "max_projects": ballot.max_projects,
                "budget_limit": ballot.budget_limit,
                "rule": ballot.rule,
                "constituencies": [
                    {"wilayat": c.wilayat, "governorate": c.governorate, "seats": c.seats}
                    for c in ballot.constituencies
                ],
                "question": localized(ballot.question).model_dump(),
                "options": [
                    {
                        "option_id": o.option_id,
                        "label": localized(o.label).model_dump(),
                        **{f: v for f in ("cost", "category", "area", "wilayat") if (v := getattr(o, f)) is not None},
                    }
                    for o in ballot.options
                ],
                "opens_at": ballot.opens_at.isoformat(),
                "closes_at": ballot.closes_at.isoformat(),
                "closed_at": ballot.closed_at.isoformat() if ballot.closed_at else None,
            },
            "lists": {
                name: {
                    "length": seal.length,
                    "head": seal.head,
                    "entries": [entry async for entry in self._board.all(ballot_id, name)],
                }
                for name, seal in ballot.board.items()
            },
            "result": {
                **result.record(),
                "published_at": ballot.published_at.isoformat() if ballot.published_at else None,
                "board_head": ballot.board_head,
            },
        }

    async def budget_pb(self, ballot_id: str) -> str:
        """A closed budget in pabulib `.pb` form, its votes read from the sealed board."""
        ballot = await self._public(ballot_id)
        if ballot.kind != "budget":
            raise Invalid("only a participatory budget exports as .pb")
        if ballot.state != "closed" or ballot.result is None:
            raise BoardNotPublished("the .pb file is exported once the budget is closed")
        entries = self._board.all(ballot_id, CONTENTS if ballot.binding else VOTES)
        return write_budget(ballot, [tuple(e["choice"]) async for e in entries])

    async def _public(self, ballot_id: str) -> Ballot:
        ballot = await self._ballots.get(ballot_id)
        if not ballot.is_public:
            raise NotFound(f"no ballot {ballot_id}")
        return ballot
