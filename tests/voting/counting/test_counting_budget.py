from fractions import Fraction

import pytest

from sharik_verify.counting.budget import RULES, ParticipatoryBudget, Project, greedy, mes, mes_greedy, sort_ids


def budget(total: int, projects: dict[str, int], ballots: list[str]) -> ParticipatoryBudget:
    """A participatory budget from costs by id and ballots written as "a,b"."""
    return ParticipatoryBudget(
        total,
        tuple(Project(project_id, cost) for project_id, cost in projects.items()),
        tuple(frozenset(filter(None, ballot.split(","))) for ballot in ballots),
    )


def majority_and_minority() -> ParticipatoryBudget:
    """100 residents, 1,000 to spend: 60 want the ten school-area projects 1-10, 40 want
    the ten harbour-area projects 11-20, each costing 100."""
    school, harbour = [str(i) for i in range(1, 11)], [str(i) for i in range(11, 21)]
    return budget(1000, dict.fromkeys(school + harbour, 100), [",".join(school)] * 60 + [",".join(harbour)] * 40)


def test_greedy_funds_only_the_majority():
    assert greedy(majority_and_minority()) == [str(i) for i in range(1, 11)]


def test_mes_funds_each_group_in_proportion_to_its_size():
    # A school project costs each of its 60 supporters 5/3 (ρ = 1/60), a harbour one
    # costs each of 40 supporters 5/2 (ρ = 1/40): the six school projects their 10 each
    # can pay for come first, then the four harbour ones. The sixth school project spends
    # the supporters' money to exactly zero, which floats would not.
    assert mes(majority_and_minority()) == ["1", "2", "3", "4", "5", "6", "11", "12", "13", "14"]


def test_mes_greedy_has_nothing_left_to_add_when_mes_spent_it_all():
    assert mes_greedy(majority_and_minority()) == mes(majority_and_minority())


def test_greedy_skips_what_no_longer_fits_and_goes_on():
    pb = budget(100, {"park": 70, "library": 50, "lights": 30}, ["park,library", "park,library", "park,lights"])

    assert greedy(pb) == ["park", "lights"]


def test_greedy_ties_go_to_the_cheaper_project_then_the_lower_id():
    pb = budget(100, {"3": 40, "2": 60, "10": 40, "9": 40}, ["2,3,9,10"])

    # "9" before "10": ids that are all numbers are ordered as numbers.
    assert greedy(pb) == ["3", "9"]


def test_mes_partial_payment_when_a_supporter_has_less_than_an_equal_share():
    # 5 voters, 10 each. Round 1: G (20, voters 1-4) costs each 5, ρ = 1/4. Round 2:
    # H (18, voters 1, 4, 5) would cost 6 each, but voters 1 and 4 have only 5 left: they
    # give all of it and voter 5 pays 8, so ρ = 8/18, below I's 9/14 (I: 14, voters 4, 5,
    # voter 4 gives 5 and voter 5 pays 9). F (6, voter 1) is out of voter 1's reach.
    pb = budget(50, {"F": 6, "G": 20, "H": 18, "I": 14}, ["G,H,F", "G", "G", "G,H,I", "H,I"])

    assert mes(pb) == ["G", "H"]
    assert greedy(pb) == ["G", "H", "F"]  # I (14) no longer fits in the 12 left
    assert mes_greedy(pb) == ["G", "H", "F"]


def test_mes_uses_cost_utilities_and_mes_greedy_spends_what_is_left():
    # 4 voters, 25 each. X (80, everyone) costs each 20, ρ = 20/80; Y (10, voter 1)
    # costs voter 1 10, ρ = 10/10. With cost utilities X goes first, then voter 1's 5
    # cannot pay for Y. (Approval utilities would compare 20 with 10 and take Y first.)
    pb = budget(100, {"X": 80, "Y": 10}, ["X,Y", "X", "X", "X"])

    assert mes(pb) == ["X"]
    assert mes_greedy(pb) == ["X", "Y"]


def test_greedy_and_mes_differ_where_the_minority_can_afford_its_project():
    # 10 voters, 10 each. A costs each of its 6 supporters 50/6 (ρ = 1/6); then B is out
    # of their reach (10 left between them) while C's 4 supporters pay 10 each (ρ = 1/4).
    pb = budget(100, {"A": 50, "B": 50, "C": 40}, ["A,B"] * 6 + ["C"] * 4)

    assert greedy(pb) == ["A", "B"]
    assert mes(pb) == ["A", "C"]


def test_mes_ties_on_rho_go_to_more_votes_then_lower_cost_then_id():
    pb = budget(100, {"b": 50, "a": 50}, ["a,b", "a,b"])

    assert mes(pb) == ["a", "b"]


def test_exact_shares_of_an_uneven_division():
    # Three voters hold 10/3 each; together they pay exactly 10.
    pb = ParticipatoryBudget(10, (Project("p", Fraction(10)),), (frozenset({"p"}),) * 3)

    assert mes(pb) == ["p"]


def test_projects_nobody_approved_are_never_funded():
    pb = budget(100, {"wanted": 10, "unwanted": 10}, ["wanted"])

    assert all(rule(pb) == ["wanted"] for rule in RULES.values())


def test_without_ballots_nothing_is_funded():
    assert all(rule(budget(100, {"a": 10}, [])) == [] for rule in RULES.values())


def test_a_project_costing_more_than_the_budget_is_never_funded():
    assert all(rule(budget(100, {"bridge": 101}, ["bridge"] * 5)) == [] for rule in RULES.values())


@pytest.mark.parametrize(
    ("projects", "ballots", "message"),
    [
        ((Project("a", 1), Project("a", 2)), (), "repeated: a"),
        ((Project("a", -1),), (), "must not be negative: a"),
        ((Project("a", 1),), (frozenset({"a"}), frozenset({"z"})), "ballot 2 approves unknown projects: z"),
    ],
)
def test_an_inconsistent_budget_is_refused(projects, ballots, message):
    with pytest.raises(ValueError, match=message):
        ParticipatoryBudget(10, projects, ballots)


def test_ids_sort_as_numbers_only_when_all_are_numbers():
    assert sort_ids(["10", "9", "1"]) == ["1", "9", "10"]
    assert sort_ids(["10", "9", "x"]) == ["10", "9", "x"]
