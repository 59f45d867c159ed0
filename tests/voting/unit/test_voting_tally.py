import pytest

from sharik_verify.tally import Tally

OPTIONS = ("human", "economy", "environment")


def test_counts_follow_the_ballot_order_with_zero_for_options_nobody_chose():
    tally = Tally.of(OPTIONS, {"economy": 2, "human": 1})
    assert [(c.option_id, c.votes) for c in tally.counts] == [("human", 1), ("economy", 2), ("environment", 0)]
    assert tally.total_votes == 3


def test_one_option_ahead_wins():
    # The 2024 forum: "Human and society" won with 2,248 votes.
    tally = Tally.of(OPTIONS, {"human": 2248, "economy": 2100, "environment": 1900})
    assert tally.total_votes == 6248
    assert tally.outcome == "winner" and tally.winners == ("human",)


def test_percent_is_the_share_of_all_votes():
    tally = Tally.of(OPTIONS, {"human": 35, "economy": 33, "environment": 32})
    assert [c.percent for c in tally.counts] == [35.0, 33.0, 32.0]
    assert Tally.of(("a", "b", "c"), {"a": 1, "b": 1, "c": 1}).counts[0].percent == pytest.approx(33.33)


def test_a_tie_names_every_tied_option():
    tally = Tally.of(OPTIONS, {"human": 4, "economy": 1, "environment": 4})
    assert tally.outcome == "tie"
    assert tally.winners == ("human", "environment")


def test_no_votes_has_no_winner():
    tally = Tally.of(OPTIONS, {})
    assert (tally.outcome, tally.winners, tally.total_votes) == ("no_votes", (), 0)
    assert all(c.percent == 0 for c in tally.counts)


def test_votes_for_ids_that_are_not_options_are_not_counted():
    assert Tally.of(OPTIONS, {"human": 1, "sports": 5}).total_votes == 1
