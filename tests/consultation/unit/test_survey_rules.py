"""Conditional display and answer checking, as the server evaluates them."""

import pytest

from consultation.survey.answers import check_answers
from consultation.survey.conditions import holds, is_visible, visible_questions
from consultation.survey.questions import Choice, Condition, DisplayRule, Question, Section, check_questionnaire
from sharik.errors import Invalid
from sharik.events import LocalizedText as T

TEXT = T(ar="سؤال", en="Question")


def choices(*ids: str) -> tuple[Choice, ...]:
    return tuple(Choice(option_id=i, label=T(ar=i, en=i)) for i in ids)


def q(question_id: str, type: str = "short_text", **fields) -> Question:
    return Question(question_id=question_id, type=type, text=TEXT, **fields)


USES = q("uses", "single_choice", required=True, options=choices("yes", "no"))
TOOLS = q("tools", "multiple_choice", options=choices("app", "web", "office"), min=1, max=2)
WHY = q(
    "why_not",
    "long_text",
    required=True,
    show_if=DisplayRule(conditions=(Condition(question_id="uses", operator="equals", value="no"),)),
)
RATE = q(
    "rate",
    "rating",
    min=1,
    max=5,
    required=True,
    show_if=DisplayRule(
        combine="any_of",
        conditions=(
            Condition(question_id="tools", operator="contains", value="app"),
            Condition(question_id="tools", operator="contains", value="web"),
        ),
    ),
)
SURVEY = (USES, TOOLS, WHY, RATE)


@pytest.mark.parametrize(
    ("operator", "value", "answer", "expected"),
    [
        ("answered", None, "x", True),
        ("answered", None, "", False),
        ("not_answered", None, None, True),
        ("not_answered", None, ["a"], False),
        ("equals", "no", "no", True),
        ("equals", "no", "yes", False),
        ("equals", 3, 3.0, True),
        ("not_equals", "no", "yes", True),
        ("not_equals", "no", None, True),
        ("not_equals", "no", "no", False),
        ("contains", "app", ["web", "app"], True),
        ("contains", "app", ["web"], False),
        ("contains", "السوق", "أرجو تطوير السوق المركزي", True),
        ("contains", "المدرسة", "أرجو تطوير السوق", False),
        ("equals", "مدرسة", "مَدرسة", True),
    ],
)
def test_each_operator(operator, value, answer, expected):
    condition = Condition(question_id="a", operator=operator, value=value)
    assert holds(condition, {"a": answer} if answer is not None else {}) is expected


def test_all_of_and_any_of_combine_conditions():
    both = [Condition(question_id="a", operator="answered"), Condition(question_id="b", operator="answered")]
    all_of = q("x", show_if=DisplayRule(combine="all_of", conditions=tuple(both)))
    any_of = q("y", show_if=DisplayRule(combine="any_of", conditions=tuple(both)))
    assert not is_visible(all_of, {"a": "1"}) and is_visible(all_of, {"a": "1", "b": "2"})
    assert is_visible(any_of, {"a": "1"}) and not is_visible(any_of, {})


def test_a_hidden_questions_answer_does_not_open_later_questions():
    later = q("later", show_if=DisplayRule(conditions=(Condition(question_id="why_not", operator="answered"),)))
    shown = visible_questions((USES, WHY, later), {"uses": "yes", "why_not": "stale"})
    assert [s.question_id for s in shown] == ["uses"]


def test_a_required_visible_question_must_be_answered():
    with pytest.raises(Invalid) as error:
        check_answers(SURVEY, {"uses": "no"}, complete=True)
    assert error.value.details == [{"field": "answers.why_not", "message": "this question is required"}]


def test_a_hidden_question_must_not_be_answered():
    with pytest.raises(Invalid) as error:
        check_answers(SURVEY, {"uses": "yes", "why_not": "..."}, complete=True)
    assert error.value.details[0]["field"] == "answers.why_not"


def test_a_complete_response_is_stored_as_tokens_numbers_and_text():
    stored = check_answers(SURVEY, {"uses": "yes", "tools": ["app"], "rate": 4}, complete=True)
    assert [(a.question_id, a.tokens, a.number) for a in stored] == [
        ("uses", ("yes",), None),
        ("tools", ("app",), None),
        ("rate", ("4",), 4.0),
    ]
    with_text = check_answers(SURVEY, {"uses": "no", "why_not": " بعيد "}, complete=True)
    assert with_text[-1].text == "بعيد"


def test_a_draft_may_be_incomplete_but_each_answer_must_fit():
    assert check_answers(SURVEY, {"tools": ["web"]}, complete=False)
    with pytest.raises(Invalid) as error:
        check_answers(SURVEY, {"tools": ["app", "web", "office"], "nope": 1}, complete=False)
    assert {d["field"] for d in error.value.details} == {"answers.tools", "answers.nope"}


@pytest.mark.parametrize(
    ("question", "good", "bad"),
    [
        (q("n", "number", min=0, max=10), 2.5, 11),
        (q("d", "date"), "2026-11-22", "22/11/2026"),
        (q("r", "ranking", options=choices("a", "b", "c")), ["c", "a", "b"], ["a", "b"]),
        (
            q("m", "matrix", options=choices("good", "bad"), rows=choices("speed", "clarity"), required=True),
            {"speed": "good", "clarity": "bad"},
            {"speed": "good"},
        ),
        (q("s", "single_choice", options=choices("a", "b")), "a", "c"),
        (q("rt", "rating", min=1, max=5), 5, 3.5),
    ],
)
def test_each_question_type_checks_its_answer(question, good, bad):
    assert check_answers((question,), {question.question_id: good}, complete=True)
    with pytest.raises(Invalid):
        check_answers((question,), {question.question_id: bad}, complete=True)


def test_the_builder_refuses_conditions_on_later_questions_and_unknown_sections():
    forward = q("first", show_if=DisplayRule(conditions=(Condition(question_id="second", operator="answered"),)))
    problems = check_questionnaire((Section(section_id="s1", title=TEXT),), (forward, q("second", section_id="s2")))
    assert [p["field"] for p in problems] == ["questions.0.show_if.conditions.0.question_id", "questions.1.section_id"]


def test_question_shapes_are_checked():
    with pytest.raises(ValueError):
        q("c", "single_choice", options=choices("only"))
    with pytest.raises(ValueError):
        q("r", "rating", min=1)
    with pytest.raises(ValueError):
        q("Bad.Id")
