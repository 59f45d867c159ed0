"""Use cases of surveys: the builder (staff of the agency), responding (citizens) and
results (staff always; the public once closed, or while open when live)."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from ulid import ULID

from consultation.analysis.terms import frequent_terms
from consultation.events import envelope
from consultation.moderation.handlers import ModerationHandlers
from consultation.survey import export
from consultation.survey.answers import check_answers
from consultation.survey.questions import TEXT_TYPES
from consultation.participants import participant
from consultation.survey.results import survey_results
from consultation.survey.store import SurveyStore, stored
from consultation.survey.survey import Questionnaire, Survey
from sharik.auth import Principal
from sharik.errors import Forbidden, Invalid, NotFound
from sharik.events.consultation import SurveyPublished, SurveyResponseSubmitted
from sharik.pseudonym import pseudonym

STAFF = ("officer", "agency_admin")
CLOSING_GRACE = timedelta(minutes=1)
"""A response accepted just before the close may still be being saved this long after."""
ANALYSED_TEXTS = 5000
"""At most this many shown texts of a question are analysed for frequent terms."""


def _now() -> datetime:
    return datetime.now(UTC)


class SurveyHandlers:
    def __init__(
        self,
        store: SurveyStore,
        *,
        moderation: ModerationHandlers,
        pseudonym_key: str,
        results_max_age: timedelta,
        on_saved=lambda: None,
    ) -> None:
        self.store = store
        self._results_max_age = results_max_age
        self._moderation = moderation
        self._key = pseudonym_key
        self._on_saved = on_saved

    async def create(self, questionnaire: Questionnaire, *, by: Principal) -> Survey:
        by.require(*STAFF)
        survey = Survey(
            survey_id=str(ULID()),
            agency=by.agency,
            questionnaire=questionnaire.checked(),
            created_by=by.subject,
            created_at=_now(),
        )
        return await self.store.add(survey, [])

    async def new_version(self, survey_id: str, *, by: Principal) -> Survey:
        """A published survey is frozen; its next version starts as a draft copy."""
        survey = await self._own(survey_id, by)
        return await self.create(survey.questionnaire, by=by)

    async def edit(self, survey_id: str, questionnaire: Questionnaire, *, by: Principal) -> Survey:
        survey = await self._own(survey_id, by)
        return await self.store.save(survey.edit(questionnaire), [])

    async def publish(self, survey_id: str, *, by: Principal) -> Survey:
        """Freeze the questions; the survey opens and closes at its set times."""
        survey = await self._own(survey_id, by)
        published = survey.publish(now=_now())
        q = published.questionnaire
        event = SurveyPublished(
            survey_id=survey_id,
            agency=survey.agency,
            campaign_id=q.campaign_id,
            title=q.title,
            anonymous=q.anonymous,
            questions=len(q.questions),
            opens_at=q.opens_at,
            closes_at=q.closes_at,
            published_at=published.published_at,
        )
        saved = await self.store.save(published, [envelope(event, agency=survey.agency)])
        self._on_saved()
        return saved

    async def view(self, survey_id: str, *, by: Principal | None) -> Survey:
        """Published surveys are public; drafts only to their agency's staff."""
        survey = await self.store.get(survey_id)
        if survey.published_at is None and not _staff_of(by, survey.agency):
            raise NotFound(f"no survey {survey_id}", details=[{"field": "survey_id"}])
        return survey

    async def listed(self, *, agency: str | None, campaign_id: str | None, by: Principal | None, limit: int) -> list[Survey]:
        query: dict[str, Any] = {}
        if agency:
            query["agency"] = agency
        if campaign_id:
            query["questionnaire.campaign_id"] = campaign_id
        own = by.agency if by is not None and by.has(*STAFF) else None
        visible: list[dict[str, Any]] = [{"published_at": {"$ne": None}}]
        if own:
            visible.append({"agency": own})
        return await self.store.find({**query, "$or": visible}, sort=[("created_at", -1)], limit=limit)

    async def save_draft(self, survey_id: str, answers: dict[str, Any], *, by: Principal) -> dict[str, Any]:
        """Keep a citizen's unfinished response to resume later."""
        survey = await self._open_for(survey_id, by)
        check_answers(survey.questionnaire.questions, answers, complete=False)
        await self.store.save_draft(survey_id, self._respondent(survey_id, by), answers, new_id=str(ULID()), at=_now())
        return {"survey_id": survey_id, "status": "draft", "answers": answers}

    async def my_response(self, survey_id: str, *, by: Principal) -> dict[str, Any]:
        """The citizen's own draft to resume, or that they have responded."""
        by.require("citizen")
        document = await self.store.draft_of(survey_id, self._respondent(survey_id, by))
        if document is None:
            raise NotFound("you have no response to this survey", details=[{"field": "survey_id"}])
        if document["status"] == "draft":
            return {"survey_id": survey_id, "status": "draft", "answers": document.get("draft_answers", {})}
        return {"survey_id": survey_id, "status": "submitted"}

    async def submit(self, survey_id: str, answers: dict[str, Any], *, by: Principal) -> dict[str, Any]:
        """A citizen's complete response, once; free text goes through moderation."""
        survey = await self._open_for(survey_id, by)
        q = survey.questionnaire
        checked = check_answers(q.questions, answers, complete=True)
        now = _now()
        response_id = str(uuid.uuid4()) if q.anonymous else str(ULID())
        respondent = self._respondent(survey_id, by)
        for answer in checked:
            if answer.text:
                await self._moderation.submit(
                    content_id=f"{response_id}-{answer.question_id}",
                    kind="survey_answer",
                    agency=survey.agency,
                    ref=f"{survey_id}/{answer.question_id}",
                    text=answer.text,
                    author=None if q.anonymous else respondent,
                )
        # An anonymous response keeps the day only, so its time cannot pair it with
        # the marker that the citizen took part.
        at = now.replace(hour=0, minute=0, second=0, microsecond=0) if q.anonymous else now
        event = SurveyResponseSubmitted(
            survey_id=survey_id,
            agency=survey.agency,
            campaign_id=q.campaign_id,
            response_id=response_id,
            participant=None if q.anonymous else self._participant(survey, by),
            governorate=by.governorate,
            submitted_at=at,
        )
        document = {
            "response_id": response_id,
            "survey_id": survey_id,
            "answers": stored(checked),
            "governorate": by.governorate,
            "submitted_at": at,
        }
        try:
            if q.anonymous:
                await self.store.submit_anonymously(
                    survey_id, respondent, document, envelope(event, agency=survey.agency), marker_id=str(uuid.uuid4())
                )
            else:
                await self.store.submit(survey_id, respondent, document, envelope(event, agency=survey.agency))
        except BaseException:
            texts = [f"{response_id}-{a.question_id}" for a in checked if a.text]
            await self._moderation.store.collection.delete_many({"_id": {"$in": texts}})
            raise
        self._on_saved()
        return {"survey_id": survey_id, "response_id": response_id, "status": "submitted"}

    async def results(self, survey_id: str, *, governorate: str, by: Principal | None) -> dict[str, Any]:
        """Figures per question (overall or for one governorate), with free-text
        answers counted and the most frequent terms among the shown ones."""
        survey = await self.results_allowed(survey_id, by=by)
        tally, counted_at = await self.store.recent_tally(
            survey_id, max_age=self._results_max_age, final_after=survey.questionnaire.closes_at + CLOSING_GRACE
        )
        results = survey_results(survey.questionnaire.questions, tally, governorate)
        return {
            "survey_id": survey_id,
            "phase": survey.phase(_now()),
            "title": survey.questionnaire.title.model_dump(),
            "counted_at": counted_at,
            **results,
        }

    async def texts(self, survey_id: str, question_id: str, *, by: Principal | None, limit: int) -> dict[str, Any]:
        """A free-text question's answers as the public sees them (hidden ones as a
        notice), and the most frequent terms and phrases among the shown ones."""
        survey = await self.results_allowed(survey_id, by=by)
        question = next((q for q in survey.questionnaire.questions if q.question_id == question_id), None)
        if question is None or question.type not in TEXT_TYPES:
            raise Invalid(f"{question_id!r} is not a free-text question of this survey", details=[{"field": "question_id"}])
        ref = f"{survey_id}/{question_id}"
        listed = await self._moderation.store.of_ref(ref, limit=limit)
        shown = await self._moderation.store.of_ref(ref, limit=ANALYSED_TEXTS, visible_only=True)
        return {
            "survey_id": survey_id,
            "question_id": question_id,
            "texts": [c.public() for c in listed],
            "analysis": frequent_terms(c.text for c in shown),
        }

    async def export(self, survey_id: str, *, by: Principal | None) -> tuple[list[str], AsyncIterator[dict[str, str]]]:
        """The export's columns and its rows, one per submitted response (streamed)."""
        survey = await self.results_allowed(survey_id, by=by)
        questions = survey.questionnaire.questions
        rows = export.rows(questions, self.store.submitted(survey_id), self._moderation.store.by_ids)
        return export.header(questions), rows

    async def results_allowed(self, survey_id: str, *, by: Principal | None) -> Survey:
        """The survey, if the caller may see its results."""
        survey = await self.view(survey_id, by=by)
        now = _now()
        if not (_staff_of(by, survey.agency) or survey.results_public(now)):
            raise Forbidden(
                "results are published when the survey closes", details=[{"field": "survey_id", "phase": survey.phase(now)}]
            )
        return survey

    async def _own(self, survey_id: str, by: Principal) -> Survey:
        survey = await self.store.get(survey_id)
        by.require_staff_of(survey.agency)
        return survey

    async def _open_for(self, survey_id: str, by: Principal) -> Survey:
        by.require("citizen")
        survey = await self.view(survey_id, by=by)
        survey.require_open(_now())
        return survey

    def _respondent(self, survey_id: str, by: Principal) -> str:
        return pseudonym(self._key, by.subject, purpose=f"respondent:{survey_id}")

    def _participant(self, survey: Survey, by: Principal) -> str:
        return participant(self._key, by, campaign_id=survey.questionnaire.campaign_id, tool_id=survey.survey_id)


def _staff_of(by: Principal | None, agency: str) -> bool:
    return by is not None and by.has(*STAFF) and by.agency == agency

