"""The bulletin board in MongoDB: one document per chained entry, appended, never changed.

An entry's `_id` is `<ballot>/<list>/<position>`, so two sealers racing for the same
position cannot both write it (the insert is the commit), and a receipt is unique, so
no vote is sealed twice. The chain therefore holds even if two replicas seal one ballot
at once; the lease only spares them the wasted work.

Votes wait in the `ballot_box` until they are on the board (then marked `sealed`) and
announced, then move to `votes`. Every
read goes by `_id` (an entry's place), by the unique receipt, or over the small ballot
box: a store whose only indexes are unique ones (the development store is one) reads a
whole collection for any other query, and a national ballot's board and votes run to
hundreds of thousands of documents."""

from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from sharik.store import PENDING, raise_unless_duplicates
from sharik_verify.board import CONTENTS, VOTES, ListSeal, extend, genesis, lists_of, receipt_list, sorted_contents
from sharik_verify.tally import Choice
from voting.domain.vote import receipt_of

SEALED = "sealed"
"""Set on a vote in the ballot box once its entry is on the board."""

BATCH = 500
PAGE = 1000
PUBLIC = {"_id": 0, "position": 1, "prev_hash": 1, "receipt": 1, "choice": 1, "hash": 1}


class BoardStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.entries = db["board_entries"]
        self.lengths = db["board_lengths"]
        self.leases = db["board_leases"]
        self.box = db["ballot_box"]
        self.votes = db["votes"]

    async def create_indexes(self) -> None:
        await self.entries.create_index("receipt", unique=True, sparse=True)
        await self.votes.create_index([("ballot_id", ASCENDING)])

    async def pending_ballots(self, *, limit: int = 100) -> list[str]:
        """Ballots with votes in the ballot box not yet on their board."""
        pipeline = [{"$match": {SEALED: {"$ne": True}}}, {"$group": {"_id": "$ballot_id"}}, {"$limit": limit}]
        return [row["_id"] async for row in await self.box.aggregate(pipeline)]

    async def claim(self, ballot_id: str, *, holder: str, now: datetime, lease: timedelta) -> bool:
        """Take or renew the lease to seal `ballot_id`; False while another holder has it."""
        try:
            await self.leases.update_one(
                {"_id": ballot_id, "$or": [{"until": {"$lte": now}}, {"holder": holder}]},
                {"$set": {"holder": holder, "until": now + lease}},
                upsert=True,
            )
        except DuplicateKeyError:  # the lease exists, held by someone else
            return False
        return True

    async def waiting(self, ballot_id: str) -> list[dict[str, Any]]:
        """The ballot's oldest votes in the box not on the board yet (`cast_at`, then id)."""
        oldest_first = [("cast_at", ASCENDING), ("_id", ASCENDING)]
        query = {"ballot_id": ballot_id, SEALED: {"$ne": True}}
        return await self.box.find(query, {"outbox": 0}).sort(oldest_first).limit(BATCH).to_list()

    async def sealed(self) -> list[dict[str, Any]]:
        """Votes of any ballot that are on the board and still in the box, with their VoteCast outbox."""
        return await self.box.find({SEALED: True}).limit(BATCH).to_list()

    async def seal(self, ballot_id: str, votes: list[dict[str, Any]], *, binding: bool) -> int:
        """Append those of `votes` not on the board yet after its head and mark them all
        sealed; return how many this call appended."""
        name = receipt_list(binding=binding)
        while True:
            on_board = await self.on_board(votes)
            items = [(receipt_of(v["_id"]), None if binding else v["choice"]) for v in votes if v["_id"] not in on_board]
            chained = extend(ballot_id, name, await self._head(ballot_id, name), items)
            try:
                if chained:
                    await self.entries.insert_many([_stored(ballot_id, name, e) for e in chained], ordered=True)
            except BulkWriteError as race:
                # Another sealer took a position or a vote first: re-read the head and go on.
                raise_unless_duplicates(race)
                continue
            if chained:
                await self._note_length(ballot_id, name, chained[-1]["position"] + 1)
            await self.box.update_many({"_id": {"$in": [v["_id"] for v in votes]}}, {"$set": {SEALED: True}})
            return len(chained)

    async def on_board(self, votes: list[dict[str, Any]]) -> set[str]:
        """The ids of those of `votes` whose receipt is on the board."""
        receipts = {receipt_of(v["_id"]): v["_id"] for v in votes}
        query = {"receipt": {"$in": list(receipts)}}
        return {receipts[e["receipt"]] async for e in self.entries.find(query, {"receipt": 1})}

    async def file(self, votes: list[dict[str, Any]], *, late: bool = False) -> None:
        """Move `votes` from the box to `votes`, without their outbox; `late` marks votes
        stored after their ballot was counted (neither on the board nor counted)."""
        filed = [{k: v for k, v in vote.items() if k not in ("outbox", PENDING, SEALED)} for vote in votes]
        if late:
            filed = [{**vote, "late": True} for vote in filed]
        try:
            await self.votes.insert_many(filed, ordered=False)
        except BulkWriteError as race:
            # A crash or a racing replica filed some already; the box copy goes all the same.
            raise_unless_duplicates(race)
        await self.box.delete_many({"_id": {"$in": [v["_id"] for v in votes]}})

    async def seal_contents(self, ballot_id: str) -> None:
        """Write a binding ballot's `contents` list, once voting has stopped."""
        # The votes on the receipts list, so both lists count the same votes.
        # The box before `votes`: a vote filed between the two reads is then seen twice
        # (kept once by id), never missed.
        sealed = {v["_id"]: v["choice"] async for v in self.box.find({"ballot_id": ballot_id, SEALED: True})}
        filed = {"ballot_id": ballot_id, "late": {"$ne": True}}
        sealed.update({v["_id"]: v["choice"] async for v in self.votes.find(filed, {"choice": 1})})
        choices = list(sealed.values())
        chained = extend(ballot_id, CONTENTS, None, sorted_contents(choices))
        if not chained:
            return
        try:
            await self.entries.insert_many([_stored(ballot_id, CONTENTS, e) for e in chained], ordered=False)
        except BulkWriteError as race:
            # A racing close wrote entries too; the list is a function of the votes, so the same ones.
            raise_unless_duplicates(race)
        await self._note_length(ballot_id, CONTENTS, len(chained))

    async def seals(self, ballot_id: str, *, binding: bool) -> dict[str, ListSeal]:
        """Each list's length and head hash as stored now."""
        seals = {}
        for name in lists_of(binding=binding):
            head = await self._head(ballot_id, name)
            seals[name] = (
                ListSeal(length=head["position"] + 1, head=head["hash"])
                if head
                else ListSeal(length=0, head=genesis(ballot_id, name))
            )
        return seals

    async def choices(self, ballot_id: str, *, binding: bool) -> Counter[Choice]:
        """How many entries of the board's list of choices hold each distinct choice."""
        # Counted here: grouping on an array `_id` is not reliable across
        # MongoDB-compatible stores (one merged distinct write-ins).
        cast: Counter[Choice] = Counter()
        async for entry in self.all(ballot_id, CONTENTS if binding else VOTES):
            cast[tuple(entry["choice"])] += 1
        return cast

    async def page(self, ballot_id: str, name: str, *, start: int, limit: int) -> list[dict[str, Any]]:
        """Entries of one list from position `start`, as published."""
        places = [_entry_id(ballot_id, name, position) for position in range(start, start + limit)]
        entries = await self.entries.find({"_id": {"$in": places}}, PUBLIC).to_list()
        return sorted(entries, key=lambda entry: entry["position"])

    async def all(self, ballot_id: str, name: str) -> AsyncIterator[dict[str, Any]]:
        """Every entry of one list, in order, as published."""
        start = 0
        while True:
            page = await self.page(ballot_id, name, start=start, limit=PAGE)
            for entry in page:
                yield entry
            if len(page) < PAGE:
                return
            start += PAGE

    async def find_receipt(self, ballot_id: str, receipt: str) -> dict[str, Any] | None:
        entry = await self.entries.find_one({"receipt": receipt}, {**PUBLIC, "ballot_id": 1})
        if entry is None or entry.pop("ballot_id") != ballot_id:
            return None
        return entry

    async def _head(self, ballot_id: str, name: str) -> dict[str, Any] | None:
        """The list's last entry: from the noted length, stepping past entries a racing
        sealer appended and has not noted yet."""
        noted = await self.lengths.find_one({"_id": f"{ballot_id}/{name}"})
        length = noted["length"] if noted else 0
        while await self.entries.find_one({"_id": _entry_id(ballot_id, name, length)}, {"_id": 1}):
            length += 1
        if length == 0:
            return None
        return await self.entries.find_one({"_id": _entry_id(ballot_id, name, length - 1)})

    async def _note_length(self, ballot_id: str, name: str, length: int) -> None:
        await self.lengths.update_one({"_id": f"{ballot_id}/{name}"}, {"$max": {"length": length}}, upsert=True)


def _entry_id(ballot_id: str, name: str, position: int) -> str:
    return f"{ballot_id}/{name}/{position}"


def _stored(ballot_id: str, name: str, entry: dict[str, Any]) -> dict[str, Any]:
    return {"_id": _entry_id(ballot_id, name, entry["position"]), "ballot_id": ballot_id, "list": name, **entry}
