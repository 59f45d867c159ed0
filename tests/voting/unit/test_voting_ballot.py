from datetime import UTC, datetime, timedelta

import pytest

from sharik.errors import Conflict, Invalid
from voting.domain.ballot import Ballot, BallotNotOpen, Text, UnknownOption, WindowClosed
from sharik_verify.board import ListSeal, board_head
from voting.domain.vote import Vote

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)
TOPICS = [
    ("human", Text(ar="الإنسان والمجتمع", en="Human and society")),
    ("economy", Text(ar="الاقتصاد", en="Economy")),
    ("environment", Text(ar="البيئة", en="Environment")),
]


def draft(**overrides) -> Ballot:
    fields = dict(
        ballot_id="b1",
        agency="mtcit",
        question=Text(ar="ما موضوع المنتدى؟", en="Which forum topic?"),
        options=TOPICS,
        opens_at=NOW,
        closes_at=NOW + timedelta(days=7),
        created_by="officer-1",
        now=NOW,
    )
    return Ballot.draft(**{**fields, **overrides})


def opened(**overrides) -> Ballot:
    return draft(**overrides).open(now=NOW)


def label(n: int) -> Text:
    return Text(ar=f"خيار {n}", en=f"Option {n}")


def test_a_drafted_ballot_is_a_single_choice_draft_hidden_from_the_public():
    ballot = draft()
    assert (ballot.state, ballot.kind, ballot.is_public) == ("draft", "single_choice", False)
    assert ballot.option_ids == ("human", "economy", "environment")


def test_options_without_an_id_get_one_that_does_not_clash_with_given_ids():
    ballot = draft(options=[(None, label(1)), ("option-1", label(2)), (None, label(3))])
    assert ballot.option_ids == ("option-2", "option-1", "option-3")


@pytest.mark.parametrize("count", [1, 21])
def test_a_ballot_has_two_to_twenty_options(count):
    with pytest.raises(Invalid, match="2 to 20 options"):
        draft(options=[(None, label(n)) for n in range(count)])


def test_option_ids_and_labels_must_be_unique():
    with pytest.raises(Invalid, match="ids must be unique"):
        draft(options=[("a", label(1)), ("a", label(2))])
    with pytest.raises(Invalid, match=r"labels must be unique \(en\)"):
        draft(options=[("a", Text(ar="أ", en="Same")), ("b", Text(ar="ب", en="Same"))])


def test_an_option_id_is_a_plain_token():
    with pytest.raises(Invalid, match="letters, digits"):
        draft(options=[("a.b", label(1)), ("$c", label(2))])


def test_the_window_must_end_after_it_starts_and_not_in_the_past():
    with pytest.raises(Invalid, match="after opens_at"):
        draft(closes_at=NOW)
    with pytest.raises(Invalid, match="in the past"):
        draft(opens_at=NOW - timedelta(days=2), closes_at=NOW - timedelta(days=1))


def test_open_once_and_not_after_the_window():
    ballot = opened()
    assert ballot.state == "open" and ballot.is_public
    with pytest.raises(Conflict, match="already open"):
        ballot.open(now=NOW)
    with pytest.raises(Conflict, match="window has already ended"):
        draft().open(now=NOW + timedelta(days=8))


def test_votes_are_accepted_only_while_open_and_inside_the_window():
    ballot = opened(opens_at=NOW + timedelta(hours=1))
    ballot.check_vote("human", now=NOW + timedelta(hours=2))
    with pytest.raises(BallotNotOpen):
        draft().check_vote("human", now=NOW)
    with pytest.raises(BallotNotOpen, match="voting starts at"):
        ballot.check_vote("human", now=NOW)
    with pytest.raises(WindowClosed):
        ballot.check_vote("human", now=ballot.closes_at)
    with pytest.raises(WindowClosed):
        ballot.stop_voting(now=NOW + timedelta(hours=3)).check_vote("human", now=NOW + timedelta(hours=3))


def test_a_choice_must_be_one_of_the_options():
    with pytest.raises(UnknownOption) as error:
        opened().check_vote("sports", now=NOW)
    assert error.value.status == 422


def test_closing_stops_voting_then_publishes_the_result():
    counting = opened().stop_voting(now=NOW + timedelta(days=1))
    assert counting.state == "counting" and counting.closed_at == NOW + timedelta(days=1)
    board = {"votes": ListSeal(length=4, head="ab" * 32)}
    closed = counting.publish({"human": 3, "economy": 1}, board=board, now=NOW + timedelta(days=1, seconds=1))
    assert closed.state == "closed"
    assert closed.result.total_votes == 4 and closed.result.winners == ("human",)
    assert closed.board == board and closed.board_head == board_head(closed.ballot_id, board)
    with pytest.raises(Conflict, match="already closed"):
        closed.stop_voting(now=NOW + timedelta(days=2))
    with pytest.raises(Conflict, match="not being counted"):
        closed.publish({}, board=board, now=NOW + timedelta(days=2))


def test_a_ballot_closed_by_the_job_late_is_closed_at_its_closing_time():
    ballot = opened()
    assert not ballot.is_due(now=ballot.closes_at - timedelta(seconds=1))
    assert ballot.is_due(now=ballot.closes_at)
    assert ballot.stop_voting(now=ballot.closes_at + timedelta(minutes=5)).closed_at == ballot.closes_at


def test_a_draft_cannot_be_closed():
    with pytest.raises(BallotNotOpen):
        draft().stop_voting(now=NOW)


def test_the_running_count_is_shown_only_where_the_ballot_allows_it():
    with pytest.raises(Conflict, match="published when the ballot closes"):
        opened().preliminary({"human": 1})
    assert opened(show_preliminary=True).preliminary({"human": 1}).total_votes == 1


def test_a_binding_election_shows_no_running_count():
    with pytest.raises(Invalid, match="binding election shows no preliminary counts") as refused:
        draft(binding=True, show_preliminary=True)
    assert refused.value.details == [{"field": "show_preliminary"}]


def test_a_receipt_is_stable_for_a_vote_and_differs_between_votes():
    first = Vote(vote_id="a" * 32, ballot_id="b1", choice=("human",))
    second = Vote(vote_id="b" * 32, ballot_id="b1", choice=("human",))
    assert first.receipt == Vote(vote_id="a" * 32, ballot_id="b2", choice=("economy",)).receipt
    # The published vote id and the receipt come from the vote id apart: neither reveals the other.
    assert first.public_id != first.vote_id and first.receipt.replace("-", "").lower() not in first.public_id
    assert first.receipt != second.receipt
    assert len(first.receipt.replace("-", "")) == 16 and "a" * 8 not in first.receipt
