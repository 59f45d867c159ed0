import pytest

from sharik_verify.counting.ranked import count_ranked

# The national procurement system's name, chosen among 4 proposals, ranked this time.
NAMES = ("A", "B", "C", "D")


def test_the_first_round_leader_can_lose_once_preferences_transfer():
    ballots = [["A", "B"]] * 40 + [["B", "C"]] * 25 + [["C", "B"]] * 20 + [["D", "C"]] * 10 + [["D"]] * 5

    result = count_ranked(NAMES, ballots)

    assert [(r.counts, r.exhausted, r.eliminated) for r in result.rounds] == [
        ({"A": 40, "B": 25, "C": 20, "D": 15}, 0, "D"),
        # D's ten second choices go to C; the five ranking D alone are exhausted.
        ({"A": 40, "B": 25, "C": 30}, 5, "B"),
        # 55 of the 95 ballots still counting is a majority.
        ({"A": 40, "C": 55}, 5, None),
    ]
    assert result.rounds[-1].continuing_ballots == 95
    assert result.outcome == "winner" and result.winners == ("C",)
    assert result.ballots == 100
    assert all(r.tied_lowest == () for r in result.rounds)


def test_a_first_round_majority_ends_the_count():
    result = count_ranked(NAMES, [["B"]] * 51 + [["A", "B"]] * 49)

    assert len(result.rounds) == 1
    assert result.winners == ("B",)


def test_the_majority_is_of_ballots_still_counting_not_of_all_ballots():
    # Three of seven is no majority of all ballots, but blank ballots count for no one.
    result = count_ranked(("a", "b"), [["a"]] * 3 + [["b"]] * 2 + [[]] * 2)

    assert result.rounds[0].exhausted == 2
    assert result.winners == ("a",)


def test_a_tie_for_last_eliminates_the_one_with_fewer_first_round_votes():
    ballots = [["a"]] * 6 + [["b"]] * 4 + [["c", "b"]] * 3 + [["d", "c"]]

    result = count_ranked(("a", "b", "c", "d"), ballots)

    second = result.rounds[1]
    assert second.counts == {"a": 6, "b": 4, "c": 4}
    assert second.tied_lowest == ("b", "c")
    assert second.eliminated == "c"  # 3 first-round votes against b's 4
    assert result.rounds[2].counts == {"a": 6, "b": 7} and result.rounds[2].exhausted == 1
    assert result.winners == ("b",)


def test_a_tie_on_first_round_votes_too_eliminates_the_greatest_option_id_and_a_final_tie_is_declared():
    ballots = [["w"]] * 2 + [["x"]] * 2 + [["y", "w"]] + [["z", "x"]]

    result = count_ranked(("w", "x", "y", "z"), ballots)

    assert [(r.tied_lowest, r.eliminated) for r in result.rounds] == [(("y", "z"), "z"), ((), "y"), ((), None)]
    assert result.rounds[-1].counts == {"w": 3, "x": 3}
    assert result.outcome == "tie" and result.winners == ("w", "x")


def test_no_votes():
    assert count_ranked(NAMES, []).outcome == "no_votes"
    blank = count_ranked(NAMES, [[], []])
    assert blank.outcome == "no_votes" and blank.ballots == 2 and blank.rounds == ()


@pytest.mark.parametrize(
    ("ranking", "message"), [(["A", "E"], "ballot 2: unknown options: E"), (["A", "A"], "ranked twice")]
)
def test_invalid_rankings_are_refused(ranking, message):
    with pytest.raises(ValueError, match=message):
        count_ranked(NAMES, [["A"], ranking])
