"""A participatory budget to and from the pabulib `.pb` format (voting/counting/pabulib.py).

Import takes a draft's projects and terms from META and PROJECTS; export writes a
closed budget with its board's votes, so `sharik-verify pb` recounts it."""

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from sharik.errors import Invalid
from sharik_verify.counting.budget import RULES, Project
from sharik_verify.counting.pabulib import PabulibError, PbFile, PbVote, parse_pb, write_pb
from voting.domain.ballot import Ballot, OptionDraft, Text
from sharik_verify.tally import Choice

LABELS = ("name_ar", "name_en")
"""Optional PROJECTS columns for a bilingual label; without them `name` is both."""


@dataclass(frozen=True)
class BudgetTerms:
    """What a `.pb` file gives a draft budget."""

    projects: list[OptionDraft]
    total_budget: int
    max_projects: int | None
    rule: str | None


def read_budget(text: str) -> BudgetTerms:
    """The projects and terms of a `.pb` file; Invalid naming the line at fault. Its votes are not imported."""
    try:
        pb = parse_pb(text)
    except PabulibError as broken:
        raise Invalid(f"not a usable .pb file: {broken}") from None
    projects = []
    for p in pb.projects:
        extra = pb.project_extra[p.project_id]
        if Fraction(p.cost).denominator != 1 or p.cost <= 0:
            raise Invalid(f"project {p.project_id}: cost {p.cost} must be a whole amount above 0")
        name = p.name or p.project_id
        label = Text(ar=extra.get("name_ar") or name, en=extra.get("name_en") or name)
        projects.append(OptionDraft(p.project_id, label, int(p.cost), p.category, extra.get("area") or None))
    if pb.budget.denominator != 1:
        raise Invalid(f"META budget {pb.budget} must be a whole amount")
    max_length = pb.meta.get("max_length", "").strip()
    if max_length and not max_length.isdigit():
        raise Invalid(f"META max_length {max_length!r} must be a whole number")
    rule = pb.meta.get("rule", "").strip()
    return BudgetTerms(
        projects, int(pb.budget), int(max_length) if max_length else None, rule if rule in RULES else None
    )


def write_budget(ballot: Ballot, choices: Iterable[Choice]) -> str:
    """The `.pb` text of a closed budget: its projects, and each board entry's selection as a vote."""
    assert ballot.result is not None and ballot.result.budget is not None and ballot.total_budget is not None
    counted = {p.project_id: p for p in ballot.result.budget.projects}
    meta = {
        "description": ballot.question.en,
        "instance": ballot.ballot_id,
        "unit": ballot.agency,
        "vote_type": "approval",
        "rule": ballot.rule or "",
        "min_length": "1",
    }
    if ballot.max_projects is not None:
        meta["max_length"] = str(ballot.max_projects)
    pb = PbFile(
        meta=meta,
        budget=Fraction(ballot.total_budget),
        projects=tuple(Project(o.option_id, o.cost or 0, o.label.en, o.category) for o in ballot.options),
        # Voter ids are board positions: the board already lists each entry, and names no one.
        votes=tuple(PbVote(str(n), tuple(choice), {}) for n, choice in enumerate(choices, start=1)),
        project_extra={
            o.option_id: {
                "name_ar": o.label.ar,
                "area": o.area or "",
                "votes": str(counted[o.option_id].votes),
                "selected": "1" if counted[o.option_id].selected else "0",
            }
            for o in ballot.options
        },
    )
    return write_pb(pb)
