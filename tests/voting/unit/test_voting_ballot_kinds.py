"""Ballot kinds: what each accepts as a vote, what it stores, and how it is counted."""

from datetime import UTC, datetime, timedelta

import pytest

from sharik.errors import Invalid
from sharik_verify.board_check import check_export
from voting.domain.ballot import Ballot, InvalidSelection, Marked, Text, UnknownOption
from sharik_verify.board import VOTES, ListSeal, extend
from sharik_verify.tally import WRITE_IN

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)
OPTIONS = [(o, Text(ar=f"خيار {o}", en=f"Option {o}")) for o in ("a", "b", "c", "d")]


def opened(kind: str = "single_choice", **fields) -> Ballot:
    return Ballot.draft(
        ballot_id="b1",
        agency="mm",
        question=Text(ar="سؤال؟", en="Question?"),
        options=OPTIONS,
        opens_at=NOW,
        closes_at=NOW + timedelta(days=1),
        created_by="officer-1",
        now=NOW,
        kind=kind,
        **fields,
    ).open(now=NOW)


def vote(ballot: Ballot, **marked) -> tuple[str, ...]:
    return ballot.check_vote(Marked(**marked), now=NOW)


def test_a_write_in_is_stored_under_a_marker_no_option_id_can_take_with_its_spaces_collapsed():
    ballot = opened(allow_write_in=True)
    assert vote(ballot, write_in="  سوق   العمل ") == (WRITE_IN, "سوق العمل")
    assert vote(ballot, choice="a") == ("a",)


@pytest.mark.parametrize("text", ["   ", "؟!", "x" * 201])
def test_a_blank_or_overlong_write_in_is_refused(text):
    with pytest.raises(Invalid):
        vote(opened(allow_write_in=True), write_in=text)


def test_a_write_in_is_refused_where_the_ballot_does_not_allow_one():
    with pytest.raises(Invalid, match="`choice`"):
        vote(opened(), write_in="something else")


def test_write_ins_and_approval_limits_belong_to_their_kinds():
    with pytest.raises(Invalid, match="write-ins"):
        opened("ranked", allow_write_in=True)
    with pytest.raises(Invalid, match="approval"):
        opened("single_choice", seats=2)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"min_selections": 0}, "min_selections"),
        ({"min_selections": 3, "max_selections": 2}, "min_selections"),
        ({"max_selections": 5}, "min_selections"),
        ({"seats": 5}, "seats"),
    ],
)
def test_approval_limits_must_fit_the_options(fields, field):
    with pytest.raises(Invalid) as refused:
        opened("approval", **fields)
    assert refused.value.details == [{"field": field}]


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        (["a"], "choose at least 2 options, 1 chosen"),
        (["a", "b", "c", "d"], "choose at most 3 options, 4 chosen"),
        (["a", "a"], "each option may be chosen only once"),
        (["a", "z"], "unknown options: z"),
    ],
)
def test_an_approval_vote_breaking_the_rules_is_refused_with_the_rule(choices, message):
    with pytest.raises(InvalidSelection, match=message):
        vote(opened("approval", min_selections=2, max_selections=3, seats=2), choices=choices)


def test_an_approval_vote_is_stored_in_ballot_order():
    assert vote(opened("approval", max_selections=3), choices=["c", "a"]) == ("a", "c")


def test_a_ranking_keeps_its_order_and_must_name_distinct_known_options():
    ballot = opened("ranked")
    assert vote(ballot, ranking=["c", "a"]) == ("c", "a")
    with pytest.raises(UnknownOption):
        vote(ballot, ranking=["a", "z"])
    for ranking in ([], ["a", "a"]):
        with pytest.raises(InvalidSelection):
            vote(ballot, ranking=ranking)


@pytest.mark.parametrize(("kind", "marked"), [("ranked", {"choice": "a"}), ("approval", {"ranking": ["a"]})])
def test_a_vote_in_another_kinds_shape_is_refused(kind, marked):
    with pytest.raises(Invalid, match="a vote in this ballot gives"):
        vote(opened(kind), **marked)


