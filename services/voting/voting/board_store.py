"""The bulletin board in MongoDB: one document per chained entry, appended, never changed.

An entry's `_id` is `<ballot>/<list>/<position>`, so two sealers racing for the same
position cannot both write it (the insert is the commit), and a receipt is unique, so
no vote is sealed twice. The chain therefore holds even if two replicas seal one ballot
at once; the lease only spares them the wasted work.

Votes wait in the `ballot_box` until they are on the board (then marked `sealed`). A
consultative ballot's are then announced and leave the box; a binding ballot's move to
`votes` under their public id, without the vote id the receipt comes from, and are
announced once the ballot is closed. A batch is sealed, and filed, in a random order of
its own, and nothing stored with a vote says when it was cast. Reads of the board go by
`_id` (an entry's place) or by the unique receipt; the ballot box holds only the votes
of the last moments."""

import random
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from sharik.store import raise_unless_duplicates
from sharik_verify.board import CONTENTS, VOTES, ListSeal, extend, genesis, lists_of, receipt_list, sorted_contents
from sharik_verify.tally import Choice
from voting.domain.vote import public_id_of, receipt_of

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
        # A closed binding ballot's votes are announced in `_id` order: a hash, unrelated to when they were cast.
        await self.votes.create_index([("ballot_id", ASCENDING), ("_id", ASCENDING)])
        # The sealer's passes over the box: the ballots with votes to seal, the votes to announce.
        await self.box.create_index([(SEALED, ASCENDING), ("ballot_id", ASCENDING)])

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
        """A batch of the ballot's votes in the box not on the board yet. The box keeps
        only the last moments' votes and no time, so the batch is the oldest or near it."""
        return await self.box.find({"ballot_id": ballot_id, SEALED: {"$ne": True}}).limit(BATCH).to_list()

    async def sealed(self) -> list[dict[str, Any]]:
        """Votes of any ballot that are on the board and still in the box."""
        return await self.box.find({SEALED: True}).limit(BATCH).to_list()

    async def seal(
        self, ballot_id: str, votes: list[dict[str, Any]], *, binding: bool, mark: bool = True
    ) -> list[dict[str, Any]]:
        """Append those of `votes` not on the board yet after its head and, with `mark`,
        mark them all sealed in the box; return the entries this call appended. The batch goes on the board in a
        random order, so a receipt's place says nothing about when it was cast within it."""
        name = receipt_list(binding=binding)
        votes = random.sample(votes, len(votes))
        # Looked up only after a refused insert: the unique receipt refuses a vote
        # already on the board (a crash before the `sealed` mark, a racing sealer).
        on_board: set[str] = set()
        while True:
            items = [(receipt_of(v["_id"]), None if binding else v["choice"]) for v in votes if v["_id"] not in on_board]
            chained = extend(ballot_id, name, await self._head(ballot_id, name), items)
            try:
                if chained:
                    await self.entries.insert_many([_stored(ballot_id, name, e) for e in chained], ordered=True)
            except BulkWriteError as race:
                # Another sealer took a position or a vote first: re-read the head and go on.
                raise_unless_duplicates(race)
                on_board = await self.on_board(votes)
                continue
            if chained:
                await self._note_length(ballot_id, name, chained[-1]["position"] + 1)
            if mark:
                await self.mark_sealed(votes, binding=binding)
            return chained

    async def mark_sealed(self, votes: list[dict[str, Any]], *, binding: bool) -> None:
        marked = {SEALED: True, "binding": binding}
        await self.box.update_many({"_id": {"$in": [v["_id"] for v in votes]}}, {"$set": marked})

    async def on_board(self, votes: list[dict[str, Any]]) -> set[str]:
        """The ids of those of `votes` whose receipt is on the board."""
        receipts = {receipt_of(v["_id"]): v["_id"] for v in votes}
        query = {"receipt": {"$in": list(receipts)}}
        return {receipts[e["receipt"]] async for e in self.entries.find(query, {"receipt": 1})}

    async def file(self, votes: list[dict[str, Any]]) -> None:
        """Keep sealed votes of a binding ballot in `votes` until they are announced after
        the close: under their public id, in a random order, with nothing that leads to
        their receipts. A repeat after a crash finds them filed already."""
        filed = [{"_id": public_id_of(v["_id"]), "ballot_id": v["ballot_id"], "choice": v["choice"]} for v in votes]
        try:
            await self.votes.insert_many(random.sample(filed, len(filed)), ordered=False)
        except BulkWriteError as race:
            raise_unless_duplicates(race)

    async def in_box(self, ballot_id: str) -> bool:
        return await self.box.find_one({"ballot_id": ballot_id}, {"_id": 1}) is not None

    async def remove_from_box(self, votes: list[dict[str, Any]]) -> None:
        await self.box.delete_many({"_id": {"$in": [v["_id"] for v in votes]}})

    async def filed(self, ballot_id: str, *, after: str = "") -> list[dict[str, Any]]:
        """A page of a ballot's filed votes in the order of their public id."""
        query = {"ballot_id": ballot_id, "_id": {"$gt": after}}
        return await self.votes.find(query).sort("_id", ASCENDING).limit(BATCH).to_list()

    async def forget_votes(self, ballot_id: str) -> None:
        """A closed ballot's votes are on its board: the copies go."""
        await self.votes.delete_many({"ballot_id": ballot_id})

    async def seal_contents(self, ballot_id: str) -> None:
        """Write a binding ballot's `contents` list, once voting has stopped."""
        # The votes on the receipts list, so both lists count the same votes.
        # The box before `votes`: a vote filed between the two reads is then seen twice
        # (kept once by its public id), never missed.
        box = self.box.find({"ballot_id": ballot_id, SEALED: True})
        sealed = {public_id_of(v["_id"]): v["choice"] async for v in box}
        sealed.update({v["_id"]: v["choice"] async for v in self.votes.find({"ballot_id": ballot_id}, {"choice": 1})})
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
