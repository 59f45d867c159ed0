"""Conditional display, evaluated the same way by the server as by a page: a pure
function of the answers given so far."""

from collections.abc import Mapping
from typing import Any

from consultation.survey.questions import Condition, Question
from sharik_verify.text import normalize

Answers = Mapping[str, Any]


def is_answered(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def holds(condition: Condition, answers: Answers) -> bool:
    """Whether one condition holds for the answers."""
    value = answers.get(condition.question_id)
    answered = is_answered(value)
    match condition.operator:
        case "answered":
            return answered
        case "not_answered":
            return not answered
        case "equals":
            return answered and _same(value, condition.value)
        case "not_equals":
            return not (answered and _same(value, condition.value))
        case "contains":
            return answered and _contains(value, condition.value)


def is_visible(question: Question, answers: Answers) -> bool:
    """A question without a rule is always shown; otherwise its rule decides."""
    rule = question.show_if
    if rule is None:
        return True
    results = (holds(c, answers) for c in rule.conditions)
    return all(results) if rule.combine == "all_of" else any(results)


def visible_questions(questions: tuple[Question, ...], answers: Answers) -> list[Question]:
    """The questions shown for these answers. A hidden question's answer does not count
    towards a later condition, as a page would have cleared it."""
    shown: list[Question] = []
    effective: dict[str, Any] = {}
    for question in questions:
        if is_visible(question, effective):
            shown.append(question)
            if question.question_id in answers:
                effective[question.question_id] = answers[question.question_id]
    return shown


def _same(value: Any, expected: Any) -> bool:
    if isinstance(value, list):
        return value == [expected]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(value) == float(expected)
        except (TypeError, ValueError):
            return False
    return normalize(str(value)) == normalize(str(expected))


def _contains(value: Any, expected: Any) -> bool:
    if isinstance(value, list):
        return str(expected) in value
    if isinstance(value, dict):
        return str(expected) in value.values()
    return normalize(str(expected)) in normalize(str(value))
