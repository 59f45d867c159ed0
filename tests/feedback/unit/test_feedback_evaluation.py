"""Mystery-shopper evaluations: checklist validation and the weighted score."""

from datetime import UTC, datetime, timedelta

import pytest

from feedback.domain.evaluation import CheckItem, Evaluation, weighted_score
from feedback.domain.service import Service
from feedback.domain.text import Text
from sharik.errors import Invalid

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)
SERVICE = Service.register(
    service_code="licence-renewal",
    agency="rop",
    name=Text(ar="تجديد رخصة القيادة", en="Driving licence renewal"),
    channels=("web", "call_centre"),
    now=NOW,
)
CHECKLIST = (
    CheckItem("greeted", passed=True),
    CheckItem("answered-within-3-minutes", passed=False, weight=3),
    CheckItem("correct-information", passed=True, weight=4),
)


def evaluate(**overrides) -> Evaluation:
    fields = dict(
        evaluation_id="e1",
        channel="call_centre",
        visited_at=NOW - timedelta(days=1),
        checklist=CHECKLIST,
        notes=" waited on hold ",
        evaluator_id="ev-1",
        now=NOW,
    )
    return Evaluation.file(SERVICE, **{**fields, **overrides})


def test_the_score_is_the_weighted_share_of_items_passed():
    evaluation = evaluate()
    assert evaluation.score == 62.5  # (1 + 4) / (1 + 3 + 4)
    assert evaluation.items_passed == 2
    assert (evaluation.agency, evaluation.notes) == ("rop", "waited on hold")


@pytest.mark.parametrize(
    ("checklist", "score"),
    [
        ((CheckItem("a", True), CheckItem("b", True)), 100.0),
        ((CheckItem("a", False),), 0.0),
        ((CheckItem("a", True), CheckItem("b", False), CheckItem("c", False)), 33.3),
        ((CheckItem("a", True, 2), CheckItem("b", False, 1)), 66.7),
    ],
)
def test_unweighted_items_count_once_and_scores_round_to_one_decimal(checklist, score):
    assert weighted_score(checklist) == score


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": "service_centre"}, "channel"),
        ({"visited_at": NOW + timedelta(minutes=1)}, "visited_at"),
        ({"visited_at": datetime(2026, 11, 1, 9)}, "visited_at"),
        ({"checklist": ()}, "checklist"),
        ({"checklist": (CheckItem("a", True), CheckItem("a", False))}, "checklist"),
        ({"checklist": (CheckItem("a", True, 0),)}, "checklist"),
        ({"notes": "x" * 4001}, "notes"),
    ],
)
def test_a_bad_evaluation_names_the_field(overrides, field):
    with pytest.raises(Invalid) as error:
        evaluate(**overrides)
    assert error.value.details == [{"field": field}]
