"""HTTP routes: translate requests to commands and ballots to responses."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import AwareDatetime, BaseModel, Field

from sharik.events import LocalizedText
from sharik.events.voting import BudgetOutcome, ConstituencyResult, OptionCount, RunoffRound, Turnout
from sharik.http import CurrentUser, OptionalUser
from voting.catalog_events import budget_outcome, constituency_results, localized, option_counts, runoff_rounds, turnout
from voting.domain.ballot import MAX_PROJECTS, MAX_WRITE_IN, Ballot, BallotKind, BallotStatus, Marked, OptionDraft, Text
from voting.domain.constituency import Constituency
from voting.domain.eligibility import Eligibility, EligibilityMode
from sharik_verify.tally import Outcome, Tally
from voting.handlers import BallotHandlers, DraftBallot

router = APIRouter(prefix="/ballots", tags=["ballots"])


async def _handlers(request: Request) -> BallotHandlers:
    # async: a plain function dependency runs in the thread pool, a hop per request.
    return request.app.state.ballots


Handlers = Annotated[BallotHandlers, Depends(_handlers)]


class OptionIn(BaseModel):
    option_id: str | None = None
    label: LocalizedText
    cost: int | None = Field(default=None, description="budget: the project's cost, a whole amount above 0.")
    category: str | None = Field(default=None, description="budget: the project's category.")
    area: str | None = Field(default=None, description="budget: where the project is.")

    def draft(self) -> OptionDraft:
        return OptionDraft(
            self.option_id, Text(ar=self.label.ar, en=self.label.en), self.cost, self.category, self.area
        )


class ConstituencyIn(BaseModel):
    wilayat: str = Field(max_length=100)
    governorate: str = Field(max_length=100)
    seats: int = Field(default=1, description="How many candidates it elects.")


class ConstituencyOut(BaseModel):
    wilayat: str
    governorate: str
    seats: int


class EligibilityIn(BaseModel):
    mode: EligibilityMode = Field(
        default="open", description="open: any citizen; roll: those on the ballot's roll; rules: by the token's place."
    )
    governorates: list[str] = Field(default=[], max_length=20, description="rules: governorates of residence.")
    wilayats: list[str] = Field(
        default=[], max_length=100, description="rules: wilayats of residence; roll: wilayats of registration."
    )
    min_age: int | None = Field(
        default=None, ge=0, le=150, description="Minimum age on the day the ballot opens (from the birthdate claim)."
    )

    def rules(self) -> Eligibility:
        return Eligibility.of(
            self.mode, governorates=tuple(self.governorates), wilayats=tuple(self.wilayats), min_age=self.min_age
        )


class EligibilityOut(BaseModel):
    mode: EligibilityMode
    governorates: list[str]
    wilayats: list[str]


class BallotIn(BaseModel):
    question: LocalizedText
    options: list[OptionIn] = Field(
        default=[],
        max_length=MAX_PROJECTS,
        description="2 to 20 options (a budget's projects: up to 200); none for a constituency election.",
    )
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    campaign_id: str | None = Field(default=None, max_length=64)
    show_preliminary: bool = False
    binding: bool = Field(
        default=False,
        description="An election: its board lists receipts and choices apart, so no voter can prove a choice.",
    )
    kind: BallotKind = "single_choice"
    allow_write_in: bool = Field(default=False, description="single_choice: voters may write in their own answer.")
    min_selections: int | None = Field(default=None, description="approval: fewest options a voter selects (1).")
    max_selections: int | None = Field(default=None, description="approval: most options a voter selects (all).")
    seats: int | None = Field(default=None, description="approval: how many options win (1).")
    total_budget: int | None = Field(default=None, description="budget: the money to spend, a whole amount above 0.")
    max_projects: int | None = Field(default=None, description="budget: most projects a voter selects.")
    budget_limit: bool | None = Field(
        default=None, description="budget: a voter's selection may cost at most total_budget (true)."
    )
    rule: str | None = Field(default=None, description="budget: `greedy`, `mes` or `mes-greedy`.")
    constituencies: list[ConstituencyIn] = Field(
        default=[], max_length=100, description="constituency: the wilayats that elect, their governorate and seats."
    )
    eligibility: EligibilityIn = EligibilityIn()


class OptionOut(BaseModel):
    option_id: str
    label: LocalizedText
    cost: int | None = Field(default=None, description="budget only")
    category: str | None = None
    area: str | None = None
    wilayat: str | None = Field(default=None, description="constituency: where the candidate stands")


class BallotOut(BaseModel):
    ballot_id: str
    agency: str
    campaign_id: str | None
    kind: BallotKind
    state: BallotStatus = Field(description="scheduled: opened, but votes are taken from opens_at")
    question: LocalizedText
    options: list[OptionOut]
    opens_at: datetime
    closes_at: datetime
    show_preliminary: bool
    binding: bool
    allow_write_in: bool
    min_selections: int | None = Field(description="approval only")
    max_selections: int | None = Field(description="approval only")
    seats: int | None = Field(description="approval only")
    total_budget: int | None = Field(description="budget only")
    max_projects: int | None = Field(description="budget only")
    budget_limit: bool | None = Field(description="budget only")
    rule: str | None = Field(description="budget only")
    constituencies: list[ConstituencyOut] = Field(description="constituency only")
    eligibility: EligibilityOut
    opened_at: datetime | None
    closed_at: datetime | None
    votes_cast: int | None = Field(description="Known once the ballot is closed.")

    @classmethod
    def of(cls, ballot: Ballot) -> "BallotOut":
        return cls(
            ballot_id=ballot.ballot_id,
            agency=ballot.agency,
            campaign_id=ballot.campaign_id,
            kind=ballot.kind,
            state=ballot.status(now=datetime.now(UTC)),
            question=localized(ballot.question),
            options=[
                OptionOut(
                    option_id=o.option_id,
                    label=localized(o.label),
                    cost=o.cost,
                    category=o.category,
                    area=o.area,
                    wilayat=o.wilayat,
                )
                for o in ballot.options
            ],
            opens_at=ballot.opens_at,
            closes_at=ballot.closes_at,
            show_preliminary=ballot.show_preliminary,
            binding=ballot.binding,
            allow_write_in=ballot.allow_write_in,
            min_selections=ballot.min_selections if ballot.kind == "approval" else None,
            max_selections=ballot.most_selections if ballot.kind == "approval" else None,
            seats=ballot.seats if ballot.kind == "approval" else None,
            total_budget=ballot.total_budget,
            max_projects=ballot.max_projects,
            budget_limit=ballot.budget_limit if ballot.kind == "budget" else None,
            rule=ballot.rule,
            constituencies=[
                ConstituencyOut(wilayat=c.wilayat, governorate=c.governorate, seats=c.seats)
                for c in ballot.constituencies
            ],
            eligibility=EligibilityOut(
                mode=ballot.eligibility.mode,
                governorates=list(ballot.eligibility.governorates),
                wilayats=list(ballot.eligibility.wilayats),
            ),
            opened_at=ballot.opened_at,
            closed_at=ballot.closed_at,
            votes_cast=ballot.result.total_votes if ballot.result else None,
        )


class VoteIn(BaseModel):
    """Exactly one field, by the ballot's kind."""

    choice: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="single_choice: an option id; constituency: a candidate id",
    )
    write_in: str | None = Field(
        default=None, max_length=MAX_WRITE_IN, description="single_choice with allow_write_in: your own answer"
    )
    choices: list[str] | None = Field(
        default=None, max_length=MAX_PROJECTS, description="approval: option ids; budget: project ids"
    )
    ranking: list[str] | None = Field(
        default=None, max_length=MAX_PROJECTS, description="ranked: option ids, most preferred first"
    )

    def marked(self) -> Marked:
        return Marked(
            choice=self.choice,
            write_in=self.write_in,
            choices=tuple(self.choices) if self.choices is not None else None,
            ranking=tuple(self.ranking) if self.ranking is not None else None,
        )


