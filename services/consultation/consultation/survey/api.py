"""HTTP routes of surveys: the builder, responding, results and export."""

import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from consultation.survey import export
from consultation.survey.handlers import SurveyHandlers
from consultation.survey.results import ALL
from consultation.survey.survey import Phase, Questionnaire, Survey
from consultation.survey.templates import satisfaction
from sharik.events import LocalizedText
from sharik.http import CurrentUser, OptionalUser

router = APIRouter(prefix="/surveys", tags=["surveys"])
Limit = Annotated[int, Query(ge=1, le=500)]


def _handlers(request: Request) -> SurveyHandlers:
    return request.app.state.surveys


Handlers = Annotated[SurveyHandlers, Depends(_handlers)]


class SurveyOut(BaseModel):
    survey_id: str
    agency: str
    phase: Phase
    published_at: datetime | None
    questionnaire: Questionnaire

    @classmethod
    def of(cls, survey: Survey) -> "SurveyOut":
        return cls(
            survey_id=survey.survey_id,
            agency=survey.agency,
            phase=survey.phase(datetime.now(UTC)),
            published_at=survey.published_at,
            questionnaire=survey.questionnaire,
        )


class AnswersIn(BaseModel):
    """Answers by question id: a text, an option id, a list of option ids (multiple
    choice; ranking in order), a number (rating, number), `YYYY-MM-DD`, or an object
    of row id → option id (matrix)."""

    answers: dict[str, str | int | float | list[str] | dict[str, str]] = Field(max_length=200)


class SatisfactionIn(BaseModel):
    service: LocalizedText
    campaign_id: str | None = None
    opens_at: datetime
    closes_at: datetime


@router.post("", status_code=201)
async def create_survey(body: Questionnaire, user: CurrentUser, handlers: Handlers) -> SurveyOut:
    """Build a survey (a draft) for the caller's agency."""
    return SurveyOut.of(await handlers.create(body, by=user))


@router.post("/templates/satisfaction", status_code=201)
async def create_satisfaction_survey(body: SatisfactionIn, user: CurrentUser, handlers: Handlers) -> SurveyOut:
    """A draft satisfaction survey from the template, to adjust and publish."""
    questionnaire = satisfaction(
        service=body.service, opens_at=body.opens_at, closes_at=body.closes_at, campaign_id=body.campaign_id
    )
    return SurveyOut.of(await handlers.create(questionnaire, by=user))


@router.put("/{survey_id}")
async def edit_survey(survey_id: str, body: Questionnaire, user: CurrentUser, handlers: Handlers) -> SurveyOut:
    """Replace a draft's questionnaire; 409 once published."""
    return SurveyOut.of(await handlers.edit(survey_id, body, by=user))


@router.post("/{survey_id}/versions", status_code=201)
async def new_version(survey_id: str, user: CurrentUser, handlers: Handlers) -> SurveyOut:
    """A new draft survey with the same questions, to change and publish anew."""
    return SurveyOut.of(await handlers.new_version(survey_id, by=user))


@router.post("/{survey_id}/publish")
async def publish_survey(survey_id: str, user: CurrentUser, handlers: Handlers) -> SurveyOut:
    """Freeze the questions → SurveyPublished."""
    return SurveyOut.of(await handlers.publish(survey_id, by=user))


@router.get("/{survey_id}")
async def view_survey(survey_id: str, user: OptionalUser, handlers: Handlers) -> SurveyOut:
    return SurveyOut.of(await handlers.view(survey_id, by=user))


@router.get("")
async def list_surveys(
    user: OptionalUser, handlers: Handlers, agency: str | None = None, campaign_id: str | None = None, limit: Limit = 50
) -> list[SurveyOut]:
    """Published surveys, newest first; staff also see their agency's drafts."""
    surveys = await handlers.listed(agency=agency, campaign_id=campaign_id, by=user, limit=limit)
    return [SurveyOut.of(s) for s in surveys]


@router.put("/{survey_id}/my-response")
async def save_draft_response(survey_id: str, body: AnswersIn, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    """Save an unfinished response to resume later."""
    return await handlers.save_draft(survey_id, body.answers, by=user)


@router.get("/{survey_id}/my-response")
async def my_response(survey_id: str, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    """The caller's saved draft (to resume), or that they have responded."""
    return await handlers.my_response(survey_id, by=user)


@router.post("/{survey_id}/responses", status_code=201)
async def submit_response(survey_id: str, body: AnswersIn, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    """Submit a complete response, once per citizen → SurveyResponseSubmitted."""
    return await handlers.submit(survey_id, body.answers, by=user)


@router.get("/{survey_id}/results")
async def results(survey_id: str, user: OptionalUser, handlers: Handlers, governorate: str = ALL) -> dict[str, Any]:
    """Counts, percentages, mean and median per question, overall or per governorate."""
    return await handlers.results(survey_id, governorate=governorate, by=user)


@router.get("/{survey_id}/questions/{question_id}/texts")
async def texts(
    survey_id: str, question_id: str, user: OptionalUser, handlers: Handlers, limit: Limit = 100
) -> dict[str, Any]:
    """A free-text question's shown answers (a notice for hidden ones) and its most frequent terms."""
    return await handlers.texts(survey_id, question_id, by=user, limit=limit)


@router.get("/{survey_id}/export")
async def export_responses(
    survey_id: str, user: OptionalUser, handlers: Handlers, format: Literal["csv", "json"] = "csv"
) -> StreamingResponse:
    """Every submitted response without personal data, as CSV or JSON lines."""
    fields, rows = await handlers.export(survey_id, by=user)

    async def csv_body():
        yield export.csv_line(fields)
        async for row in rows:
            yield export.csv_line(fields, row)

    async def json_body():
        async for row in rows:
            yield json.dumps(row, ensure_ascii=False) + "\n"

    if format == "csv":
        headers = {"content-disposition": f'attachment; filename="survey-{survey_id}.csv"'}
        return StreamingResponse(csv_body(), media_type="text/csv; charset=utf-8", headers=headers)
    return StreamingResponse(json_body(), media_type="application/x-ndjson")
