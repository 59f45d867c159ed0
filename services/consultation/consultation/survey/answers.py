"""Checking a citizen's answers against the questionnaire, and the stored form of
each answer that tallies are counted from.

A submitted response must answer every required visible question and must not answer
a hidden one; a saved draft may be incomplete but each answer it holds must fit."""

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from consultation.survey.conditions import Answers, is_answered, visible_questions
from consultation.survey.questions import Question
from sharik.errors import Invalid

MAX_TEXT = {"short_text": 300, "long_text": 5000}


class StoredAnswer(BaseModel):
    """`tokens` are what is counted (an option, `row:column` of a matrix, `option:rank`
    of a ranking, a scale point, a date); `number` is summed; `text` is citizen text,
    shown only through moderation."""

    model_config = ConfigDict(frozen=True)

    question_id: str
    tokens: tuple[str, ...] = ()
    number: float | None = None
    text: str | None = None


def check_answers(questions: tuple[Question, ...], answers: Answers, *, complete: bool) -> list[StoredAnswer]:
    """The answers in stored form; Invalid names every answer that is wrong."""
    by_id = {q.question_id: q for q in questions}
    problems = [
        {"field": f"answers.{qid}", "message": "no such question"} for qid in answers if qid not in by_id
    ]
    given = {qid: v for qid, v in answers.items() if qid in by_id and is_answered(v)}
    shown = {q.question_id for q in visible_questions(questions, given)}
    stored = []
    for question in questions:
        qid = question.question_id
        field = f"answers.{qid}"
        if qid not in given:
            if complete and question.required and qid in shown:
                problems.append({"field": field, "message": "this question is required"})
            continue
        if qid not in shown:
            problems.append({"field": field, "message": "this question is not shown for the answers given"})
            continue
        try:
            stored.append(_stored(question, given[qid]))
        except ValueError as error:
            problems.append({"field": field, "message": str(error)})
    if problems:
        raise Invalid("some answers are not valid", details=problems)
    return stored


def _stored(q: Question, value: Any) -> StoredAnswer:
    qid = q.question_id
    match q.type:
        case "short_text" | "long_text":
            text = _text(value).strip()
            if len(text) > MAX_TEXT[q.type]:
                raise ValueError(f"at most {MAX_TEXT[q.type]} characters")
            return StoredAnswer(question_id=qid, text=text)
        case "single_choice":
            return StoredAnswer(question_id=qid, tokens=(_option(q, value),))
        case "multiple_choice":
            chosen = _distinct_options(q, value)
            if q.min is not None and len(chosen) < q.min or q.max is not None and len(chosen) > q.max:
                raise ValueError(f"choose between {q.min or 1:g} and {q.max or len(q.options):g} options")
            return StoredAnswer(question_id=qid, tokens=tuple(chosen))
        case "ranking":
            ranked = _distinct_options(q, value)
            if set(ranked) != q.option_ids:
                raise ValueError("rank every option once")
            return StoredAnswer(question_id=qid, tokens=tuple(f"{o}:{i}" for i, o in enumerate(ranked, 1)))
        case "rating":
            point = _number(value)
            if point != int(point) or not q.min <= point <= q.max:
                raise ValueError(f"a whole point from {q.min:g} to {q.max:g}")
            return StoredAnswer(question_id=qid, tokens=(str(int(point)),), number=point)
        case "number":
            number = _number(value)
            if q.min is not None and number < q.min or q.max is not None and number > q.max:
                raise ValueError("the number is out of range")
            return StoredAnswer(question_id=qid, number=number)
        case "date":
            try:
                return StoredAnswer(question_id=qid, tokens=(date.fromisoformat(_text(value)).isoformat(),))
            except ValueError:
                raise ValueError("a date as YYYY-MM-DD") from None
        case "matrix":
            return StoredAnswer(question_id=qid, tokens=_matrix(q, value))


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("a text is expected")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("a number is expected")
    return float(value)


def _option(q: Question, value: Any) -> str:
    if value not in q.option_ids:
        raise ValueError(f"one of: {', '.join(sorted(q.option_ids))}")
    return value


def _distinct_options(q: Question, value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ValueError("a list of option ids is expected")
    chosen = [_option(q, v) for v in value]
    if len(set(chosen)) != len(chosen):
        raise ValueError("an option is chosen twice")
    return chosen


def _matrix(q: Question, value: Any) -> tuple[str, ...]:
    if not isinstance(value, dict):
        raise ValueError("an object of row id to option id is expected")
    rows = {r.option_id for r in q.rows}
    unknown = set(value) - rows
    if unknown:
        raise ValueError(f"no such rows: {', '.join(sorted(unknown))}")
    if q.required and set(value) != rows:
        raise ValueError("answer every row")
    return tuple(f"{row}:{_option(q, value[row])}" for row in sorted(value))
