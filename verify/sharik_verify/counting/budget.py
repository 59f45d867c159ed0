"""Participatory budgeting: which projects a budget funds, by greedy or by the Method of
Equal Shares (MES), from approval ballots.

MES uses cost utilities (a supporter values a project at its cost), as equalshares.net
recommends and as pabutools' `method_of_equal_shares(..., sat_class=Cost_Sat)` computes.
All money is exact (`Fraction`), so a recount gives the same answer on any machine."""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Project:
    project_id: str
    cost: Fraction | int
    name: str = ""
    category: str | None = None


@dataclass(frozen=True)
class ParticipatoryBudget:
    """What is on offer, how much money there is, and each voter's approved projects."""

    budget: Fraction | int
    projects: tuple[Project, ...]
    ballots: tuple[frozenset[str], ...]

    def __post_init__(self) -> None:
        if self.budget < 0:
            raise ValueError(f"the budget must not be negative, got {self.budget}")
        ids = [p.project_id for p in self.projects]
        if duplicated := sorted(i for i, n in Counter(ids).items() if n > 1):
            raise ValueError(f"project ids must be unique, repeated: {', '.join(duplicated)}")
        if negative := [p.project_id for p in self.projects if p.cost < 0]:
            raise ValueError(f"project costs must not be negative: {', '.join(negative)}")
        known = set(ids)
        for number, ballot in enumerate(self.ballots, start=1):
            if unknown := sorted(ballot - known):
                raise ValueError(f"ballot {number} approves unknown projects: {', '.join(unknown)}")

    def votes(self) -> Counter[str]:
        """Approvals per project id."""
        return Counter(project_id for ballot in self.ballots for project_id in ballot)


Rule = Callable[[ParticipatoryBudget], list[str]]


def check_selection(
    selection: Sequence[str], costs: Mapping[str, int], max_projects: int | None, budget: int | None
) -> None:
    """Raise ValueError naming the limit a voter's selection breaks (`budget` None: no money limit)."""
    if unknown := [p for p in selection if p not in costs]:
        raise ValueError(f"unknown projects: {', '.join(unknown)}")
    if len(set(selection)) != len(selection):
        raise ValueError("each project may be selected only once")
    if not selection:
        raise ValueError("select at least one project")
    if max_projects is not None and len(selection) > max_projects:
        raise ValueError(f"select at most {max_projects} projects (max_projects), {len(selection)} selected")
    if budget is not None and (cost := sum(costs[p] for p in selection)) > budget:
        raise ValueError(f"the selected projects cost {cost}, more than the budget of {budget} (budget_limit)")


def sort_ids(ids: Iterable[str]) -> list[str]:
    """Ids in reading order: numerically when all are whole numbers ("2" before "10"),
    else as text."""
    ids = list(ids)
    if all(i.isascii() and i.isdigit() for i in ids):
        return sorted(ids, key=int)
    return sorted(ids)


def greedy(pb: ParticipatoryBudget) -> list[str]:
    """Projects by approvals, most first, each funded if it still fits the money left."""
    return _complete_greedily(pb, selected=[], money_left=Fraction(pb.budget))


def mes(pb: ParticipatoryBudget) -> list[str]:
    """Method of Equal Shares with cost utilities: each voter holds budget/n and a project
    is bought by its supporters, picking each time the one that costs them least per unit
    of utility (the smallest ρ, where each supporter pays min(own money, ρ·cost))."""
    if not pb.ballots:
        return []
    money = [Fraction(pb.budget) / len(pb.ballots)] * len(pb.ballots)
    supporters = {
        p.project_id: [i for i, ballot in enumerate(pb.ballots) if p.project_id in ballot] for p in pb.projects
    }
    tie_order = _tie_order(pb)
    # An unsupported project is never bought; one its supporters cannot afford now never
    # becomes affordable later, since money only goes down.
    candidates = [p for p in pb.projects if supporters[p.project_id]]
    # For the same reason a project's ρ never falls: the last one computed is a lower bound,
    # so projects are tried by bound and the search stops once the bound beats the best.
    bound = {p.project_id: Fraction(0) for p in candidates}
    selected: list[str] = []
    while True:
        best: tuple[Fraction, tuple[int, Fraction, int], Project, Fraction] | None = None
        for project in sorted(candidates, key=lambda p: (bound[p.project_id], tie_order(p))):
            if best and bound[project.project_id] > best[0]:
                break
            payment = _equal_payment(Fraction(project.cost), [money[i] for i in supporters[project.project_id]])
            if payment is None:
                candidates.remove(project)
                continue
            # ρ = payment / utility, and a supporter's utility is the project's cost.
            rho = bound[project.project_id] = payment / project.cost if project.cost else Fraction(0)
            if best is None or (rho, tie_order(project)) < best[:2]:
                best = (rho, tie_order(project), project, payment)
        if best is None:
            return selected
        _, _, chosen, payment = best
        candidates.remove(chosen)
        selected.append(chosen.project_id)
        for i in supporters[chosen.project_id]:
            money[i] -= min(money[i], payment)


def mes_greedy(pb: ParticipatoryBudget) -> list[str]:
    """MES, then the money MES left unspent funds more projects greedily."""
    selected = mes(pb)
    costs = {p.project_id: Fraction(p.cost) for p in pb.projects}
    return _complete_greedily(pb, selected, Fraction(pb.budget) - sum(costs[i] for i in selected))


RULES: Mapping[str, Rule] = {"greedy": greedy, "mes": mes, "mes-greedy": mes_greedy}


def _equal_payment(cost: Fraction, money: Sequence[Fraction]) -> Fraction | None:
    """The most any supporter pays when the cost is shared as equally as their money
    allows (those with less pay all they have); None when together they cannot pay."""
    paid, sharing = Fraction(0), len(money)
    for held in sorted(money):
        share = (cost - paid) / sharing
        if share <= held:
            return share
        paid, sharing = paid + held, sharing - 1
    return None


def _complete_greedily(pb: ParticipatoryBudget, selected: list[str], money_left: Fraction) -> list[str]:
    """`selected`, then every other approved project in greedy order that still fits."""
    votes, tie_order = pb.votes(), _tie_order(pb)
    selected = list(selected)
    # Projects nobody approved are never funded: spending on them serves no voter.
    for project in sorted((p for p in pb.projects if votes[p.project_id]), key=tie_order):
        if project.project_id not in selected and project.cost <= money_left:
            selected.append(project.project_id)
            money_left -= Fraction(project.cost)
    return selected


def _tie_order(pb: ParticipatoryBudget) -> Callable[[Project], tuple[int, Fraction, int]]:
    """Sort key shared by both rules: more approvals, then lower cost, then id order."""
    votes = pb.votes()
    position = {project_id: n for n, project_id in enumerate(sort_ids(p.project_id for p in pb.projects))}
    return lambda p: (-votes[p.project_id], Fraction(p.cost), position[p.project_id])
