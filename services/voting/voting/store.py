"""Ballots, votes and voter marks in MongoDB.

Secrecy: who voted (`voters`) and what was voted (`ballot_box`, then `votes`) live in separate
collections with nothing to join them: no shared id, no time on either, and both are
written in groups in independent random orders (vote_writer.py, docs/services/voting.md)."""

from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

import structlog
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from sharik.errors import NotFound
from sharik.events import Envelope
from sharik.store import DUPLICATE_KEY, STATE_ONLY, insert_aggregate, public_or_own_drafts, update_aggregate
from voting.domain.ballot import Ballot, Option, Text
from sharik_verify.board import ListSeal
from voting.domain.constituency import Candidacy, Constituency
from voting.domain.eligibility import Eligibility
from sharik_verify.tally import (
    BudgetTally,
    ConstituencyTally,
    OptionTally,
    ProjectTally,
    RoundTally,
    Tally,
    WriteInTally,
)
from voting.domain.turnout import GovernorateTurnout, Turnout

log = structlog.get_logger(__name__)

IN_FLIGHT = "in_flight"
"""On the ballot document, per writer (a process's vote writer): `{votes, alive_until,
abandoned}`, the votes it admitted and has not stored yet, and until when it vouches
for them. Not part of the ballot's state, so it changes without its version."""
NOT_STATE = ("_id", "outbox", "constituencies", "candidacies", IN_FLIGHT, "votes_in_flight", "compacted")
"""Fields of a ballot's document that are bookkeeping, not the ballot (`votes_in_flight`:
the counter of earlier versions)."""


class BallotStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.ballots = db["ballots"]
        self.box = db["ballot_box"]
        """Votes stored and not yet on the board (board_store.py), with their VoteCast outbox."""
        self.voters = db["voters"]

    async def create_indexes(self) -> None:
        await self.ballots.create_index([("agency", ASCENDING), ("state", ASCENDING)])
        await self.ballots.create_index([("state", ASCENDING), ("closes_at", ASCENDING)])
        await self.box.create_index([("ballot_id", ASCENDING)])
        await self.voters.create_index([("ballot_id", ASCENDING), ("voter", ASCENDING)], unique=True)

    async def get(self, ballot_id: str) -> Ballot:
        document = await self.ballots.find_one({"_id": ballot_id}, STATE_ONLY)
        if document is None:
            raise NotFound(f"no ballot {ballot_id}")
        return _ballot(document)

    async def add(self, ballot: Ballot, events: list[Envelope]) -> Ballot:
        await insert_aggregate(self.ballots, _document(ballot), events)
        return replace(ballot, version=1)

    async def save(self, ballot: Ballot, events: list[Envelope]) -> Ballot:
        document = _document(ballot)
        document.pop("_id")
        version = await update_aggregate(
            self.ballots, ballot.ballot_id, expected_version=ballot.version, changes=document, events=events
        )
        return replace(ballot, version=version)

    async def visible(self, *, agency: str | None, include_drafts_of: str | None, limit: int) -> list[Ballot]:
        """Opened ballots (optionally of one agency), plus the drafts of the caller's agency."""
        query = public_or_own_drafts(agency=agency, own_agency=include_drafts_of)
        cursor = self.ballots.find(query, STATE_ONLY).sort("created_at", -1).limit(limit)
        return [_ballot(document) async for document in cursor]

    async def due(self, *, now: datetime, stale_counting_before: datetime, limit: int = 100) -> list[str]:
        """Ids of open ballots past their closing time, and of counts a crashed replica left."""
        query = {
            "$or": [
                {"state": "open", "closes_at": {"$lte": now}},
                {"state": "counting", "closed_at": {"$lte": stale_counting_before}},
            ]
        }
        return [d["_id"] async for d in self.ballots.find(query, {"_id": 1}).limit(limit)]

    async def admit(self, ballot_id: str, *, writer: str, votes: int, alive_until: datetime) -> bool:
        """Count `votes` in flight for `writer` if the ballot is open, in one update: a
        close that starts after it waits for them, one that started before refuses them."""
        admitted = await self.ballots.update_one(
            {"_id": ballot_id, "state": "open"},
            {"$inc": {f"{IN_FLIGHT}.{writer}.votes": votes}, "$set": {f"{IN_FLIGHT}.{writer}.alive_until": alive_until}},
        )
        return bool(admitted.matched_count)

    async def keep_alive(self, ballot_id: str, *, writer: str, alive_until: datetime) -> None:
        await self.ballots.update_one({"_id": ballot_id}, {"$set": {f"{IN_FLIGHT}.{writer}.alive_until": alive_until}})

    async def release(self, ballot_id: str, *, writer: str, votes: int) -> bool:
        """Votes stored: no longer in flight. False if a close gave up on `writer` first
        (it had stopped vouching for them), so they may be uncounted."""
        released = await self.ballots.update_one(
            {"_id": ballot_id, f"{IN_FLIGHT}.{writer}.abandoned": {"$ne": True}},
            {"$inc": {f"{IN_FLIGHT}.{writer}.votes": -votes}},
        )
        return bool(released.matched_count)

    async def votes_in_flight(self, ballot_id: str, *, now: datetime) -> int:
        """Votes admitted and not yet stored by writers still alive. A writer past its
        `alive_until` (a dead process) is given up in a conditional update, so votes it
        stores later are refused to their voters rather than answered and left uncounted."""
        document = await self.ballots.find_one({"_id": ballot_id}, {IN_FLIGHT: 1})
        waiting = 0
        for writer, flight in ((document or {}).get(IN_FLIGHT) or {}).items():
            if flight.get("votes", 0) <= 0 or flight.get("abandoned"):
                continue
            if flight["alive_until"] > now:
                waiting += flight["votes"]
                continue
            given_up = await self.ballots.update_one(
                {"_id": ballot_id, f"{IN_FLIGHT}.{writer}.alive_until": {"$lte": now}},
                {"$set": {f"{IN_FLIGHT}.{writer}.abandoned": True}},
            )
            if given_up.matched_count:
                log.warning("a vote writer stopped answering; its votes in flight are refused", ballot_id=ballot_id)
            else:
                waiting += flight["votes"]  # it answered meanwhile
        return waiting

    async def mark_voters(self, marks: Sequence[dict[str, Any]]) -> set[int]:
        """Insert voter marks (one unordered insert); return the indexes of those refused
        as already there: that voter has voted."""
        try:
            await self.voters.insert_many(marks, ordered=False)
        except BulkWriteError as error:
            errors = error.details.get("writeErrors", [])
            if any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise
            return {e["index"] for e in errors}
        return set()

    async def unmark_voters(self, marks: Sequence[dict[str, Any]]) -> None:
        await self.voters.delete_many({"_id": {"$in": [m["_id"] for m in marks]}})

    async def put_in_box(self, votes: Sequence[dict[str, Any]]) -> set[int]:
        """Insert votes into the ballot box (one unordered insert); return the indexes of
        those that were not stored."""
        try:
            await self.box.insert_many(votes, ordered=False)
        except BulkWriteError as error:
            return {e["index"] for e in error.details.get("writeErrors", [])}
        return set()

    async def to_compact(self, *, limit: int = 20) -> list[str]:
        """Closed ballots whose per-vote records are still kept."""
        query = {"state": "closed", "compacted": {"$ne": True}}
        return [d["_id"] async for d in self.ballots.find(query, {"_id": 1}).limit(limit)]

    async def compacted(self, ballot_id: str) -> None:
        """Its voter marks are gone: the turnout they made is on the result."""
        await self.voters.delete_many({"ballot_id": ballot_id})
        await self.ballots.update_one({"_id": ballot_id}, {"$set": {"compacted": True}})

    async def count_voters(self, ballot_id: str) -> int:
        return await self.voters.count_documents({"ballot_id": ballot_id})

    async def voters_by_governorate(self, ballot_id: str) -> dict[str | None, int]:
        """How many voted, per governorate of their voter mark (None: not known)."""
        pipeline = [{"$match": {"ballot_id": ballot_id}}, {"$group": {"_id": "$governorate", "voters": {"$sum": 1}}}]
        return {group["_id"]: group["voters"] async for group in await self.voters.aggregate(pipeline)}


