"""A ballot: drafted by an agency, open for votes during its window, then counted and
closed with a published result (DOMAIN.md: e-voting and e-referendums)."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from sharik.errors import Conflict, Forbidden, Invalid
from sharik_verify.text import normalize
from sharik_verify.counting.approval import check_selection
from sharik_verify.counting.budget import RULES as BUDGET_RULES
from sharik_verify.counting.budget import check_selection as check_budget_selection
from voting.domain import constituency
from sharik_verify.board import ListSeal, board_head
from voting.domain.constituency import Candidacy, Constituency, same_place
from voting.domain.eligibility import Eligibility, NotEligible
from sharik_verify.tally import WRITE_IN, BallotKind, Choice, Race, Spending, Tally, count
from voting.domain.turnout import Turnout

BallotState = Literal["draft", "open", "counting", "closed"]
BallotStatus = Literal["draft", "scheduled", "open", "counting", "closed"]
"""What readers are shown: the state, with an opened ballot scheduled until its start."""
"""`counting`: votes are no longer accepted and the result is being computed."""

MIN_OPTIONS, MAX_OPTIONS = 2, 20
MAX_PROJECTS = 200
"""A budget's projects: city budgets list far more than a poll's options."""
MAX_PROJECT_TAG = 100
MAX_WRITE_IN = 200
OPTION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class BallotNotOpen(Conflict):
    code = "ballot_not_open"


class WindowClosed(Conflict):
    code = "window_closed"


class UnknownOption(Invalid):
    code = "unknown_option"


class InvalidSelection(Invalid):
    code = "invalid_selection"


class AlreadyVoted(Conflict):
    code = "already_voted"


class RollFrozen(Conflict):
    code = "roll_frozen"


class WrongConstituency(Forbidden):
    code = "wrong_constituency"


@dataclass(frozen=True)
class Marked:
    """What a voter marked, in the shape of the ballot's kind: `choice` or `write_in`
    (single choice), `choices` (approval) or `ranking` (ranked)."""

    choice: str | None = None
    write_in: str | None = None
    choices: tuple[str, ...] | None = None
    ranking: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Text:
    ar: str
    en: str


@dataclass(frozen=True)
class Option:
    option_id: str
    label: Text
    cost: int | None = None
    """Budget: the project's cost, in the ballot's currency unit."""
    category: str | None = None
    area: str | None = None
    wilayat: str | None = None
    """Constituency election: where the candidate stands."""


@dataclass(frozen=True)
class OptionDraft:
    """An option as drafted; a budget's projects carry a cost, and may carry a category and an area."""

    option_id: str | None
    label: Text
    cost: int | None = None
    category: str | None = None
    area: str | None = None


