"""Idea competitions' pure rules: assignment with conflicts and balance, scoring and
aggregation with normalisation and ties, and the order of stages."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from math import sqrt

import pytest

from consultation.competition.assignment import assign
from consultation.competition.competition import Call, Competition, Jury, Outcome, Theme
from consultation.competition.scoring import Criterion, Rubric, ScoredReview, normalised, rank, top
from consultation.competition.stages import Stage
from sharik.errors import Conflict, Invalid
from sharik.events import LocalizedText

T = LocalizedText(ar="نص", en="text")
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def test_each_idea_gets_k_distinct_jurors_with_loads_at_most_one_apart():
    ideas = [f"i{n:03}" for n in range(461)]
    jurors = [f"j{n}" for n in range(7)]
    assignment = assign(ideas, jurors, k=3, conflicts={})
    assert all(len(set(js)) == 3 for js in assignment.values())
    loads = Counter(j for js in assignment.values() for j in js)
    assert sum(loads.values()) == 461 * 3
    assert max(loads.values()) - min(loads.values()) <= 1


def test_no_idea_goes_to_a_conflicted_juror_and_the_load_stays_balanced():
    ideas = [f"i{n}" for n in range(12)]
    jurors = ["a", "b", "c", "d"]
    conflicts = {"a": {"i0", "i1", "i2"}, "b": {"i0"}}
    assignment = assign(ideas, jurors, k=2, conflicts=conflicts)
    for juror, barred in conflicts.items():
        assert not any(juror in assignment[i] for i in barred)
    loads = Counter(j for js in assignment.values() for j in js)
    assert max(loads.values()) == 6  # 24 reviews over 4 jurors


def test_balance_is_the_best_the_conflicts_allow():
    # Only "a" may judge i0 and i1, and every idea needs one review: a carries 2.
    assignment = assign(["i0", "i1", "i2", "i3"], ["a", "b"], k=1, conflicts={"b": {"i0", "i1"}})
    assert assignment["i0"] == ("a",) and assignment["i1"] == ("a",)
    assert assignment["i2"] == ("b",) and assignment["i3"] == ("b",)


def test_same_inputs_give_the_same_assignment():
    ideas, jurors = [f"i{n}" for n in range(30)], ["a", "b", "c", "d", "e"]
    conflicts = {"c": {"i3", "i4"}}
    assert assign(ideas, jurors, k=2, conflicts=conflicts) == assign(reversed(ideas), reversed(jurors), k=2, conflicts=conflicts)


def test_an_idea_without_enough_unconflicted_jurors_is_a_clear_error():
    with pytest.raises(Invalid) as raised:
        assign(["i0", "i1"], ["a", "b", "c"], k=2, conflicts={"a": {"i1"}, "b": {"i1"}})
    assert raised.value.details == [{"field": "reviews_per_idea", "idea_id": "i1", "jurors_available": 1}]


def test_more_reviews_than_jurors_is_a_clear_error():
    with pytest.raises(Invalid) as raised:
        assign(["i0"], ["a"], k=2, conflicts={})
    assert raised.value.details[0]["idea_id"] == "i0"


RUBRIC = Rubric(
    criteria=(
        Criterion(criterion_id="novelty", label=T, weight=2),
        Criterion(criterion_id="feasibility", label=T, weight=1),
        Criterion(criterion_id="impact", label=T, weight=1),
    ),
    scale_min=1,
    scale_max=5,
)


def test_a_review_total_is_the_weighted_mean_of_its_scores():
    assert RUBRIC.weighted_total({"novelty": 5, "feasibility": 3, "impact": 1}) == pytest.approx((10 + 3 + 1) / 4)


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"novelty": 5, "feasibility": 3}, "scores.impact"),
        ({"novelty": 5, "feasibility": 3, "impact": 6}, "scores.impact"),
        ({"novelty": 5, "feasibility": 3, "impact": 1, "style": 2}, "scores.style"),
    ],
)
def test_scores_cover_every_criterion_on_the_scale(scores, field):
    with pytest.raises(Invalid) as raised:
        RUBRIC.check(scores)
    assert raised.value.details[0]["field"] == field


def test_an_idea_scores_the_mean_of_its_reviews_and_equal_scores_are_a_tie():
    reviews = [
        ScoredReview(idea_id="x", juror="a", total=4.0),
        ScoredReview(idea_id="x", juror="b", total=3.0),
        ScoredReview(idea_id="y", juror="a", total=3.5),
        ScoredReview(idea_id="y", juror="c", total=3.5),
        ScoredReview(idea_id="z", juror="b", total=2.0),
    ]
    ranking = rank(reviews)
    assert [(r.idea_id, r.score, r.rank, r.tied) for r in ranking] == [
        ("x", 3.5, 1, True),
        ("y", 3.5, 1, True),
        ("z", 2.0, 3, False),
    ]
    assert top(ranking, 1) == ((), ("x", "y"))
    assert top(ranking, 2) == (("x", "y"), ())


def test_normalisation_puts_a_harsh_and_a_kind_juror_on_one_footing():
    # a scores everything 2 points higher than b; after z-scores they agree.
    reviews = [
        ScoredReview(idea_id="p", juror="a", total=5.0),
        ScoredReview(idea_id="q", juror="a", total=4.0),
        ScoredReview(idea_id="p", juror="b", total=3.0),
        ScoredReview(idea_id="q", juror="b", total=2.0),
        ScoredReview(idea_id="r", juror="b", total=2.5),
    ]
    z = {(r.idea_id, r.juror): r.total for r in normalised(reviews)}
    assert z[("p", "a")] == 1.0 and z[("q", "a")] == -1.0
    mean_b, sd_b = 2.5, sqrt(((0.5) ** 2 + (0.5) ** 2 + 0) / 3)
    assert z[("p", "b")] == pytest.approx((3.0 - mean_b) / sd_b, abs=1e-6)
    ranking = rank(reviews, normalise=True)
    assert [r.idea_id for r in ranking] == ["p", "r", "q"]


def test_a_juror_with_one_review_or_one_total_contributes_zeros():
    reviews = [ScoredReview(idea_id="p", juror="a", total=5.0), ScoredReview(idea_id="q", juror="b", total=3.0)]
    assert [r.total for r in normalised(reviews)] == [0.0, 0.0]


def stages(*kinds: str) -> tuple[Stage, ...]:
    out = []
    for n, kind in enumerate(kinds):
        advancing = {"jury_round": 10, "final": 3}.get(kind)
        out.append(Stage(kind=kind, opens_at=NOW + timedelta(days=n), closes_at=NOW + timedelta(days=n + 1), advancing=advancing))
    return tuple(out)


def call(*kinds: str) -> Call:
    return Call(
        title=T,
        description=T,
        themes=(Theme(theme_id="mobility", label=T),),
        stages=stages(*kinds),
    )


FULL = ("submission", "screening", "jury_round", "jury_round", "shortlist", "final", "winners")


def test_stages_run_in_the_programme_s_order():
    assert len(call(*FULL).stages) == 7
    for wrong in [
        ("submission", "jury_round", "screening", "shortlist", "final", "winners"),
        ("submission", "screening", "shortlist", "final", "winners", "winners"),
        ("screening", "submission", "jury_round", "shortlist", "final", "winners"),
    ]:
        with pytest.raises(Invalid):
            call(*wrong)


def test_a_judged_stage_says_how_many_advance_and_no_more_than_before():
    s = list(stages(*FULL))
    s[5] = s[5].model_copy(update={"advancing": 20})
    with pytest.raises(Invalid) as raised:
        Call(title=T, description=T, themes=(Theme(theme_id="t", label=T),), stages=tuple(s))
    assert raised.value.details[0]["field"] == "stages.5.advancing"


def competition() -> Competition:
    return Competition(competition_id="c", agency="mtcit", call=call(*FULL), created_by="o", created_at=NOW)


def test_stages_open_one_after_another_and_a_judged_one_only_ends_when_concluded():
    c = competition().publish(NOW)
    assert c.kind == "submission"
    with pytest.raises(Conflict):
        c.next_stage(now=NOW, in_play=())  # submissions are open until their deadline
    c = c.next_stage(now=NOW + timedelta(days=1), in_play=("i1", "i2"))
    assert c.kind == "screening"
    with pytest.raises(Conflict):
        c.next_stage(now=NOW, in_play=("i1",))  # no jury named
    c = c.name_jury(Jury(jurors=("a", "b"), chair="a", reviews_per_idea=2, rubric=RUBRIC))
    c = c.next_stage(now=NOW, in_play=("i1", "i2"))
    assert c.kind == "jury_round"
    with pytest.raises(Conflict):
        c.next_stage(now=NOW, in_play=())
    with pytest.raises(Invalid):
        c.conclude(Outcome(stage_index=2, ranking=(), advancing=("zz",), normalised=False, concluded_at=NOW))
    c = c.conclude(Outcome(stage_index=2, ranking=(), advancing=("i1",), normalised=False, concluded_at=NOW))
    with pytest.raises(Conflict):
        c.conclude(Outcome(stage_index=2, ranking=(), advancing=("i1",), normalised=False, concluded_at=NOW))
    c = c.next_stage(now=NOW, in_play=c.carried_forward())
    assert (c.kind, c.in_play) == ("jury_round", ("i1",))
