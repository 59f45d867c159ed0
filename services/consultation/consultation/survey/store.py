"""Surveys (one document each) and their responses (one document per citizen and
survey: a draft, then the submitted response, or for an anonymous survey only a
marker that the citizen took part, with the response stored apart under a random id).

A survey's tally (the store's grouped counts) is kept in `survey_tallies` for a short
while, so live results read by many cost one aggregation per survey per interval;
once computed after the survey closed it is final."""

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from consultation.aggregates import AggregateStore
from consultation.survey.answers import StoredAnswer
from consultation.survey.results import ALL, Tally
from consultation.survey.survey import Survey
from sharik.errors import Conflict
from sharik.events import Envelope
from sharik.store import PENDING, insert_aggregate, outbox_entry

ALREADY = Conflict("you have already responded to this survey", details=[{"field": "survey_id", "code": "already_responded"}])
UNKNOWN_GOVERNORATE = "unknown"


class SurveyStore(AggregateStore[Survey]):
    def __init__(self, db: AsyncDatabase) -> None:
        super().__init__(db["surveys"], Survey, id_field="survey_id", noun="survey")
        self.responses = db["survey_responses"]
        self.tallies = db["survey_tallies"]

    async def create_indexes(self) -> None:
        await self.collection.create_index([("agency", ASCENDING), ("created_at", ASCENDING)])
        await self.collection.create_index([("questionnaire.campaign_id", ASCENDING)])
        await self.responses.create_index([("survey_id", ASCENDING), ("respondent", ASCENDING)], unique=True)
        await self.responses.create_index([("survey_id", ASCENDING), ("status", ASCENDING)])

    async def draft_of(self, survey_id: str, respondent: str) -> dict[str, Any] | None:
        return await self.responses.find_one({"survey_id": survey_id, "respondent": respondent}, {"outbox": 0})

    async def save_draft(self, survey_id: str, respondent: str, answers: dict[str, Any], *, new_id: str, at) -> None:
        """Keep an unfinished response; 409 once the citizen has responded."""
        try:
            await self.responses.update_one(
                {"survey_id": survey_id, "respondent": respondent, "status": "draft"},
                {"$set": {"draft_answers": answers, "saved_at": at}, "$setOnInsert": {"_id": new_id}},
                upsert=True,
            )
        except DuplicateKeyError:
            raise ALREADY from None

    async def submit(
        self, survey_id: str, respondent: str, document: dict[str, Any], event: Envelope
    ) -> None:
        """The citizen's draft becomes the response, with its event, in one update."""
        response_id = document.pop("response_id")
        update = {
            "$set": {**document, "status": "submitted", PENDING: True},
            "$unset": {"draft_answers": ""},
            "$push": {"outbox": outbox_entry(event)},
        }
        try:
            await self.responses.update_one(
                {"survey_id": survey_id, "respondent": respondent, "status": "draft"},
                {**update, "$setOnInsert": {"_id": response_id}},
                upsert=True,
            )
        except DuplicateKeyError:
            raise ALREADY from None

    async def submit_anonymously(
        self, survey_id: str, respondent: str, document: dict[str, Any], event: Envelope, *, marker_id: str
    ) -> None:
        """Mark that the citizen took part (once), then store the response unlinked."""
        try:
            await self.responses.update_one(
                {"survey_id": survey_id, "respondent": respondent, "status": "draft"},
                {"$set": {"status": "participated"}, "$unset": {"draft_answers": "", "saved_at": ""}, "$setOnInsert": {"_id": marker_id}},
                upsert=True,
            )
        except DuplicateKeyError:
            raise ALREADY from None
        response_id = document.pop("response_id")
        # The unique index needs a respondent; the random response id links to no one.
        unlinked = {"_id": response_id, **document, "respondent": f"anonymous:{response_id}", "status": "submitted"}
        try:
            await insert_aggregate(self.responses, unlinked, [event])
        except BaseException:
            # Not taken part after all: the citizen may try again.
            await self.responses.delete_one({"survey_id": survey_id, "respondent": respondent, "status": "participated"})
            raise

    async def recent_tally(self, survey_id: str, *, max_age: timedelta, final_after: datetime) -> tuple[Tally, datetime]:
        """The survey's tally and when it was counted: the kept one if younger than
        `max_age` or counted after `final_after` (when no response can arrive)."""
        now = datetime.now(UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # as the store keeps it
        kept = await self.tallies.find_one({"_id": survey_id})
        if kept is not None and (kept["counted_at"] > now - max_age or kept["counted_at"] > final_after):
            return _tally_of(kept), kept["counted_at"]
        tally = await self.tally(survey_id)
        await self.tallies.replace_one({"_id": survey_id}, {**_rows_of(tally), "counted_at": now}, upsert=True)
        return tally, now

    async def tally(self, survey_id: str) -> Tally:
        """Grouped counts per question, token and governorate (the store counts)."""
        match = {"$match": {"survey_id": survey_id, "status": "submitted"}}
        answered: dict[tuple[str, str], int] = {}
        sums: dict[tuple[str, str], float] = {}
        tokens: dict[tuple[str, str, str], int] = {}
        responses: dict[str, int] = {}
        # One accumulator per $group, the portable subset's rule (docs/services/reporting.md).
        for target, accumulator in ((answered, 1), (sums, "$answers.number")):
            by_answer = [
                match,
                {"$unwind": "$answers"},
                {"$group": {"_id": {"q": "$answers.question_id", "g": "$governorate"}, "n": {"$sum": accumulator}}},
            ]
            async for row in await self.responses.aggregate(by_answer):
                _add(target, (row["_id"]["q"], row["_id"].get("g") or UNKNOWN_GOVERNORATE), row["n"] or 0)
        by_token = [
            match,
            {"$unwind": "$answers"},
            {"$unwind": "$answers.tokens"},
            {"$group": {"_id": {"q": "$answers.question_id", "t": "$answers.tokens", "g": "$governorate"}, "n": {"$sum": 1}}},
        ]
        async for row in await self.responses.aggregate(by_token):
            _add(tokens, (row["_id"]["q"], row["_id"]["t"], row["_id"].get("g") or UNKNOWN_GOVERNORATE), row["n"])
        by_governorate = [match, {"$group": {"_id": "$governorate", "n": {"$sum": 1}}}]
        async for row in await self.responses.aggregate(by_governorate):
            _add(responses, row["_id"] or UNKNOWN_GOVERNORATE, row["n"])
        return Tally(answered=_with_all(answered), sums=_with_all(sums), tokens=_with_all(tokens), responses=_with_all_1(responses))

    def submitted(self, survey_id: str):
        """Every submitted response, for export (streamed, not held in memory)."""
        projection = {"respondent": 0, "outbox": 0, PENDING: 0}
        return self.responses.find({"survey_id": survey_id, "status": "submitted"}, projection).sort("_id", 1)


def _rows_of(tally: Tally) -> dict[str, list[dict[str, Any]]]:
    # Documents, not nested arrays (the portable subset has none).
    return {
        "answered": [{"q": q, "g": g, "n": n} for (q, g), n in tally.answered.items()],
        "sums": [{"q": q, "g": g, "n": n} for (q, g), n in tally.sums.items()],
        "tokens": [{"q": q, "t": t, "g": g, "n": n} for (q, t, g), n in tally.tokens.items()],
        "responses": [{"g": g, "n": n} for g, n in tally.responses.items()],
    }


def _tally_of(document: dict[str, Any]) -> Tally:
    return Tally(
        answered={(r["q"], r["g"]): r["n"] for r in document["answered"]},
        sums={(r["q"], r["g"]): r["n"] for r in document["sums"]},
        tokens={(r["q"], r["t"], r["g"]): r["n"] for r in document["tokens"]},
        responses={r["g"]: r["n"] for r in document["responses"]},
    )


def stored(answers: list[StoredAnswer]) -> list[dict[str, Any]]:
    return [a.model_dump(exclude={"text"}) for a in answers]


def _add(counts: dict, key, n) -> None:
    counts[key] = counts.get(key, 0) + n


def _with_all(counts: dict[tuple, Any]) -> dict[tuple, Any]:
    """The same counts with the governorate replaced by ALL added in."""
    total = dict(counts)
    for key, n in counts.items():
        _add(total, (*key[:-1], ALL), n)
    return total


def _with_all_1(counts: dict[str, int]) -> dict[str, int]:
    return {**counts, ALL: sum(counts.values())}
