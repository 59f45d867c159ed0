"""HTTP routes: translate requests to commands and ballots to responses."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import AwareDatetime, BaseModel, Field

from sharik.events import LocalizedText
from sharik.http import CurrentUser, OptionalUser
from voting.catalog_events import localized
from voting.domain.ballot import MAX_OPTIONS, MIN_OPTIONS, Ballot, BallotKind, BallotState, Text
from voting.domain.tally import Outcome, Tally
from voting.handlers import BallotHandlers, DraftBallot

router = APIRouter(prefix="/ballots", tags=["ballots"])


def _handlers(request: Request) -> BallotHandlers:
    return request.app.state.ballots


Handlers = Annotated[BallotHandlers, Depends(_handlers)]


class OptionIn(BaseModel):
    option_id: str | None = None
    label: LocalizedText


class BallotIn(BaseModel):
    question: LocalizedText
    options: list[OptionIn] = Field(min_length=MIN_OPTIONS, max_length=MAX_OPTIONS)
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    campaign_id: str | None = Field(default=None, max_length=64)
    show_preliminary: bool = False
    binding: bool = Field(
        default=False,
        description="An election: its board lists receipts and choices apart, so no voter can prove a choice.",
    )


class OptionOut(BaseModel):
    option_id: str
    label: LocalizedText


class BallotOut(BaseModel):
    ballot_id: str
    agency: str
    campaign_id: str | None
    kind: BallotKind
    state: BallotState
    question: LocalizedText
    options: list[OptionOut]
    opens_at: datetime
    closes_at: datetime
    show_preliminary: bool
    binding: bool
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
            state=ballot.state,
            question=localized(ballot.question),
            options=[OptionOut(option_id=o.option_id, label=localized(o.label)) for o in ballot.options],
            opens_at=ballot.opens_at,
            closes_at=ballot.closes_at,
            show_preliminary=ballot.show_preliminary,
            binding=ballot.binding,
            opened_at=ballot.opened_at,
            closed_at=ballot.closed_at,
            votes_cast=ballot.result.total_votes if ballot.result else None,
        )


class VoteIn(BaseModel):
    choice: str = Field(min_length=1, max_length=64)


class Receipt(BaseModel):
    receipt: str = Field(description="Keep it to check later that your vote was counted; it does not name you.")


class OptionCountOut(BaseModel):
    option_id: str
    label: LocalizedText
    votes: int
    percent: float


class ListSealOut(BaseModel):
    length: int
    head: str


class ResultOut(BaseModel):
    ballot_id: str
    preliminary: bool = Field(description="True for a running count of a ballot not yet closed.")
    question: LocalizedText
    counts: list[OptionCountOut]
    total_votes: int
    outcome: Outcome
    winners: list[str]
    published_at: datetime | None
    board_head: str | None = Field(description="The hash that commits the result to its board; once closed.")
    board: dict[str, ListSealOut] | None = Field(description="Length and head hash of each list of the board.")

    @classmethod
    def of(cls, ballot: Ballot, tally: Tally, *, preliminary: bool) -> "ResultOut":
        labels = {o.option_id: o.label for o in ballot.options}
        return cls(
            ballot_id=ballot.ballot_id,
            preliminary=preliminary,
            question=localized(ballot.question),
            counts=[
                OptionCountOut(option_id=c.option_id, label=localized(labels[c.option_id]), votes=c.votes, percent=c.percent)
                for c in tally.counts
            ],
            total_votes=tally.total_votes,
            outcome=tally.outcome,
            winners=list(tally.winners),
            published_at=None if preliminary else ballot.published_at,
            board_head=None if preliminary else ballot.board_head,
            board=None
            if preliminary or ballot.board is None
            else {n: ListSealOut(length=s.length, head=s.head) for n, s in ballot.board.items()},
        )


@router.post("", status_code=201)
async def draft_ballot(body: BallotIn, user: CurrentUser, handlers: Handlers) -> BallotOut:
    """Draft a single-choice ballot for the caller's agency."""
    ballot = await handlers.draft(
        DraftBallot(
            question=Text(ar=body.question.ar, en=body.question.en),
            options=[(o.option_id, Text(ar=o.label.ar, en=o.label.en)) for o in body.options],
            opens_at=body.opens_at,
            closes_at=body.closes_at,
            campaign_id=body.campaign_id,
            show_preliminary=body.show_preliminary,
            binding=body.binding,
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
    """A citizen votes once; emits VoteCast, which never names the voter."""
    vote = await handlers.vote(ballot_id, body.choice, by=user)
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