@dataclass(frozen=True)
class Ballot:
    ballot_id: str
    agency: str
    kind: BallotKind
    question: Text
    options: tuple[Option, ...]
    opens_at: datetime
    closes_at: datetime
    created_by: str
    created_at: datetime
    campaign_id: str | None = None
    show_preliminary: bool = False
    binding: bool = False
    """An election: its board publishes receipts and choices unlinked (domain/board.py)."""
    allow_write_in: bool = False
    """Single choice: a voter may type an answer of their own instead of an option."""
    min_selections: int = 1
    max_selections: int | None = None
    """Approval: how many options a voter selects (None: up to all)."""
    seats: int = 1
    """Approval: how many options win."""
    total_budget: int | None = None
    max_projects: int | None = None
    budget_limit: bool = True
    """Budget: a voter's selection may cost at most total_budget."""
    rule: str | None = None
    """Budget: greedy, mes or mes-greedy (voting/counting/budget.py)."""
    constituencies: tuple[Constituency, ...] = ()
    candidacies: tuple[Candidacy, ...] = ()
    """Constituency election: applications; the approved become the options when it opens."""
    eligibility: Eligibility = Eligibility()
    state: BallotState = "draft"
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    result: Tally | None = None
    turnout: Turnout | None = None
    published_at: datetime | None = None
    board: Mapping[str, ListSeal] | None = None
    """The sealed board's lists, fixed when the result is published."""
    version: int = 0

    @classmethod
    def draft(
        cls,
        *,
        ballot_id: str,
        agency: str,
        question: Text,
        opens_at: datetime,
        closes_at: datetime,
        created_by: str,
        now: datetime,
        options: Sequence[tuple[str | None, Text] | OptionDraft] = (),
        campaign_id: str | None = None,
        show_preliminary: bool = False,
        binding: bool = False,
        kind: BallotKind = "single_choice",
        allow_write_in: bool = False,
        min_selections: int | None = None,
        max_selections: int | None = None,
        seats: int | None = None,
        total_budget: int | None = None,
        max_projects: int | None = None,
        budget_limit: bool | None = None,
        rule: str | None = None,
        constituencies: Sequence[Constituency] = (),
        eligibility: Eligibility = Eligibility(),
    ) -> "Ballot":
        """A new draft; options without an id get one."""
        if closes_at <= opens_at:
            raise Invalid("closes_at must be after opens_at", details=[{"field": "closes_at"}])
        if closes_at <= now:
            raise Invalid("closes_at is in the past", details=[{"field": "closes_at"}])
        if binding and show_preliminary:
            # Running counts published during an election sway the votes still to come.
            raise Invalid(
                "a binding election shows no preliminary counts; its result is published when it closes",
                details=[{"field": "show_preliminary"}],
            )
        drafted = [o if isinstance(o, OptionDraft) else OptionDraft(*o) for o in options]
        _check_kind_fields(
            kind,
            allow_write_in=allow_write_in,
            approval=(min_selections, max_selections, seats),
            budget=(total_budget, max_projects, budget_limit, rule, *_project_fields(drafted)),
            constituencies=constituencies,
        )
        if kind == "constituency":
            races, chosen = _constituency_terms(constituencies, drafted, eligibility), ()
        else:
            races, chosen = (), _options(drafted, most=MAX_PROJECTS if kind == "budget" else MAX_OPTIONS)
        if kind == "budget":
            _check_budget(chosen, total_budget, max_projects, budget_limit, rule)
        least, most = _selection_limits(kind, min_selections, max_selections, seats, len(chosen))
        return cls(
            ballot_id=ballot_id,
            agency=agency,
            kind=kind,
            question=question,
            options=chosen,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=created_by,
            created_at=now,
            campaign_id=campaign_id,
            show_preliminary=show_preliminary,
            binding=binding,
            allow_write_in=allow_write_in,
            min_selections=least,
            max_selections=most,
            seats=seats or 1,
            total_budget=total_budget,
            max_projects=max_projects,
            budget_limit=budget_limit is not False,
            rule=rule,
            constituencies=races,
            eligibility=eligibility,
        )

    def status(self, *, now: datetime) -> BallotStatus:
        """The state as a voter meets it: opened early, a ballot takes no vote before
        opens_at (check_vote), so it shows as scheduled until then."""
        if self.state == "open" and now < self.opens_at:
            return "scheduled"
        return self.state

    def open(self, *, now: datetime) -> "Ballot":
        """Start accepting votes (from opens_at, until closes_at)."""
        if self.state != "draft":
            raise Conflict(f"ballot is already {self.state}")
        if self.closes_at <= now:
            raise Conflict("the ballot's window has already ended")
        if self.kind != "constituency":
            return replace(self, state="open", opened_at=now)
        constituency.check_candidacies_for_open(self.constituencies, self.candidacies)
        # The approved candidates become the options, constituency by constituency.
        candidates = tuple(
            Option(option_id=c.candidacy_id, label=c.name, wilayat=c.wilayat)
            for race in self.constituencies
            for c in self.candidacies
            if c.status == "approved" and c.wilayat == race.wilayat
        )
        return replace(self, state="open", opened_at=now, options=candidates)

    def apply(self, candidacy_id: str, wilayat: str, name: Text, *, by: str, now: datetime) -> "Ballot":
        """Add a pending candidacy in one of the ballot's constituencies, while it is a draft."""
        self._check_candidacies_editable()
        race = next((r for r in self.constituencies if same_place(r.wilayat, wilayat)), None)
        if race is None:
            raise Invalid(
                f"{wilayat!r} is not a constituency of this ballot; one of "
                f"{', '.join(r.wilayat for r in self.constituencies)}",
                details=[{"field": "wilayat"}],
            )
        for language in ("ar", "en"):
            if not 0 < len(getattr(name, language).strip()) <= constituency.MAX_NAME:
                raise Invalid(
                    f"the candidate's name is 1 to {constituency.MAX_NAME} characters ({language})",
                    details=[{"field": f"name.{language}"}],
                )
        name = Text(ar=" ".join(name.ar.split()), en=" ".join(name.en.split()))
        standing = [c for c in self.candidacies if c.wilayat == race.wilayat and c.status != "rejected"]
        if any(c.name.ar == name.ar or c.name.en.casefold() == name.en.casefold() for c in standing):
            raise Conflict(f"a candidate of that name already stands in {race.wilayat}")
        if len(self.candidacies) >= constituency.MAX_CANDIDACIES:
            raise Conflict(f"a ballot takes at most {constituency.MAX_CANDIDACIES} candidacies")
        applied = Candidacy(candidacy_id=candidacy_id, wilayat=race.wilayat, name=name, applied_by=by, applied_at=now)
        return replace(self, candidacies=(*self.candidacies, applied))

    def decide(self, candidacy_id: str, *, approve: bool, reason: str | None, by: str, now: datetime) -> "Ballot":
        """Approve a pending candidacy, or reject it with a reason, while the ballot is a draft."""
        self._check_candidacies_editable()
        if candidacy_id not in {c.candidacy_id for c in self.candidacies}:
            raise constituency.CandidacyNotFound(f"no candidacy {candidacy_id} in this ballot")
        return replace(
            self,
            candidacies=tuple(
                constituency.decide(c, approve=approve, reason=reason, by=by, now=now)
                if c.candidacy_id == candidacy_id
                else c
                for c in self.candidacies
            ),
        )

    def candidacy(self, candidacy_id: str) -> Candidacy:
        for c in self.candidacies:
            if c.candidacy_id == candidacy_id:
                return c
        raise constituency.CandidacyNotFound(f"no candidacy {candidacy_id} in this ballot")

    def _check_candidacies_editable(self) -> None:
        if self.kind != "constituency":
            raise Conflict("only a constituency election takes candidacies")
        if self.state != "draft":
            raise Conflict(f"candidacies close when the ballot opens; it is {self.state}")

    def check_constituency(self, choice: Choice, registered_in: str | None) -> None:
        """Raise unless a voter registered in `registered_in` may vote for the candidate `choice`."""
        if self.kind != "constituency":
            return
        if self.race_of(registered_in) is None:
            raise NotEligible(
                f"you are registered in {registered_in}, which elects no one in this ballot",
                details=[{"rule": "constituency"}],
            )
        standing = next(o.wilayat for o in self.options if o.option_id == choice[0])
        if not same_place(standing, registered_in):
            raise WrongConstituency(
                f"this candidate stands in {standing}; you may vote only for a candidate of {registered_in}, "
                "where you are registered",
                details=[{"field": "choice"}],
            )

    def race_of(self, wilayat: str | None) -> Constituency | None:
        """The constituency of `wilayat`, if it elects in this ballot."""
        return next((r for r in self.constituencies if same_place(r.wilayat, wilayat)), None)

    def governorate_of(self, *, registered_in: str | None, claimed: str | None) -> str | None:
        """The governorate a voter's mark records, for turnout: the one the ballot maps the
        voter's wilayat of registration to, else the one their token claims."""
        race = self.race_of(registered_in)
        return race.governorate if race is not None else claimed

    def check_roll_editable(self) -> None:
        """Raise unless the roll may still change: it freezes when the ballot opens."""
        if self.eligibility.mode != "roll":
            raise Conflict("this ballot has no electoral roll (eligibility mode is not `roll`)")
        if self.state != "draft":
            raise RollFrozen(f"the roll is frozen: the ballot is {self.state}")

    def check_vote(self, marked: str | Marked, *, now: datetime) -> Choice:
        """The choice to store for what the voter `marked` (an option id is a single
        choice); raise unless it may be cast now."""
        if self.state == "draft" or (self.state == "open" and now < self.opens_at):
            raise BallotNotOpen(f"the ballot is not open; voting starts at {self.opens_at.isoformat()}")
        if self.state != "open" or now >= self.closes_at:
            raise WindowClosed(f"voting closed at {(self.closed_at or self.closes_at).isoformat()}")
        marked = Marked(choice=marked) if isinstance(marked, str) else marked
        if self.kind == "approval":
            return self._approval_choice(marked)
        if self.kind == "ranked":
            return self._ranking(marked)
        if self.kind == "budget":
            return self._projects(marked)
        return self._single_choice(marked)

    def _single_choice(self, marked: Marked) -> Choice:
        _only(marked, *(("choice", "write_in") if self.allow_write_in else ("choice",)))
        if marked.write_in is not None:
            text = " ".join(marked.write_in.split())
            if not normalize(text) or len(text) > MAX_WRITE_IN:
                raise Invalid(f"write your answer in 1 to {MAX_WRITE_IN} characters", details=[{"field": "write_in"}])
            return (WRITE_IN, text)
        if marked.choice not in self.option_ids:
            raise UnknownOption(f"{marked.choice!r} is not an option of this ballot", details=[{"field": "choice"}])
        return (marked.choice,)

    def _approval_choice(self, marked: Marked) -> Choice:
        _only(marked, "choices")
        assert marked.choices is not None
        try:
            check_selection(marked.choices, self.option_ids, self.min_selections, self.most_selections)
        except ValueError as broken:
            raise InvalidSelection(str(broken), details=[{"field": "choices"}]) from None
        # Stored in ballot order: the order of selection means nothing, and fewer
        # distinct choices count faster.
        return tuple(o for o in self.option_ids if o in marked.choices)

    def _projects(self, marked: Marked) -> Choice:
        _only(marked, "choices")
        assert marked.choices is not None
        try:
            check_budget_selection(
                marked.choices,
                {o.option_id: o.cost or 0 for o in self.options},
                self.max_projects,
                self.total_budget if self.budget_limit else None,
            )
        except ValueError as broken:
            raise InvalidSelection(str(broken), details=[{"field": "choices"}]) from None
        return tuple(o for o in self.option_ids if o in marked.choices)

    def _ranking(self, marked: Marked) -> Choice:
        _only(marked, "ranking")
        assert marked.ranking is not None
        if unknown := [o for o in marked.ranking if o not in self.option_ids]:
            raise UnknownOption(f"not options of this ballot: {', '.join(unknown)}", details=[{"field": "ranking"}])
        if not marked.ranking or len(set(marked.ranking)) != len(marked.ranking):
            raise InvalidSelection("rank at least one option, each at most once", details=[{"field": "ranking"}])
        return tuple(marked.ranking)

    def stop_voting(self, *, now: datetime) -> "Ballot":
        """Stop accepting votes so they can be counted; at closes_at or earlier by staff."""
        if self.state == "draft":
            raise BallotNotOpen("a draft ballot cannot be closed; it was never opened")
        if self.state == "closed":
            raise Conflict("ballot is already closed")
        if self.state == "counting":
            return self
        return replace(self, state="counting", closed_at=min(now, self.closes_at))

    def publish(
        self,
        cast: Mapping[Choice | str, int],
        *,
        board: Mapping[str, ListSeal],
        now: datetime,
        turnout: Turnout | None = None,
    ) -> "Ballot":
        """Close the ballot with the result counted from `cast` (how many chose each
        choice; an option id stands for itself chosen alone), read from the sealed `board`."""
        if self.state != "counting":
            raise Conflict(f"ballot is {self.state}, not being counted")
        return replace(
            self, state="closed", result=self.tally(cast), turnout=turnout, published_at=now, board=dict(board)
        )

    def preliminary(self, cast: Mapping[Choice | str, int]) -> Tally:
        """The running count, for ballots that show one before they close."""
        if self.state == "draft" or not self.show_preliminary:
            raise Conflict("the result is published when the ballot closes")
        return self.tally(cast)

    def tally(self, cast: Mapping[Choice | str, int]) -> Tally:
        """`cast` counted by the rule of the ballot's kind."""
        choices = {(c,) if isinstance(c, str) else tuple(c): n for c, n in cast.items()}
        return count(
            self.kind,
            self.option_ids,
            choices,
            allow_write_in=self.allow_write_in,
            seats=self.seats,
            min_selections=self.min_selections,
            max_selections=self.most_selections,
            spending=self.spending,
            races=self.races,
        )

    @property
    def spending(self) -> Spending | None:
        """A budget's counting terms."""
        if self.kind != "budget" or self.total_budget is None or self.rule is None:
            return None
        return Spending(
            costs={o.option_id: o.cost or 0 for o in self.options},
            total_budget=self.total_budget,
            rule=self.rule,
            max_projects=self.max_projects,
            budget_limit=self.budget_limit,
        )

    @property
    def races(self) -> tuple[Race, ...]:
        """A constituency election's races, each with its candidates."""
        return tuple(
            Race(r.wilayat, r.governorate, r.seats, tuple(o.option_id for o in self.options if o.wilayat == r.wilayat))
            for r in self.constituencies
        )

    def is_due(self, *, now: datetime) -> bool:
        """Open past its closing time, so the close job must close it."""
        return self.state == "open" and self.closes_at <= now

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.option_id for o in self.options)

    @property
    def most_selections(self) -> int:
        return self.max_selections if self.max_selections is not None else len(self.options)

    @property
    def is_public(self) -> bool:
        return self.state != "draft"

    @property
    def board_head(self) -> str | None:
        """The hash a published result commits the board to."""
        return board_head(self.ballot_id, self.board) if self.board is not None else None

    @property
    def shows_choices(self) -> bool:
        """Whether the board may show choices yet: once the result may be seen."""
        return self.state == "closed" or (self.show_preliminary and self.is_public)


