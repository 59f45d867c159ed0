"""Responses as CSV and JSON for open analysis, without personal data: no respondent,
free text only where moderation shows it."""

import csv
import io
from collections.abc import AsyncIterator, Mapping
from typing import Any

from consultation.moderation.content import Content
from consultation.survey.questions import Question

HIDDEN = "[hidden by moderation]"


def answer_cell(question: Question, answer: Mapping[str, Any] | None, texts: Mapping[str, Content], response_id: str) -> str:
    """One answer as a CSV cell: options joined by `|`, numbers, or the shown text."""
    if answer is None:
        return ""
    if question.type in ("short_text", "long_text"):
        content = texts.get(f"{response_id}-{question.question_id}")
        if content is None:
            return ""
        return content.text if content.visibility == "visible" else HIDDEN
    if question.type == "number":
        return f"{answer['number']:g}"
    return "|".join(answer["tokens"])


async def rows(
    questions: tuple[Question, ...], responses: AsyncIterator[dict], texts_of
) -> AsyncIterator[dict[str, str]]:
    """One flat row per response; `texts_of(ids)` fetches the moderated texts."""
    async for response in responses:
        response_id = str(response["_id"])
        by_question = {a["question_id"]: a for a in response.get("answers", [])}
        texts = await texts_of([f"{response_id}-{q}" for q in by_question])
        row = {
            "response_id": response_id,
            "governorate": response.get("governorate") or "",
            "submitted_on": response["submitted_at"].date().isoformat(),
        }
        for question in questions:
            row[question.question_id] = answer_cell(question, by_question.get(question.question_id), texts, response_id)
        yield row


def header(questions: tuple[Question, ...]) -> list[str]:
    return ["response_id", "governorate", "submitted_on", *(q.question_id for q in questions)]


def csv_line(fields: list[str], row: Mapping[str, str] | None = None) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([row.get(f, "") for f in fields] if row is not None else fields)
    return buffer.getvalue()
