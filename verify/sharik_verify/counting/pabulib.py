"""The pabulib `.pb` format (pabulib.org), for importing and exporting participatory
budgets: `;`-separated sections META (key;value), PROJECTS (project_id;cost;...) and
VOTES (voter_id;vote;...), each opened by its name and a header row.

Reading is lenient on what we do not use (extra columns and META keys are kept and
written back) and strict, with the line number, on what the count depends on."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from sharik_verify.counting.budget import ParticipatoryBudget, Project

SECTIONS = ("meta", "projects", "votes")
REQUIRED_META = ("budget", "vote_type", "num_projects", "num_votes")
REQUIRED_COLUMNS = {"meta": ("key", "value"), "projects": ("project_id", "cost"), "votes": ("voter_id", "vote")}
# `choose-1` ballots are approval ballots limited to one project.
APPROVAL_TYPES = ("approval", "choose-1")
PROJECT_FIELDS = ("project_id", "cost", "name", "category")
VOTE_FIELDS = ("voter_id", "vote")
# pabulib writes the word None for an empty optional cell.
ABSENT = ("", "none")


class PabulibError(ValueError):
    """A `.pb` file that cannot be counted, with the line at fault."""


@dataclass(frozen=True)
class PbVote:
    voter_id: str
    projects: tuple[str, ...]
    extra: dict[str, str]
    """Columns we keep but do not count with (age, sex, voting_method...)."""


@dataclass(frozen=True)
class PbFile:
    meta: dict[str, str]
    budget: Fraction
    projects: tuple[Project, ...]
    votes: tuple[PbVote, ...]
    project_extra: dict[str, dict[str, str]]
    """Per project id, columns we keep but do not count with (votes, score, selected...)."""

    def participatory_budget(self) -> ParticipatoryBudget:
        """The budget, projects and approval ballots, ready for a rule."""
        return ParticipatoryBudget(self.budget, self.projects, tuple(frozenset(v.projects) for v in self.votes))


@dataclass
class _Section:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def parse_pb(text: str) -> PbFile:
    """Read a `.pb` file's text; raise PabulibError naming the line and rule broken."""
    sections = _sections(text.removeprefix("\ufeff"))
    meta = {row["key"]: row["value"] for _, row in sections["meta"].rows}
    if missing := [key for key in REQUIRED_META if key not in meta]:
        raise PabulibError(f"META: missing required keys: {', '.join(missing)}")
    if meta["vote_type"] not in APPROVAL_TYPES:
        raise PabulibError(f"META: vote_type '{meta['vote_type']}' is not supported, only approval or choose-1")
    budget = _amount(meta["budget"], "META: budget")

    projects: list[Project] = []
    project_extra: dict[str, dict[str, str]] = {}
    for line, row in sections["projects"].rows:
        project_id = row["project_id"]
        if not project_id:
            raise PabulibError(f"line {line}: empty project_id")
        if project_id in project_extra:
            raise PabulibError(f"line {line}: project {project_id} is listed twice")
        name, category = row.get("name", ""), row.get("category", "")
        projects.append(
            Project(
                project_id=project_id,
                cost=_amount(row["cost"], f"line {line}: cost"),
                name="" if name.lower() in ABSENT else name,
                category=None if category.lower() in ABSENT else category,
            )
        )
        project_extra[project_id] = {k: v for k, v in row.items() if k not in PROJECT_FIELDS}

    votes: list[PbVote] = []
    voter_ids: set[str] = set()
    for line, row in sections["votes"].rows:
        voter_id = row["voter_id"]
        if voter_id in voter_ids:
            raise PabulibError(f"line {line}: voter {voter_id} votes twice")
        voter_ids.add(voter_id)
        chosen = tuple(p.strip() for p in row["vote"].split(",") if p.strip())
        if unknown := [p for p in chosen if p not in project_extra]:
            raise PabulibError(f"line {line}: vote for unknown projects: {', '.join(unknown)}")
        if len(set(chosen)) != len(chosen):
            raise PabulibError(f"line {line}: a project is approved twice in one vote")
        votes.append(PbVote(voter_id, chosen, {k: v for k, v in row.items() if k not in VOTE_FIELDS}))

    # The declared counts catch a truncated or hand-edited file.
    for key, actual in (("num_projects", len(projects)), ("num_votes", len(votes))):
        if meta[key] != str(actual):
            raise PabulibError(f"META: {key} is {meta[key]} but the file has {actual}")
    return PbFile(meta, budget, tuple(projects), tuple(votes), project_extra)


