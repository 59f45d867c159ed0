"""Counting a ballot: votes per option, shares, and who won, by the rule of the ballot's
kind (voting/counting/), from the choices as stored and as the board lists them.

A choice is a tuple of strings: `(option_id,)` for a single choice, `(WRITE_IN, text)`
for a write-in, the selected option ids (ballot order) for approval, the ranking (most
preferred first) for ranked, the selected project ids for a budget, the candidate id
for a constituency election. WRITE_IN cannot be an option id (ids are letters, digits,
'-' and '_'), so a write-in never reads as an option."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain, repeat
from typing import Any, Literal

from sharik_verify.counting import budget
from sharik_verify.counting.approval import count_approval
from sharik_verify.counting.ranked import count_ranked
from sharik_verify.counting.single import WriteIn, count_single, percent

BallotKind = Literal["single_choice", "approval", "ranked", "budget", "constituency"]
Outcome = Literal["winner", "tie", "no_votes"]
Choice = tuple[str, ...]

WRITE_IN = "*write-in"
RULES = {"single_choice": "plurality", "approval": "approval", "ranked": "instant-runoff", "constituency": "plurality"}
"""The counting rule of each kind; a budget names its own (budget.RULES)."""


@dataclass(frozen=True)
class Spending:
    """What a participatory budget counts with."""

    costs: Mapping[str, int]
    total_budget: int
    rule: str
    max_projects: int | None = None
    budget_limit: bool = True


@dataclass(frozen=True)
class Race:
    """One constituency: its wilayat, governorate, seats, and candidates (option ids)."""

    wilayat: str
    governorate: str
    seats: int
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class OptionTally:
    option_id: str
    votes: int
    percent: float


@dataclass(frozen=True)
class WriteInTally:
    key: str
    """The normalised answer: spellings with the same key are one answer."""
    label: str
    """The spelling most voters used."""
    votes: int
    percent: float


@dataclass(frozen=True)
class RoundTally:
    """One instant-runoff round."""

    number: int
    counts: dict[str, int]
    exhausted: int
    eliminated: str | None
    tied_lowest: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProjectTally:
    project_id: str
    cost: int
    votes: int
    selected: bool


@dataclass(frozen=True)
class BudgetTally:
    total_budget: int
    spent: int
    selected: tuple[str, ...]
    """Funded project ids, in id order."""
    projects: tuple[ProjectTally, ...]


@dataclass(frozen=True)
class ConstituencyTally:
    wilayat: str
    governorate: str
    seats: int
    counts: tuple[OptionTally, ...]
    """Percent is the share of this constituency's votes."""
    total_votes: int
    outcome: Outcome
    winners: tuple[str, ...]
    tied: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tally:
    counts: tuple[OptionTally, ...]
    """Single and approval: every option in ballot order. Ranked: the final round."""
    total_votes: int
    outcome: Outcome
    winners: tuple[str, ...]
    write_ins: tuple[WriteInTally, ...] = ()
    """Single choice with write-ins: each answer, most votes first; they never win."""
    rounds: tuple[RoundTally, ...] = ()
    """Ranked: every round, the last deciding."""
    tied: tuple[str, ...] = ()
    """Approval tie: the options with equal votes competing for the seats left after `winners`."""
    rule: str = ""
    """How it was counted (RULES, or the budget's rule); empty on results counted before rules were named."""
    budget: BudgetTally | None = None
    constituencies: tuple[ConstituencyTally, ...] = ()
    """Constituency elections: each wilayat's race; `counts` then lists every candidate."""

    def record(self) -> dict[str, Any]:
        """The result as plain data, as the board export publishes it and the verifier recomputes it."""
        return {
            "counts": [{"option_id": c.option_id, "votes": c.votes, "percent": c.percent} for c in self.counts],
            "total_votes": self.total_votes,
            "outcome": self.outcome,
            "winners": list(self.winners),
            "tied": list(self.tied),
            "write_ins": [
                {"key": w.key, "label": w.label, "votes": w.votes, "percent": w.percent} for w in self.write_ins
            ],
            "rounds": [
                {
                    "number": r.number,
                    "counts": dict(r.counts),
                    "exhausted": r.exhausted,
                    "eliminated": r.eliminated,
                    "tied_lowest": list(r.tied_lowest),
                }
                for r in self.rounds
            ],
            "rule": self.rule,
            "budget": _budget_record(self.budget) if self.budget else None,
            "constituencies": [
                {
                    "wilayat": c.wilayat,
                    "governorate": c.governorate,
                    "seats": c.seats,
                    "counts": [{"option_id": o.option_id, "votes": o.votes, "percent": o.percent} for o in c.counts],
                    "total_votes": c.total_votes,
                    "outcome": c.outcome,
                    "winners": list(c.winners),
                    "tied": list(c.tied),
                }
                for c in self.constituencies
            ],
        }

    @classmethod
    def of(cls, option_ids: Sequence[str], votes: Mapping[str, int]) -> "Tally":
        """The single-choice tally of `votes` per option id; ids that are not options are not counted."""
        return count("single_choice", option_ids, {(o,): n for o, n in votes.items() if o in option_ids})