class Receipt(BaseModel):
    receipt: str = Field(description="Keep it to check later that your vote was counted; it does not name you.")


class WriteInOut(BaseModel):
    key: str = Field(description="The normalised answer; spellings with the same key are counted as one.")
    label: str = Field(description="The spelling most voters used.")
    votes: int
    percent: float = Field(description="Share of valid votes, options and write-ins together.")


class ListSealOut(BaseModel):
    length: int
    head: str


class ResultOut(BaseModel):
    ballot_id: str
    preliminary: bool = Field(description="True for a running count of a ballot not yet closed.")
    kind: BallotKind
    question: LocalizedText
    counts: list[OptionCount] = Field(description="Ranked: the final round's.")
    total_votes: int
    outcome: Outcome
    winners: list[str]
    seats: int | None = Field(description="approval: how many options win.")
    tied: list[str] = Field(description="approval tie: options competing for the seats left after `winners`.")
    write_ins: list[WriteInOut] = Field(description="single_choice: written-in answers, most votes first.")
    rounds: list[RunoffRound] = Field(description="ranked: every instant-runoff round.")
    rule: str = Field(description="How it was counted: plurality, approval, instant-runoff, greedy, mes, mes-greedy.")
    constituencies: list[ConstituencyResult] = Field(description="constituency: each wilayat's race.")
    budget: BudgetOutcome | None = Field(description="budget: what it funds.")
    turnout: Turnout | None = Field(description="Once closed: who voted, of how many could where the roll says.")
    published_at: datetime | None
    board_head: str | None = Field(description="The hash that commits the result to its board; once closed.")
    board: dict[str, ListSealOut] | None = Field(description="Length and head hash of each list of the board.")

    @classmethod
    def of(cls, ballot: Ballot, tally: Tally, *, preliminary: bool) -> "ResultOut":
        return cls(
            ballot_id=ballot.ballot_id,
            preliminary=preliminary,
            kind=ballot.kind,
            question=localized(ballot.question),
            counts=option_counts(ballot, tally.counts),
            total_votes=tally.total_votes,
            outcome=tally.outcome,
            winners=list(tally.winners),
            seats=ballot.seats if ballot.kind == "approval" else None,
            tied=list(tally.tied),
            write_ins=[WriteInOut(key=w.key, label=w.label, votes=w.votes, percent=w.percent) for w in tally.write_ins],
            rounds=runoff_rounds(tally),
            rule=tally.rule,
            constituencies=constituency_results(ballot, tally),
            budget=budget_outcome(ballot, tally),
            turnout=None if preliminary else turnout(ballot.turnout),
            published_at=None if preliminary else ballot.published_at,
            board_head=None if preliminary else ballot.board_head,
            board=None
            if preliminary or ballot.board is None
            else {n: ListSealOut(length=s.length, head=s.head) for n, s in ballot.board.items()},
        )