def test_single_choice_counts_write_ins_as_rows_of_their_own_that_never_win():
    tally = opened(allow_write_in=True).tally(
        {("a",): 2, (WRITE_IN, "سوق العمل"): 2, (WRITE_IN, "سوق  العمل"): 1, (WRITE_IN, "Jobs"): 1}
    )
    assert tally.total_votes == 6 and tally.winners == ("a",)
    assert [(w.label, w.votes) for w in tally.write_ins] == [("سوق العمل", 3), ("Jobs", 1)]


def test_approval_fills_its_seats_and_declares_a_tie_at_the_last_one():
    ballot = opened("approval", max_selections=2, seats=2)
    tally = ballot.tally({("a", "b"): 3, ("a", "c"): 2, ("d",): 1})
    assert (tally.outcome, tally.winners, tally.total_votes) == ("winner", ("a", "b"), 6)
    assert tally.counts[0].percent == 83.33
    tie = ballot.tally({("a", "b"): 1, ("a", "c"): 1})
    assert (tie.outcome, tie.winners, tie.tied) == ("tie", ("a",), ("b", "c"))


def test_ranked_counts_are_the_final_round_and_every_round_is_kept():
    tally = opened("ranked").tally({("a",): 3, ("b", "c"): 2, ("c", "b"): 2, ("d", "c"): 1})
    assert [r.eliminated for r in tally.rounds] == ["d", "b", None]
    assert [(c.option_id, c.votes) for c in tally.counts] == [("a", 3), ("c", 5)]
    assert (tally.outcome, tally.winners, tally.total_votes) == ("winner", ("c",), 8)


def export_of(ballot: Ballot, choices: list[tuple[str, ...]]) -> dict:
    """A consultative board export of `choices`, as the service writes it."""
    entries = extend(ballot.ballot_id, VOTES, None, [(f"R{n}", list(c)) for n, c in enumerate(choices)])
    head = entries[-1]["hash"]
    cast: dict[tuple[str, ...], int] = {}
    for c in choices:
        cast[c] = cast.get(c, 0) + 1
    closed = ballot.stop_voting(now=NOW).publish(cast, board={VOTES: ListSeal(len(entries), head)}, now=NOW)
    assert closed.result is not None
    return {
        "format": "sharik-board/1",
        "ballot": {
            "ballot_id": ballot.ballot_id,
            "kind": ballot.kind,
            "binding": False,
            "allow_write_in": ballot.allow_write_in,
            "min_selections": ballot.min_selections,
            "max_selections": ballot.most_selections,
            "seats": ballot.seats,
            "options": [{"option_id": o} for o in ballot.option_ids],
        },
        "lists": {VOTES: {"length": len(entries), "head": head, "entries": entries}},
        "result": {**closed.result.record(), "board_head": closed.board_head},
    }


@pytest.mark.parametrize(
    ("ballot", "choices"),
    [
        (opened(allow_write_in=True), [("a",), (WRITE_IN, "سوق العمل"), (WRITE_IN, "سوق العمل"), ("b",)]),
        (opened("approval", max_selections=2, seats=2), [("a", "b"), ("b",), ("c", "d")]),
        (opened("ranked"), [("a",), ("b", "a"), ("c", "b"), ("c",), ("d", "b")]),
    ],
)
def test_the_verifier_agrees_with_every_kind_and_catches_an_altered_round_or_write_in(ballot, choices):
    export = export_of(ballot, choices)
    assert all(f.ok for f in check_export(export))
    result = export["result"]
    if result["rounds"]:
        result["rounds"][0]["eliminated"] = "a"
    elif result["write_ins"]:
        result["write_ins"][0]["votes"] += 1
    else:
        result["winners"] = ["d"]
    assert not all(f.ok for f in check_export(export))


def test_the_verifier_refuses_a_write_in_on_a_ballot_that_takes_none_and_an_unknown_kind():
    export = export_of(opened(), [("a",), ("b",)])
    export["ballot"]["kind"] = "borda"
    assert any("unknown ballot kind" in f.message for f in check_export(export) if not f.ok)
    export = export_of(opened(), [("a",), ("b",)])
    export["ballot"]["allow_write_in"] = False
    entries = extend("b1", VOTES, None, [("R0", ["a"]), ("R1", [WRITE_IN, "x"])])
    export["lists"][VOTES] = {"length": 2, "head": entries[-1]["hash"], "entries": entries}
    assert any("takes none" in f.message for f in check_export(export) if not f.ok)