def _document(ballot: Ballot) -> dict[str, Any]:
    document = asdict(ballot)
    document["_id"] = document.pop("ballot_id")
    document.pop("version")
    return document


def _ballot(document: dict[str, Any]) -> Ballot:
    fields = {k: v for k, v in document.items() if k not in NOT_STATE}
    question, options, result = fields.pop("question"), fields.pop("options"), fields.pop("result")
    board = fields.pop("board", None)
    eligibility = fields.pop("eligibility", None)
    turnout = fields.pop("turnout", None)
    return Ballot(
        **fields,
        ballot_id=document["_id"],
        question=Text(**question),
        options=tuple(Option(**{**o, "label": Text(**o["label"])}) for o in options),
        constituencies=tuple(Constituency(**c) for c in document.get("constituencies", ())),
        candidacies=tuple(Candidacy(**{**c, "name": Text(**c["name"])}) for c in document.get("candidacies", ())),
        result=_tally(result) if result else None,
        turnout=_turnout(turnout) if turnout else None,
        board={name: ListSeal(**seal) for name, seal in board.items()} if board is not None else None,
        eligibility=_eligibility(eligibility) if eligibility else Eligibility(),
    )


def _eligibility(document: dict[str, Any]) -> Eligibility:
    return Eligibility(
        mode=document["mode"],
        governorates=tuple(document["governorates"]),
        wilayats=tuple(document["wilayats"]),
        min_age=document.get("min_age"),
    )


def _tally(document: dict[str, Any]) -> Tally:
    return Tally(
        counts=tuple(OptionTally(**c) for c in document["counts"]),
        total_votes=document["total_votes"],
        outcome=document["outcome"],
        winners=tuple(document["winners"]),
        write_ins=tuple(WriteInTally(**w) for w in document.get("write_ins", ())),
        rounds=tuple(
            RoundTally(**{**r, "tied_lowest": tuple(r["tied_lowest"])}) for r in document.get("rounds", ())
        ),
        tied=tuple(document.get("tied", ())),
        rule=document.get("rule", ""),
        budget=_budget(document["budget"]) if document.get("budget") else None,
        constituencies=tuple(
            ConstituencyTally(
                **{
                    **c,
                    "counts": tuple(OptionTally(**o) for o in c["counts"]),
                    "winners": tuple(c["winners"]),
                    "tied": tuple(c["tied"]),
                }
            )
            for c in document.get("constituencies", ())
        ),
    )


def _budget(document: dict[str, Any]) -> BudgetTally:
    return BudgetTally(
        total_budget=document["total_budget"],
        spent=document["spent"],
        selected=tuple(document["selected"]),
        projects=tuple(ProjectTally(**p) for p in document["projects"]),
    )


def _turnout(document: dict[str, Any]) -> Turnout:
    return Turnout(
        eligible=document["eligible"],
        voted=document["voted"],
        percent=document["percent"],
        by_governorate=tuple(GovernorateTurnout(**g) for g in document["by_governorate"]),
    )
