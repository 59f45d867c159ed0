import pytest

from sharik_verify.counting.single import WriteIn, count_single

FORUM_TOPICS = ("human_society", "economy", "governance")


def forum_2024_votes() -> list[str | WriteIn]:
    """The 2024 forum: 7,500 voters, "Human and society" first with 2,248 votes, and
    "Labour market and employment" the most requested write-in with 756 votes, typed in
    several spellings (in Arabic: سوق العمل والتوظيف)."""
    labour = (
        ["سوق العمل والتوظيف"] * 400
        + ["سُوقُ العَمَلِ والتَّوظِيف"] * 150  # with tashkeel
        + ["ســوق العمـل والتوظيف"] * 100  # with tatweel
        + ["  سوق العمل   والتوظيف. "] * 106  # stray spaces and a full stop
    )
    housing = ["الإسكان"] * 180 + ["الاسكان"] * 120  # with and without hamza under the alef
    education = ["Education"] * 100 + ["education "] * 55
    votes: list[str | WriteIn] = ["human_society"] * 2248 + ["economy"] * 2120 + ["governance"] * 1921
    return votes + [WriteIn(text) for text in labour + housing + education]


def test_forum_2024_human_and_society_wins_among_7500_voters():
    result = count_single(FORUM_TOPICS, forum_2024_votes())

    assert result.valid_votes == 7500 and result.invalid_votes == 0
    assert result.outcome == "winner" and result.winners == ("human_society",)
    assert [(o.option_id, o.votes, o.percent) for o in result.options] == [
        ("human_society", 2248, 29.97),
        ("economy", 2120, 28.27),
        ("governance", 1921, 25.61),
    ]


def test_spellings_of_one_write_in_count_as_one_row_labelled_with_the_commonest_spelling():
    result = count_single(FORUM_TOPICS, forum_2024_votes())

    assert [(w.label, w.votes) for w in result.write_ins] == [
        ("سوق العمل والتوظيف", 756),
        ("الإسكان", 300),
        ("Education", 155),
    ]
    assert result.top_write_ins == (result.write_ins[0],)
    assert result.write_ins[0].percent == 10.08
    assert result.write_ins[0].key == "سوق العمل والتوظيف"


def test_write_ins_do_not_win_even_with_more_votes_than_every_option():
    result = count_single(("a", "b"), ["a", "b", "b"] + [WriteIn("Something else")] * 5)

    assert result.winners == ("b",)
    assert result.write_ins[0].votes == 5
    assert result.options[1].percent == 25.0  # 2 of 8 valid votes


def test_notary_hours_poll_82_percent_to_extend():
    result = count_single(("extend_8am_8pm", "keep_hours"), ["extend_8am_8pm"] * 8200 + ["keep_hours"] * 1800)

    assert result.winners == ("extend_8am_8pm",)
    assert [o.percent for o in result.options] == [82.0, 18.0]


def test_naming_vote_among_four_proposals():
    names = ("tanaqus", "mushtarayat", "itimad", "bawaba")
    votes = ["tanaqus"] * 3100 + ["mushtarayat"] * 4150 + ["itimad"] * 1250 + ["bawaba"] * 1500

    result = count_single(names, votes)

    assert result.outcome == "winner" and result.winners == ("mushtarayat",)
    assert sum(o.percent for o in result.options) == pytest.approx(100)


def test_a_tie_is_declared_with_every_tied_option_in_ballot_order():
    result = count_single(("a", "b", "c"), ["c", "a", "c", "a", "b"])

    assert result.outcome == "tie"
    assert result.winners == ("a", "c")


def test_no_votes_at_all():
    result = count_single(("a", "b"), [])

    assert result.outcome == "no_votes" and result.winners == ()
    assert [o.percent for o in result.options] == [0.0, 0.0]


def test_blank_write_ins_are_invalid_and_left_out_of_the_percentages():
    result = count_single(("a", "b"), ["a", "b", "b", WriteIn("  "), WriteIn("..."), WriteIn("ـــ")])

    assert result.invalid_votes == 3 and result.valid_votes == 3
    assert result.options[1].percent == 66.67
    assert result.write_ins == ()


def test_write_in_label_does_not_depend_on_the_order_votes_are_read():
    spellings = [WriteIn("Roads"), WriteIn("roads"), WriteIn("ROADS"), WriteIn("roads")]

    assert count_single(("a",), spellings).write_ins[0].label == "roads"
    assert count_single(("a",), spellings[::-1]).write_ins[0].label == "roads"
    # Equally common spellings: the first in text order.
    assert count_single(("a",), spellings[:3]).write_ins[0].label == "ROADS"


def test_write_ins_tied_for_most_requested_are_all_listed():
    result = count_single(
        ("a",), [WriteIn("Parks"), WriteIn("Roads"), WriteIn("parks"), WriteIn("roads"), WriteIn("Sea")]
    )

    assert [w.label for w in result.top_write_ins] == ["Parks", "Roads"]


def test_a_vote_for_an_unknown_option_is_refused():
    with pytest.raises(ValueError, match="unknown option 'd'"):
        count_single(("a", "b"), ["a", "d"])


def test_option_ids_must_be_unique():
    with pytest.raises(ValueError, match="unique"):
        count_single(("a", "a"), [])