def _options(given: Sequence[OptionDraft], *, most: int) -> tuple[Option, ...]:
    if not MIN_OPTIONS <= len(given) <= most:
        raise Invalid(f"a ballot has {MIN_OPTIONS} to {most} options", details=[{"field": "options"}])
    taken = {o.option_id for o in given if o.option_id}
    for option_id in taken:
        if not OPTION_ID.match(option_id):
            raise Invalid(
                f"option id {option_id!r} must be 1-64 letters, digits, '-' or '_'", details=[{"field": "options"}]
            )
    if len(taken) != len([o for o in given if o.option_id]):
        raise Invalid("option ids must be unique", details=[{"field": "options"}])
    for language in ("ar", "en"):
        labels = [getattr(o.label, language).strip() for o in given]
        if len(set(labels)) != len(labels):
            raise Invalid(f"option labels must be unique ({language})", details=[{"field": "options"}])
    generated = (f"option-{n}" for n in range(1, 2 * most + 1) if f"option-{n}" not in taken)
    return tuple(
        Option(
            option_id=o.option_id or next(generated), label=o.label, cost=o.cost, category=o.category, area=o.area
        )
        for o in given
    )


def _project_fields(given: Sequence[OptionDraft]) -> tuple[object, ...]:
    """Whether any option carries a cost, category or area (None each if not), for the kind check."""
    return tuple(
        next((v for o in given if (v := getattr(o, f)) is not None), None) for f in ("cost", "category", "area")
    )