def count(
    kind: BallotKind,
    option_ids: Sequence[str],
    cast: Mapping[Choice, int],
    *,
    allow_write_in: bool = False,
    seats: int = 1,
    min_selections: int = 1,
    max_selections: int | None = None,
    spending: Spending | None = None,
    races: Sequence[Race] = (),
) -> Tally:
    """The tally of `cast` (how many chose each distinct choice) by the rule of `kind`;
    ValueError when a choice is not one this kind of ballot can hold."""
    ballots = chain.from_iterable(repeat(tuple(choice), n) for choice, n in cast.items())
    if kind == "single_choice":
        tally = _single(option_ids, ballots, allow_write_in)
    elif kind == "approval":
        tally = _approval(option_ids, ballots, seats, min_selections, max_selections)
    elif kind == "ranked":
        tally = _ranked(option_ids, ballots)
    elif kind == "budget" and spending is not None:
        return _budget(option_ids, ballots, spending)
    elif kind == "constituency":
        tally = _constituencies(ballots, races)
    else:
        raise ValueError(f"unknown ballot kind {kind!r}, or a budget without its spending terms")
    return replace(tally, rule=RULES[kind])


def _single(option_ids: Sequence[str], ballots: Iterable[Choice], allow_write_in: bool) -> Tally:
    result = count_single(option_ids, (_single_vote(choice, allow_write_in) for choice in ballots))
    return Tally(
        counts=tuple(OptionTally(o.option_id, o.votes, o.percent) for o in result.options),
        total_votes=result.valid_votes,
        outcome=result.outcome,
        winners=result.winners,
        write_ins=tuple(WriteInTally(w.key, w.label, w.votes, w.percent) for w in result.write_ins),
    )


def _single_vote(choice: Choice, allow_write_in: bool) -> str | WriteIn:
    if len(choice) == 2 and choice[0] == WRITE_IN:
        if not allow_write_in:
            raise ValueError("a write-in on a ballot that takes none")
        return WriteIn(choice[1])
    if len(choice) != 1:
        raise ValueError(f"a single choice holds one option or a write-in, not {list(choice)}")
    return choice[0]


def _approval(
    option_ids: Sequence[str], ballots: Iterable[Choice], seats: int, least: int, most: int | None
) -> Tally:
    result = count_approval(option_ids, ballots, seats, least, most)
    return Tally(
        counts=tuple(OptionTally(o.option_id, o.votes, o.percent) for o in result.options),
        total_votes=result.ballots,
        # The catalog's outcome names one result: "winner" is the full set of seats filled.
        outcome="winner" if result.outcome == "winners" else result.outcome,
        winners=result.winners,
        tied=result.tied,
    )


