import pytest

from sharik_verify.counting.approval import check_selection, count_approval

# Service-satisfaction follow-up: "what should we fix first? choose one to three".
FIXES = ("simpler_procedures", "better_interface", "faster_call_centre", "complaint_escalation", "more_languages")


def test_selection_rules_are_named_when_broken():
    with pytest.raises(ValueError, match="choose at least 1 options, 0 chosen"):
        check_selection([], FIXES, 1, 3)
    with pytest.raises(ValueError, match="choose at most 3 options, 4 chosen"):
        check_selection(list(FIXES[:4]), FIXES, 1, 3)
    with pytest.raises(ValueError, match="only once"):
        check_selection(["better_interface", "better_interface"], FIXES, 1, 3)
    with pytest.raises(ValueError, match="unknown options: parking"):
        check_selection(["parking"], FIXES, 1, 3)


def test_a_selection_within_the_rules_passes():
    check_selection(["simpler_procedures", "faster_call_centre"], FIXES, 1, 3)
    check_selection([], FIXES, 0, 3)


def test_counts_per_option_and_the_top_two_win():
    ballots = (
        [["simpler_procedures", "better_interface"]] * 420
        + [["simpler_procedures", "faster_call_centre", "complaint_escalation"]] * 310
        + [["better_interface"]] * 150
        + [["complaint_escalation", "more_languages"]] * 120
    )

    result = count_approval(FIXES, ballots, seats=2, max_selections=3)

    assert result.ballots == 1000
    assert [(o.option_id, o.votes) for o in result.options] == [
        ("simpler_procedures", 730),
        ("better_interface", 570),
        ("faster_call_centre", 310),
        ("complaint_escalation", 430),
        ("more_languages", 120),
    ]
    # Percent of ballots: each voter may choose several, so the shares add up past 100.
    assert result.options[0].percent == 73.0
    assert result.outcome == "winners"
    assert result.winners == ("simpler_procedures", "better_interface")
    assert result.tied == ()


def test_a_tie_at_the_last_seat_is_declared_not_broken():
    ballots = [["a", "b"], ["a", "c"], ["a", "d"], ["b"], ["c"]]

    result = count_approval(("a", "b", "c", "d"), ballots, seats=2)

    assert result.outcome == "tie"
    assert result.winners == ("a",)  # certain to win
    assert result.tied == ("b", "c")  # two votes each, for the one seat left


def test_a_tie_inside_the_seats_is_no_tie():
    result = count_approval(("a", "b", "c"), [["a", "b"], ["a", "b"], ["c"]], seats=2)

    assert result.outcome == "winners" and result.winners == ("a", "b")


def test_options_nobody_chose_never_win_so_seats_may_stay_empty():
    result = count_approval(("a", "b", "c"), [["a"], ["a"]], seats=2)

    assert result.outcome == "winners" and result.winners == ("a",)


def test_no_votes():
    result = count_approval(("a", "b"), [[], []], seats=1, min_selections=0)

    assert result.outcome == "no_votes" and result.winners == () and result.ballots == 2


def test_an_invalid_ballot_is_named_by_its_number():
    with pytest.raises(ValueError, match="ballot 2: choose at most 1 options, 2 chosen"):
        count_approval(("a", "b"), [["a"], ["a", "b"]], seats=1, max_selections=1)


@pytest.mark.parametrize(
    ("seats", "min_selections", "max_selections", "message"),
    [(0, 1, None, "seats must be between 1 and 2"), (3, 1, None, "seats"), (1, 2, 1, "min_selections 2")],
)
def test_impossible_rules_are_refused(seats, min_selections, max_selections, message):
    with pytest.raises(ValueError, match=message):
        count_approval(("a", "b"), [], seats, min_selections, max_selections)
