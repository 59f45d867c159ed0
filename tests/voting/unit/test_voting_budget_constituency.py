"""Participatory budgets and constituency elections: drafting, votes, counting, turnout, recount."""

from datetime import UTC, datetime, timedelta

import pytest

from sharik.errors import Conflict, Invalid
from sharik_verify.board_check import check_export
from voting.budget_pb import read_budget, write_budget
from sharik_verify.counting.budget import RULES, ParticipatoryBudget, Project
from sharik_verify.counting.pabulib import parse_pb
from voting.domain.ballot import Ballot, InvalidSelection, Marked, OptionDraft, Text, WrongConstituency
from sharik_verify.board import VOTES, ListSeal, extend
from voting.domain.constituency import CandidacyDecided, Constituency, ConstituencyWithoutCandidates
from voting.domain.eligibility import Eligibility, NotEligible
from voting.domain.turnout import GovernorateTurnout, count_turnout

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)
COSTS = {"1": 400, "2": 300, "3": 300, "4": 200, "5": 100}
PROJECTS = [
    OptionDraft(p, Text(ar=f"مشروع {p}", en=f"Project {p}"), cost, category="roads") for p, cost in COSTS.items()
]
ROLL = Eligibility.of("roll")
RACES = [Constituency("Seeb", "Muscat", 2), Constituency("Sohar", "North Al Batinah")]


def budget(**fields) -> Ballot:
    return _draft("budget", **{"options": PROJECTS, "total_budget": 700, "rule": "greedy", **fields})


def election() -> Ballot:
    return _draft("constituency", constituencies=RACES, eligibility=ROLL)


def _draft(kind: str, **fields) -> Ballot:
    return Ballot.draft(
        ballot_id="b1",
        agency="mm",
        question=Text(ar="سؤال؟", en="Question?"),
        opens_at=NOW,
        closes_at=NOW + timedelta(days=1),
        created_by="officer-1",
        now=NOW,
        kind=kind,
        **fields,
    )


def with_candidates(ballot: Ballot, *standing: tuple[str, str]) -> Ballot:
    """`ballot` with an approved candidacy per (id, wilayat)."""
    for candidacy_id, wilayat in standing:
        name = Text(ar=f"المرشح {candidacy_id}", en=f"Candidate {candidacy_id}")
        ballot = ballot.apply(candidacy_id, wilayat, name, by="officer-1", now=NOW)
        ballot = ballot.decide(candidacy_id, approve=True, reason=None, by="officer-1", now=NOW)
    return ballot


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"total_budget": None}, "total_budget"),
        ({"total_budget": 0}, "total_budget"),
        ({"rule": "borda"}, "greedy, mes, mes-greedy"),
        ({"options": [OptionDraft("1", Text("أ", "A"), 10), OptionDraft("2", Text("ب", "B"))]}, "missing or wrong: 2"),
        ({"budget_limit": False}, "keep budget_limit or set max_projects"),
        ({"max_projects": 6}, "max_projects must be 1 to 5"),
    ],
)
def test_a_budget_needs_its_money_rule_costs_and_a_limit(fields, message):
    with pytest.raises(Invalid, match=message):
        budget(**fields)


def test_budget_and_constituency_fields_belong_to_their_kinds():
    with pytest.raises(Invalid, match="are for budget ballots"):
        _draft("single_choice", options=PROJECTS)
    with pytest.raises(Invalid, match="are for budget ballots"):
        _draft("approval", options=[(o.option_id, o.label) for o in PROJECTS], rule="mes")
    with pytest.raises(Invalid, match="constituencies are for constituency elections"):
        _draft("single_choice", options=[(o.option_id, o.label) for o in PROJECTS], constituencies=RACES)


@pytest.mark.parametrize(
    ("fields", "choices", "message"),
    [
        ({}, ("1", "2", "5"), "cost 800, more than the budget of 700 (budget_limit)"),
        ({"max_projects": 2}, ("4", "5", "2"), "at most 2 projects (max_projects), 3 selected"),
        ({}, ("1", "1"), "only once"),
        ({}, ("9",), "unknown projects: 9"),
        ({}, (), "at least one"),
    ],
)
def test_a_budget_vote_over_a_limit_is_refused_naming_the_limit(fields, choices, message):
    with pytest.raises(InvalidSelection, match=message.replace("(", r"\(").replace(")", r"\)")):
        budget(**fields).open(now=NOW).check_vote(Marked(choices=choices), now=NOW)


def test_without_the_money_limit_only_the_count_limits_a_selection():
    ballot = budget(budget_limit=False, max_projects=3).open(now=NOW)
    assert ballot.check_vote(Marked(choices=("5", "1", "2")), now=NOW) == ("1", "2", "5")