def write_pb(pb: PbFile) -> str:
    """The `.pb` text of `pb`; counts and budget in META are taken from the data."""
    meta = pb.meta | {
        "num_projects": str(len(pb.projects)),
        "num_votes": str(len(pb.votes)),
        "budget": _format_amount(pb.budget),
    }
    extra_project = _columns(pb.project_extra.values())
    project_columns = ["project_id", "cost", "name"]
    if any(p.category is not None for p in pb.projects):
        project_columns.append("category")
    extra_vote = _columns(v.extra for v in pb.votes)

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerows([["META"], ["key", "value"], *meta.items()])
    writer.writerows([["PROJECTS"], project_columns + extra_project])
    for p in pb.projects:
        known = [p.project_id, _format_amount(Fraction(p.cost)), p.name]
        if "category" in project_columns:
            known.append(p.category or "")
        writer.writerow(known + [pb.project_extra.get(p.project_id, {}).get(c, "") for c in extra_project])
    writer.writerows([["VOTES"], ["voter_id", "vote", *extra_vote]])
    for v in pb.votes:
        writer.writerow([v.voter_id, ",".join(v.projects), *(v.extra.get(c, "") for c in extra_vote)])
    return out.getvalue()


def _sections(text: str) -> dict[str, _Section]:
    """The three sections' rows as dicts by header, each with its line number."""
    sections: dict[str, _Section] = {}
    current = ""
    reader = csv.reader(io.StringIO(text), delimiter=";")
    for row in _read(reader):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        line = reader.line_num
        if cells[0].lower() in SECTIONS and not any(cells[1:]):
            current = cells[0].lower()
            if current in sections:
                raise PabulibError(f"line {line}: section {cells[0]} appears twice")
            sections[current] = _Section(header=[], rows=[])
        elif not current:
            raise PabulibError(f"line {line}: expected a META, PROJECTS or VOTES section")
        elif not sections[current].header:
            if missing := [c for c in REQUIRED_COLUMNS[current] if c not in cells]:
                raise PabulibError(f"line {line}: {current.upper()} header lacks columns: {', '.join(missing)}")
            sections[current].header = cells
        else:
            header = sections[current].header
            if len(cells) > len(header):
                raise PabulibError(f"line {line}: {len(cells)} cells but the header has {len(header)}")
            # A short row leaves its last optional cells empty.
            sections[current].rows.append(
                (line, dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=True)))
            )
    if missing := [s.upper() for s in SECTIONS if s not in sections]:
        raise PabulibError(f"missing sections: {', '.join(missing)}")
    return sections


def _read(reader):
    try:
        yield from reader
    except csv.Error as error:
        raise PabulibError(f"line {reader.line_num}: not valid CSV: {error}") from None


def _amount(text: str, where: str) -> Fraction:
    """An exact amount; a decimal comma is accepted, as in some pabulib files."""
    try:
        amount = Fraction(Decimal(text.replace(",", ".")))
    except (InvalidOperation, ValueError):
        raise PabulibError(f"{where} '{text}' is not a number") from None
    if amount < 0:
        raise PabulibError(f"{where} '{text}' is negative")
    return amount


def _format_amount(amount: Fraction) -> str:
    """Whole amounts without a point; others as the exact decimal they were read from."""
    if amount.denominator == 1:
        return str(amount.numerator)
    return format(Decimal(amount.numerator) / Decimal(amount.denominator), "f")


def _columns(rows: Iterable[dict[str, str]]) -> list[str]:
    """Every key of `rows`, in first-seen order."""
    return list(dict.fromkeys(key for row in rows for key in row))
