"""The jury's reviews: blind (a juror sees the proposal, never who wrote it or the
team), scored per criterion with a comment, submitted once; others' scores of an
idea are shown to a juror only after their own."""

from datetime import UTC, datetime
from typing import Any

from consultation.competition.handlers import CompetitionHandlers
from consultation.competition.stages import JUDGED
from consultation.competition.store import IdeaStore, ReviewStore
from sharik.auth import Principal
from sharik.errors import Conflict, Forbidden, NotFound

BLIND = {"theme_id", "language", "title", "problem", "solution", "impact", "attachments"}


class ReviewHandlers:
    def __init__(self, reviews: ReviewStore, ideas: IdeaStore, competitions: CompetitionHandlers) -> None:
        self._reviews = reviews
        self._ideas = ideas
        self._competitions = competitions

    async def assigned(self, competition_id: str, *, by: Principal) -> list[dict[str, Any]]:
        """The juror's ideas in the open judged stage, blind, with their own review."""
        competition = await self._competitions.as_juror(competition_id, by)
        if competition.kind not in JUDGED:
            return []
        reviews = await self._reviews.of_juror(competition_id, competition.stage_index, by.subject)
        ideas = {i.idea_id: i for i in await self._ideas.of_competition(competition_id)}
        return [
            {
                "idea_id": r["idea_id"],
                "stage_index": r["stage_index"],
                "proposal": ideas[r["idea_id"]].proposal.model_dump(include=BLIND),
                "review": _review(r),
            }
            for r in reviews
        ]

    async def submit(
        self, competition_id: str, idea_id: str, *, scores: dict[str, int], comments: dict[str, str], by: Principal
    ) -> dict[str, Any]:
        competition = await self._competitions.as_juror(competition_id, by)
        if competition.kind not in JUDGED or competition.outcome_of(competition.stage_index) is not None:
            raise Conflict("no jury stage is open for reviews", details=[{"field": "stage", "stage": competition.kind}])
        review = await self._reviews.one(competition_id, competition.stage_index, idea_id, by.subject)
        if review is None:
            raise NotFound(f"idea {idea_id} is not assigned to you in this stage", details=[{"field": "idea_id"}])
        rubric = competition.jury.rubric
        rubric.check(scores)
        saved = await self._reviews.submit(
            review, scores=scores, comments=comments, total=rubric.weighted_total(scores), at=datetime.now(UTC)
        )
        return _review(saved)

    async def of_idea(self, competition_id: str, idea_id: str, *, by: Principal) -> list[dict[str, Any]]:
        """An idea's reviews in the open (or last) judged stage: to the agency's staff,
        and to a juror of it who has submitted their own."""
        competition = await self._competitions.store.get(competition_id)
        stage_index = competition.stage_index if competition.kind in JUDGED else _last_judged(competition)
        reviews = await self._reviews.of_idea(competition_id, stage_index, idea_id)
        if by.has("officer", "agency_admin") and by.agency == competition.agency:
            return [_review(r) | {"juror": r["juror"]} for r in reviews]
        await self._competitions.as_juror(competition_id, by)
        own = next((r for r in reviews if r["juror"] == by.subject), None)
        if own is None or own["status"] != "submitted":
            raise Forbidden("submit your own review of this idea first")
        return [_review(r) | {"juror": r["juror"]} for r in reviews if r["status"] == "submitted"]


def _last_judged(competition) -> int:
    return competition.outcomes[-1].stage_index if competition.outcomes else -1


def _review(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "idea_id": r["idea_id"],
        "status": r["status"],
        "scores": r.get("scores"),
        "comments": r.get("comments"),
        "total": r.get("total"),
        "submitted_at": r.get("submitted_at"),
    }