CAST = {("1",): 3, ("2", "3"): 2, ("3", "4", "5"): 2, ("4", "5"): 1}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_a_budget_is_counted_by_its_rule_with_votes_and_money_spent(rule):
    ballot = budget(rule=rule).open(now=NOW).stop_voting(now=NOW)
    tally = ballot.tally(CAST)
    ballots = tuple(frozenset(c) for c, n in CAST.items() for _ in range(n))
    expected = RULES[rule](ParticipatoryBudget(700, tuple(Project(p, c) for p, c in COSTS.items()), ballots))
    assert tally.budget is not None and tally.rule == rule
    assert tally.budget.selected == tuple(sorted(expected)) == tally.winners
    assert tally.budget.spent == sum(COSTS[p] for p in expected)
    assert [(p.project_id, p.votes) for p in tally.budget.projects] == [("1", 3), ("2", 2), ("3", 4), ("4", 3), ("5", 3)]
    assert (tally.total_votes, tally.counts[2].percent) == (8, 50.0)


def test_greedy_and_equal_shares_fund_different_projects_here():
    ballot = budget().open(now=NOW).stop_voting(now=NOW)
    # Greedy funds the most approved first. Under MES each of the 8 voters holds 87.5:
    # project 4's supporters have paid for 3 and 5 and cannot afford it; 1's three cannot pay 400.
    assert ballot.tally(CAST).budget.selected == ("3", "4", "5")
    assert budget(rule="mes").open(now=NOW).tally(CAST).budget.selected == ("3", "5")


def test_a_constituency_election_is_drafted_on_a_roll_with_its_candidates_applied_for():
    with pytest.raises(Invalid, match="mode must be `roll`"):
        _draft("constituency", options=[], constituencies=RACES)
    with pytest.raises(Invalid, match="approved candidates"):
        _draft("constituency", options=[(o.option_id, o.label) for o in PROJECTS], constituencies=RACES, eligibility=ROLL)
    with pytest.raises(Invalid, match="listed twice"):
        _draft("constituency", constituencies=[*RACES, Constituency(" seeb ", "Muscat")], eligibility=ROLL)
    ballot = election()
    with pytest.raises(Invalid, match="not a constituency of this ballot"):
        ballot.apply("c9", "Nizwa", Text("س", "S"), by="officer-1", now=NOW)
    ballot = ballot.apply("c1", "  seeb ", Text("أحمد", "Ahmed"), by="officer-1", now=NOW)
    assert ballot.candidacy("c1").wilayat == "Seeb" and ballot.candidacy("c1").status == "pending"
    with pytest.raises(Conflict, match="already stands"):
        ballot.apply("c2", "Seeb", Text("أحمد", "AHMED"), by="officer-1", now=NOW)
    with pytest.raises(Invalid, match="reason"):
        ballot.decide("c1", approve=False, reason=" ", by="officer-1", now=NOW)
    rejected = ballot.decide("c1", approve=False, reason="incomplete papers", by="officer-1", now=NOW)
    assert (rejected.candidacy("c1").status, rejected.candidacy("c1").reason) == ("rejected", "incomplete papers")
    with pytest.raises(CandidacyDecided):
        rejected.decide("c1", approve=True, reason=None, by="officer-1", now=NOW)


def test_the_open_needs_an_approved_candidate_in_every_constituency_and_makes_them_the_options():
    pending = with_candidates(election(), ("c1", "Seeb")).apply("c2", "Sohar", Text("س", "S"), by="o", now=NOW)
    with pytest.raises(ConstituencyWithoutCandidates, match="no approved candidate in Sohar"):
        pending.open(now=NOW)
    opened = with_candidates(election(), ("c1", "Seeb"), ("c3", "Sohar"), ("c2", "Seeb")).open(now=NOW)
    assert [(o.option_id, o.wilayat) for o in opened.options] == [("c1", "Seeb"), ("c2", "Seeb"), ("c3", "Sohar")]
    with pytest.raises(Conflict, match="candidacies close"):
        opened.apply("c4", "Seeb", Text("د", "D"), by="o", now=NOW)


def test_a_voter_votes_only_for_a_candidate_of_the_wilayat_they_are_registered_in():
    ballot = with_candidates(election(), ("c1", "Seeb"), ("c2", "Sohar")).open(now=NOW)
    choice = ballot.check_vote(Marked(choice="c2"), now=NOW)
    ballot.check_constituency(choice, "sohar")
    with pytest.raises(WrongConstituency, match="stands in Sohar; you may vote only for a candidate of Seeb"):
        ballot.check_constituency(choice, "Seeb")
    with pytest.raises(NotEligible, match="Nizwa, which elects no one"):
        ballot.check_constituency(choice, "Nizwa")
    assert ballot.governorate_of(registered_in="SEEB", claimed="Dhofar") == "Muscat"