def _check_budget(
    projects: Sequence[Option],
    total_budget: int | None,
    max_projects: int | None,
    budget_limit: bool | None,
    rule: str | None,
) -> None:
    if total_budget is None or total_budget <= 0:
        raise Invalid("a budget needs total_budget, a whole amount above 0", details=[{"field": "total_budget"}])
    if rule not in BUDGET_RULES:
        raise Invalid(f"choose the counting rule: one of {', '.join(BUDGET_RULES)}", details=[{"field": "rule"}])
    if no_cost := [o.option_id for o in projects if o.cost is None or o.cost <= 0]:
        raise Invalid(
            f"every project needs a cost, a whole amount above 0; missing or wrong: {', '.join(no_cost)}",
            details=[{"field": "options"}],
        )
    for o in projects:
        for tag in (o.category, o.area):
            if tag is not None and not 0 < len(tag.strip()) <= MAX_PROJECT_TAG:
                raise Invalid(
                    f"category and area are 1 to {MAX_PROJECT_TAG} characters ({o.option_id})",
                    details=[{"field": "options"}],
                )
    if max_projects is not None and not 1 <= max_projects <= len(projects):
        raise Invalid(f"max_projects must be 1 to {len(projects)} (the projects)", details=[{"field": "max_projects"}])
    if budget_limit is False and max_projects is None:
        raise Invalid(
            "a budget limits each voter's selection: keep budget_limit or set max_projects",
            details=[{"field": "budget_limit"}],
        )