@router.post("", status_code=201)
async def draft_ballot(body: BallotIn, user: CurrentUser, handlers: Handlers) -> BallotOut:
    """Draft a ballot (single_choice, approval, ranked, budget or constituency) for the caller's agency."""
    ballot = await handlers.draft(
        DraftBallot(
            question=Text(ar=body.question.ar, en=body.question.en),
            options=[o.draft() for o in body.options],
            opens_at=body.opens_at,
            closes_at=body.closes_at,
            campaign_id=body.campaign_id,
            show_preliminary=body.show_preliminary,
            binding=body.binding,
            kind=body.kind,
            allow_write_in=body.allow_write_in,
            min_selections=body.min_selections,
            max_selections=body.max_selections,
            seats=body.seats,
            total_budget=body.total_budget,
            max_projects=body.max_projects,
            budget_limit=body.budget_limit,
            rule=body.rule,
            constituencies=tuple(Constituency(c.wilayat, c.governorate, c.seats) for c in body.constituencies),
            eligibility=body.eligibility.rules(),
        ),
        by=user,
    )
    return BallotOut.of(ballot)


@router.post("/{ballot_id}/open")
async def open_ballot(ballot_id: str, user: CurrentUser, handlers: Handlers) -> BallotOut:
    """Open a draft ballot; emits BallotOpened."""
    return BallotOut.of(await handlers.open(ballot_id, by=user))


@router.post("/{ballot_id}/votes", status_code=201)
async def cast_vote(ballot_id: str, body: VoteIn, user: CurrentUser, handlers: Handlers) -> Receipt:
    """A citizen votes once, in the shape of the ballot's kind; emits VoteCast, which never names the voter.

    403 `not_eligible` names the rule the voter fails: the roll, the governorate or the wilayat."""
    vote = await handlers.vote(ballot_id, body.marked(), by=user)
    return Receipt(receipt=vote.receipt)


@router.post("/{ballot_id}/close")
async def close_ballot(ballot_id: str, user: CurrentUser, handlers: Handlers) -> BallotOut:
    """Stop voting and publish the result; emits BallotClosed and ResultPublished."""
    return BallotOut.of(await handlers.close(ballot_id, by=user))


@router.get("/{ballot_id}")
async def view_ballot(ballot_id: str, user: OptionalUser, handlers: Handlers) -> BallotOut:
    return BallotOut.of(await handlers.view(ballot_id, by=user))


@router.get("/{ballot_id}/result")
async def ballot_result(ballot_id: str, user: OptionalUser, handlers: Handlers) -> ResultOut:
    """The result once closed; before that, a preliminary count if the ballot shows one."""
    ballot, tally, preliminary = await handlers.result(ballot_id, by=user)
    return ResultOut.of(ballot, tally, preliminary=preliminary)


@router.get("")
async def list_ballots(
    user: OptionalUser,
    handlers: Handlers,
    agency: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[BallotOut]:
    """Opened ballots, newest first; staff also see their own agency's drafts."""
    return [BallotOut.of(b) for b in await handlers.list(agency=agency, by=user, limit=limit)]