def test_each_constituency_fills_its_seats_and_declares_its_ties():
    ballot = with_candidates(election(), ("c1", "Seeb"), ("c2", "Seeb"), ("c3", "Seeb"), ("c4", "Sohar"), ("c5", "Sohar"))
    ballot = ballot.open(now=NOW)
    tally = ballot.tally({("c1",): 5, ("c2",): 3, ("c3",): 3, ("c4",): 2, ("c5",): 1})
    seeb, sohar = tally.constituencies
    assert (seeb.outcome, seeb.winners, seeb.tied, seeb.seats, seeb.total_votes) == ("tie", ("c1",), ("c2", "c3"), 2, 11)
    assert [(c.option_id, c.votes, c.percent) for c in sohar.counts] == [("c4", 2, 66.67), ("c5", 1, 33.33)]
    assert (sohar.outcome, sohar.winners, sohar.governorate) == ("winner", ("c4",), "North Al Batinah")
    assert (tally.outcome, tally.winners, tally.tied, tally.total_votes, tally.rule) == (
        "tie",
        ("c1", "c4"),
        ("c2", "c3"),
        14,
        "plurality",
    )


def test_turnout_per_governorate_from_voter_marks_and_the_roll():
    voted = {"Muscat": 3, "Dhofar": 1, None: 1}
    turnout = count_turnout(voted, eligible=10, eligible_by_governorate={"Muscat": 6, "Musandam": 2})
    assert (turnout.eligible, turnout.voted, turnout.percent) == (10, 5, 50.0)
    assert turnout.by_governorate == (
        GovernorateTurnout("Dhofar", None, 1, None),
        GovernorateTurnout("Musandam", 2, 0, 0.0),
        GovernorateTurnout("Muscat", 6, 3, 50.0),
    )
    assert count_turnout({None: 4}, eligible=None).percent is None


def export_of(ballot: Ballot, choices: list[tuple[str, ...]]) -> dict:
    """A consultative board export of `choices`, as the service writes it."""
    entries = extend(ballot.ballot_id, VOTES, None, [(f"R{n}", list(c)) for n, c in enumerate(choices)])
    cast: dict[tuple[str, ...], int] = {}
    for c in choices:
        cast[c] = cast.get(c, 0) + 1
    board = {VOTES: ListSeal(len(entries), entries[-1]["hash"])}
    closed = ballot.stop_voting(now=NOW).publish(cast, board=board, now=NOW)
    assert closed.result is not None
    options = [
        {"option_id": o.option_id, **{f: getattr(o, f) for f in ("cost", "wilayat") if getattr(o, f) is not None}}
        for o in ballot.options
    ]
    return {
        "format": "sharik-board/1",
        "ballot": {
            "ballot_id": ballot.ballot_id,
            "kind": ballot.kind,
            "binding": False,
            "total_budget": ballot.total_budget,
            "max_projects": ballot.max_projects,
            "budget_limit": ballot.budget_limit,
            "rule": ballot.rule,
            "constituencies": [
                {"wilayat": c.wilayat, "governorate": c.governorate, "seats": c.seats} for c in ballot.constituencies
            ],
            "options": options,
        },
        "lists": {VOTES: {"length": len(entries), "head": board[VOTES].head, "entries": entries}},
        "result": {**closed.result.record(), "board_head": closed.board_head},
    }


def test_the_verifier_recounts_a_budget_and_catches_a_changed_selection():
    export = export_of(budget(rule="mes-greedy").open(now=NOW), [c for c, n in CAST.items() for _ in range(n)])
    assert all(f.ok for f in check_export(export))
    export["result"]["budget"]["selected"] = ["1", "2"]
    assert [f.message for f in check_export(export) if not f.ok][0].startswith("budget outcome")


def test_the_verifier_recounts_each_constituency_and_catches_a_moved_seat():
    ballot = with_candidates(election(), ("c1", "Seeb"), ("c2", "Seeb"), ("c3", "Sohar")).open(now=NOW)
    export = export_of(ballot, [("c1",), ("c2",), ("c1",), ("c3",)])
    assert all(f.ok for f in check_export(export))
    export["result"]["constituencies"][0]["winners"] = ["c2"]
    assert not all(f.ok for f in check_export(export))
    export = export_of(ballot, [("c1",), ("c3",)])
    export["ballot"]["options"][0]["wilayat"] = "Sohar"
    assert not all(f.ok for f in check_export(export))


@pytest.mark.parametrize("rule", sorted(RULES))
def test_a_closed_budget_exports_as_pb_that_recounts_to_its_selection_and_imports_back(rule):
    ballot = budget(rule=rule, max_projects=3).open(now=NOW).stop_voting(now=NOW)
    choices = [c for c, n in CAST.items() for _ in range(n)]
    closed = ballot.publish(dict(CAST), board={}, now=NOW)
    text = write_budget(closed, choices)
    pb = parse_pb(text)
    assert tuple(sorted(RULES[rule](pb.participatory_budget()))) == closed.result.budget.selected
    terms = read_budget(text)
    assert (terms.total_budget, terms.max_projects, terms.rule) == (700, 3, rule)
    assert terms.projects == PROJECTS


def test_a_pb_file_with_fractional_costs_is_refused():
    text = (
        "META\nkey;value\nbudget;100\nvote_type;approval\nnum_projects;1\nnum_votes;0\n"
        "PROJECTS\nproject_id;cost\n1;10.5\nVOTES\nvoter_id;vote\n"
    )
    with pytest.raises(Invalid, match="project 1: cost"):
        read_budget(text)