def _constituency_terms(
    races: Sequence[Constituency], options: Sequence[OptionDraft], eligibility: Eligibility
) -> tuple[Constituency, ...]:
    if options:
        raise Invalid(
            "a constituency election's options are its approved candidates; apply for candidacies instead",
            details=[{"field": "options"}],
        )
    # The roll is what says where a voter is registered, and so in which race they vote.
    if eligibility.mode != "roll":
        raise Invalid(
            "a constituency election's eligibility mode must be `roll`", details=[{"field": "eligibility.mode"}]
        )
    return constituency.constituencies(races)


def _only(marked: Marked, *fields: str) -> None:
    """Raise unless exactly one of `fields`, and nothing else, is marked."""
    given = [f for f in ("choice", "write_in", "choices", "ranking") if getattr(marked, f) is not None]
    if len(given) != 1 or given[0] not in fields:
        shape = " or ".join(f"`{f}`" for f in fields)
        raise Invalid(f"a vote in this ballot gives {shape}", details=[{"field": f} for f in given or fields])


def _check_kind_fields(
    kind: BallotKind,
    *,
    allow_write_in: bool,
    approval: tuple[int | None, ...],
    budget: tuple[object, ...],
    constituencies: Sequence[Constituency],
) -> None:
    if allow_write_in and kind != "single_choice":
        raise Invalid("only a single-choice ballot takes write-ins", details=[{"field": "allow_write_in"}])
    if kind != "approval" and any(v is not None for v in approval):
        raise Invalid(
            "min_selections, max_selections and seats are for approval ballots", details=[{"field": "kind"}]
        )
    if kind != "budget" and any(v is not None for v in budget):
        raise Invalid(
            "total_budget, max_projects, budget_limit, rule and the options' cost, category and area "
            "are for budget ballots",
            details=[{"field": "kind"}],
        )
    if kind != "constituency" and constituencies:
        raise Invalid("constituencies are for constituency elections", details=[{"field": "kind"}])


def _selection_limits(
    kind: BallotKind, least: int | None, most: int | None, seats: int | None, options: int
) -> tuple[int, int | None]:
    """An approval ballot's (min, max) selections, checked against its options and seats."""
    if kind != "approval":
        return 1, None
    least = 1 if least is None else least
    # At least one: a vote with nothing selected is not a vote (VoteCast needs a choice).
    if not 1 <= least <= (options if most is None else most) <= options:
        raise Invalid(
            f"1 <= min_selections <= max_selections <= {options} (the options)", details=[{"field": "min_selections"}]
        )
    if seats is not None and not 1 <= seats <= options:
        raise Invalid(f"seats must be 1 to {options}", details=[{"field": "seats"}])
    return least, most
