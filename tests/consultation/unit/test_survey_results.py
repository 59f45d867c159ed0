"""Results from grouped counts: percentages, mean and median of scales."""

from consultation.survey.results import ALL, Tally, median_of_counts, question_result
from consultation.survey.templates import satisfaction
from consultation.survey.questions import Choice, Question
from sharik.events import LocalizedText as T


def test_median_of_counts():
    assert median_of_counts({}) is None
    assert median_of_counts({1: 1, 2: 1, 3: 1}) == 2
    assert median_of_counts({1: 2, 5: 2}) == 3
    assert median_of_counts({4: 78, 2: 22}) == 4
    assert median_of_counts({1: 0, 3: 1}) == 3


def test_a_scale_has_counts_percentages_mean_and_median():
    rate = Question(question_id="rate", type="rating", min=1, max=5, text=T(ar="قيّم", en="Rate"))
    tally = Tally(
        answered={("rate", ALL): 4, ("rate", "muscat"): 3, ("rate", "dhofar"): 1},
        sums={("rate", ALL): 14, ("rate", "muscat"): 9, ("rate", "dhofar"): 5},
        tokens={("rate", "3", ALL): 2, ("rate", "4", ALL): 1, ("rate", "5", ALL): 1, ("rate", "3", "muscat"): 2},
        responses={ALL: 4},
    )
    result = question_result(rate, tally)
    assert result["mean"] == 3.5 and result["median"] == 3.5
    assert [p["count"] for p in result["points"]] == [0, 0, 2, 1, 1]
    assert result["points"][2]["percent"] == 50.0
    assert question_result(rate, tally, "dhofar")["mean"] == 5.0


def test_choices_are_counted_with_percentages_of_those_who_answered():
    question = Question(
        question_id="c",
        type="multiple_choice",
        text=T(ar="س", en="Q"),
        options=(Choice(option_id="a", label=T(ar="أ", en="A")), Choice(option_id="b", label=T(ar="ب", en="B"))),
    )
    tally = Tally(answered={("c", ALL): 4}, sums={}, tokens={("c", "a", ALL): 3, ("c", "b", ALL): 2}, responses={ALL: 5})
    options = question_result(question, tally)["options"]
    assert [(o["count"], o["percent"]) for o in options] == [(3, 75.0), (2, 50.0)]


def test_the_satisfaction_template_asks_what_to_fix_only_of_the_unsatisfied():
    from datetime import UTC, datetime, timedelta

    from consultation.survey.answers import check_answers

    now = datetime.now(UTC)
    survey = satisfaction(service=T(ar="خدمة", en="Service"), opens_at=now, closes_at=now + timedelta(days=1), campaign_id=None)
    assert check_answers(survey.questions, {"overall": "satisfied"}, complete=True)
    assert check_answers(survey.questions, {"overall": "dissatisfied", "what_to_fix": ["procedures"]}, complete=True)