def _ranked(option_ids: Sequence[str], ballots: Iterable[Choice]) -> Tally:
    result = count_ranked(option_ids, ballots)
    rounds = tuple(
        RoundTally(r.number, dict(r.counts), r.exhausted, r.eliminated, r.tied_lowest) for r in result.rounds
    )
    final = rounds[-1].counts if rounds else dict.fromkeys(option_ids, 0)
    continuing = sum(final.values())
    return Tally(
        counts=tuple(OptionTally(o, n, percent(n, continuing)) for o, n in final.items()),
        total_votes=result.ballots,
        outcome=result.outcome,
        winners=result.winners,
        rounds=rounds,
    )


def _budget(option_ids: Sequence[str], ballots: Iterable[Choice], terms: Spending) -> Tally:
    if terms.rule not in budget.RULES:
        raise ValueError(f"unknown budget rule {terms.rule!r}; one of {', '.join(budget.RULES)}")
    limit = terms.total_budget if terms.budget_limit else None
    approvals = []
    for number, selection in enumerate(ballots, start=1):
        try:
            budget.check_selection(selection, terms.costs, terms.max_projects, limit)
        except ValueError as broken:
            raise ValueError(f"ballot {number}: {broken}") from None
        approvals.append(frozenset(selection))
    pb = budget.ParticipatoryBudget(
        terms.total_budget, tuple(budget.Project(o, terms.costs[o]) for o in option_ids), tuple(approvals)
    )
    selected = tuple(budget.sort_ids(budget.RULES[terms.rule](pb)))
    votes = pb.votes()
    return Tally(
        counts=tuple(OptionTally(o, votes[o], percent(votes[o], len(approvals))) for o in option_ids),
        total_votes=len(approvals),
        outcome="winner" if approvals else "no_votes",
        winners=selected,
        rule=terms.rule,
        budget=BudgetTally(
            total_budget=terms.total_budget,
            spent=sum(terms.costs[o] for o in selected),
            selected=selected,
            projects=tuple(ProjectTally(o, terms.costs[o], votes[o], o in selected) for o in option_ids),
        ),
    )


def _constituencies(ballots: Iterable[Choice], races: Sequence[Race]) -> Tally:
    race_of = {candidate: race.wilayat for race in races for candidate in race.candidates}
    cast: dict[str, list[Choice]] = {race.wilayat: [] for race in races}
    for number, choice in enumerate(ballots, start=1):
        if len(choice) != 1 or choice[0] not in race_of:
            raise ValueError(f"ballot {number}: {list(choice)} is not one candidate of this election")
        cast[race_of[choice[0]]].append(choice)
    results = []
    for race in races:
        # Seats beyond the candidates stay empty: every candidate of such a race with a vote wins.
        seats = min(race.seats, len(race.candidates))
        result = count_approval(race.candidates, cast[race.wilayat], seats, 1, 1)
        results.append(
            ConstituencyTally(
                wilayat=race.wilayat,
                governorate=race.governorate,
                seats=race.seats,
                counts=tuple(OptionTally(o.option_id, o.votes, o.percent) for o in result.options),
                total_votes=result.ballots,
                outcome="winner" if result.outcome == "winners" else result.outcome,
                winners=result.winners,
                tied=result.tied,
            )
        )
    total = sum(r.total_votes for r in results)
    outcome: Outcome = "no_votes" if not total else "tie" if any(r.tied for r in results) else "winner"
    return Tally(
        counts=tuple(c for r in results for c in r.counts),
        total_votes=total,
        outcome=outcome,
        winners=tuple(w for r in results for w in r.winners),
        tied=tuple(t for r in results for t in r.tied),
        constituencies=tuple(results),
    )


def _budget_record(tally: BudgetTally) -> dict[str, Any]:
    return {
        "total_budget": tally.total_budget,
        "spent": tally.spent,
        "selected": list(tally.selected),
        "projects": [
            {"project_id": p.project_id, "cost": p.cost, "votes": p.votes, "selected": p.selected}
            for p in tally.projects
        ],
    }
