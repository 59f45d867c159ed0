"""Ballots, votes and voter marks in MongoDB.

Secrecy: who voted (`voters`) and what was voted (`ballot_box`, then `votes`) live in separate
collections with nothing to join them: no shared id, no timestamp on the voter mark,
and no trace context on the vote's event (docs/services/voting.md)."""

import uuid
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from sharik.errors import NotFound
from sharik.events import Envelope
from sharik.store import STATE_ONLY, insert_aggregate, public_or_own_drafts, update_aggregate
from voting.domain.ballot import AlreadyVoted, Ballot, Option, Text, WindowClosed
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
from voting.domain.vote import Vote

IN_FLIGHT = "votes_in_flight"
"""On the ballot document: votes admitted and not yet stored. Not part of the ballot's
state, so it changes without its version."""


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

    async def admit_vote(self, ballot_id: str) -> None:
        """Count a vote in flight on its ballot if the ballot is open, in one update:
        a close that starts after it waits for the vote, one that started before
        refuses it (WindowClosed). A counter rather than a document per vote: one
        update instead of an insert, a read and a delete."""
        admitted = await self.ballots.update_one({"_id": ballot_id, "state": "open"}, {"$inc": {IN_FLIGHT: 1}})
        if not admitted.matched_count:
            raise WindowClosed("voting has closed")

    async def release_vote(self, ballot_id: str) -> None:
        await self.ballots.update_one({"_id": ballot_id}, {"$inc": {IN_FLIGHT: -1}})

    async def votes_in_flight(self, ballot_id: str) -> int:
        document = await self.ballots.find_one({"_id": ballot_id}, {IN_FLIGHT: 1})
        return document.get(IN_FLIGHT, 0) if document else 0

    async def record(self, vote: Vote, *, voter: str, events: list[Envelope], governorate: str | None = None) -> None:
        """Mark `voter` as having voted, then store the vote apart; AlreadyVoted if marked.

        No transaction spans the two inserts: if the vote cannot be stored the mark is
        removed again; a crash between them leaves a mark without a vote (a lost vote,
        never a double one), which the close reports as a count. The mark keeps the
        voter's `governorate` for turnout; the vote never does."""
        try:
            # A random _id: an ObjectId would carry the time of voting, joinable with cast_at.
            await self.voters.insert_one(
                {"_id": uuid.uuid4().hex, "ballot_id": vote.ballot_id, "voter": voter, "governorate": governorate}
            )
        except DuplicateKeyError:
            raise AlreadyVoted("you have already voted in this ballot") from None
        try:
            # Untraced: the request's trace would link the event to the request, its
            # logs and its caller.
            await insert_aggregate(self.box, _vote_document(vote), events, traced=False)
        except BaseException:
            await self.voters.delete_one({"ballot_id": vote.ballot_id, "voter": voter})
            raise

    async def count_voters(self, ballot_id: str) -> int:
        return await self.voters.count_documents({"ballot_id": ballot_id})

    async def voters_by_governorate(self, ballot_id: str) -> dict[str | None, int]:
        """How many voted, per governorate of their voter mark (None: not known)."""
        pipeline = [{"$match": {"ballot_id": ballot_id}}, {"$group": {"_id": "$governorate", "voters": {"$sum": 1}}}]
        return {group["_id"]: group["voters"] async for group in await self.voters.aggregate(pipeline)}


def _vote_document(vote: Vote) -> dict[str, Any]:
    return {
        "_id": vote.vote_id,
        "ballot_id": vote.ballot_id,
        "choice": list(vote.choice),
        "cast_at": vote.cast_at,
    }


def _document(ballot: Ballot) -> dict[str, Any]:
    document = asdict(ballot)
    document["_id"] = document.pop("ballot_id")
    document.pop("version")
    return document


def _ballot(document: dict[str, Any]) -> Ballot:
    fields = {k: v for k, v in document.items() if k not in ("_id", "outbox", "constituencies", "candidacies", IN_FLIGHT)}
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
