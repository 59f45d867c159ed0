"""A survey's questions as the builder makes them: types, sections, ar/en texts,
required flags and display conditions on earlier answers."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sharik.events import LocalizedText

Slug = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
"""Ids of questions, options and rows are keys in stored tallies: no dots, no `$`."""

QuestionType = Literal[
    "short_text", "long_text", "single_choice", "multiple_choice", "rating", "number", "date", "matrix", "ranking"
]
TEXT_TYPES = frozenset({"short_text", "long_text"})
CHOICE_TYPES = frozenset({"single_choice", "multiple_choice", "ranking", "matrix"})
Operator = Literal["answered", "not_answered", "equals", "not_equals", "contains"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Choice(_Frozen):
    option_id: str = Slug
    label: LocalizedText


class Condition(_Frozen):
    """A test on an earlier answer. `equals`/`not_equals` compare the whole answer
    (an option id, a number, a text); `contains` looks for an option among a
    multiple choice or ranking, or for words in a text."""

    question_id: str = Slug
    operator: Operator
    value: str | int | float | None = None

    @model_validator(mode="after")
    def _value_when_compared(self) -> "Condition":
        if self.operator in ("equals", "not_equals", "contains") and self.value is None:
            raise ValueError(f"operator {self.operator} needs a value")
        return self


class DisplayRule(_Frozen):
    """Show the question when all (or any) of the conditions hold."""

    combine: Literal["all_of", "any_of"] = "all_of"
    conditions: tuple[Condition, ...] = Field(min_length=1, max_length=20)


class Section(_Frozen):
    section_id: str = Slug
    title: LocalizedText


class Question(_Frozen):
    question_id: str = Slug
    type: QuestionType
    text: LocalizedText
    help: LocalizedText | None = None
    section_id: str | None = None
    required: bool = False
    options: tuple[Choice, ...] = Field(default=(), max_length=100)
    """Choices of single/multiple choice and ranking; the columns of a matrix."""
    rows: tuple[Choice, ...] = Field(default=(), max_length=50)
    """A matrix's rows; each takes one of the options."""
    min: float | None = None
    """At least this many choices (multiple choice), or the lowest number or scale point."""
    max: float | None = None
    show_if: DisplayRule | None = None

    @model_validator(mode="after")
    def _shape(self) -> "Question":
        if self.type in CHOICE_TYPES and len(self.options) < 2:
            raise ValueError(f"a {self.type} question needs at least two options")
        if self.type not in CHOICE_TYPES and self.options:
            raise ValueError(f"a {self.type} question has no options")
        if (self.type == "matrix") != bool(self.rows):
            raise ValueError("rows belong to matrix questions, and a matrix needs them")
        if self.type == "rating" and (self.min is None or self.max is None or self.max - self.min > 10):
            raise ValueError("a rating question needs min and max, at most 10 points apart")
        if self.type == "rating" and (self.min != int(self.min) or self.max != int(self.max)):
            raise ValueError("a rating scale has whole points")
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError("max is below min")
        ids = [o.option_id for o in self.options]
        if len(set(ids)) != len(ids) or len({r.option_id for r in self.rows}) != len(self.rows):
            raise ValueError("option and row ids must be unique")
        return self

    @property
    def option_ids(self) -> frozenset[str]:
        return frozenset(o.option_id for o in self.options)


def check_questionnaire(sections: tuple[Section, ...], questions: tuple[Question, ...]) -> list[dict]:
    """Problems that span questions, each naming its field: duplicate ids, unknown
    sections, and conditions that refer to a later (or unknown) question."""
    problems = []
    section_ids = {s.section_id for s in sections}
    seen: dict[str, Question] = {}
    for index, question in enumerate(questions):
        field = f"questions.{index}"
        if question.question_id in seen:
            problems.append({"field": f"{field}.question_id", "message": "duplicate question id"})
        if question.section_id is not None and question.section_id not in section_ids:
            problems.append({"field": f"{field}.section_id", "message": "no such section"})
        for c_index, condition in enumerate(question.show_if.conditions if question.show_if else ()):
            if condition.question_id not in seen:
                problems.append(
                    {"field": f"{field}.show_if.conditions.{c_index}.question_id", "message": "must be an earlier question"}
                )
        seen[question.question_id] = question
    return problems
