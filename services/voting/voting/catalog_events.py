"""Domain state to the public catalog events (the adapter of HANDBOOK §4 rule 5)."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from sharik.events import Envelope, LocalizedText
from sharik.events.voting import (
    BallotClosed,
    BallotOpened,
    BallotOption,
    BudgetOutcome,
    BudgetProject,
    ConstituencyResult,
    GovernorateTurnout,
    OptionCount,
    ResultPublished,
    RunoffRound,
    Turnout,
    VoteCast,
)
from voting.domain.ballot import Ballot, Text
from sharik_verify.tally import WRITE_IN, OptionTally, Tally
from voting.domain.turnout import Turnout as DomainTurnout

SOURCE = "voting"


def ballot_opened(ballot: Ballot) -> Envelope:
    return _once_per_ballot(
        ballot,
        BallotOpened(
            ballot_id=ballot.ballot_id,
            agency=ballot.agency,
            campaign_id=ballot.campaign_id,
            kind=ballot.kind,
            question=localized(ballot.question),
            options=tuple(BallotOption(option_id=o.option_id, label=localized(o.label)) for o in ballot.options),
            opens_at=ballot.opens_at,
            closes_at=ballot.closes_at,
            binding=ballot.binding,
        ),
    )


def vote_cast(ballot: Ballot, public_id: str, choice: Sequence[str], *, announced_at: datetime) -> Envelope:
    """A vote's VoteCast as announced once it is on the board. No time in it is finer
    than the minute of announcing (`cast_at`, `ce_time`), and its event id is its public
    vote id rather than a ULID (which carries the millisecond it was made), so nothing
    in it orders the votes by when they were cast."""
    # A write-in's text is free text a citizen typed; the event says only that one was cast.
    choice = tuple(choice[:1] if choice[0] == WRITE_IN else choice)
    minute = announced_at.replace(second=0, microsecond=0)
    return Envelope(
        event=VoteCast(ballot_id=ballot.ballot_id, vote_id=public_id, choice=choice, cast_at=minute),
        source=SOURCE,
        agency=ballot.agency,
        id=public_id,
        time=minute,
    )


def ballot_closed_with_result(ballot: Ballot) -> list[Envelope]:
    """BallotClosed then ResultPublished, saved in the same update as the close."""
    assert ballot.result is not None and ballot.closed_at is not None and ballot.published_at is not None
    result = ballot.result
    closed = _once_per_ballot(
        ballot,
        BallotClosed(
            ballot_id=ballot.ballot_id, agency=ballot.agency, closed_at=ballot.closed_at, votes_cast=result.total_votes
        ),
    )
    published = _once_per_ballot(
        ballot,
        ResultPublished(
            ballot_id=ballot.ballot_id,
            agency=ballot.agency,
            question=localized(ballot.question),
            counts=option_counts(ballot, result.counts),
            total_votes=result.total_votes,
            outcome=result.outcome,
            winners=result.winners,
            published_at=ballot.published_at,
            board_head=ballot.board_head,
            tied=result.tied,
            rounds=runoff_rounds(result),
            rule=result.rule or None,
            turnout=turnout(ballot.turnout),
            constituencies=constituency_results(ballot, result),
            budget=budget_outcome(ballot, result),
        ),
        caused_by=closed,
    )
    return [closed, published]


# The parts of a result in the catalog's shape, which the HTTP API serves too.


def option_counts(ballot: Ballot, counts: Iterable[OptionTally]) -> tuple[OptionCount, ...]:
    labels = {o.option_id: o.label for o in ballot.options}
    return tuple(
        OptionCount(option_id=c.option_id, label=localized(labels[c.option_id]), votes=c.votes, percent=c.percent)
        for c in counts
    )


def runoff_rounds(tally: Tally) -> tuple[RunoffRound, ...]:
    return tuple(
        RunoffRound(
            number=r.number, counts=r.counts, exhausted=r.exhausted, eliminated=r.eliminated, tied_lowest=r.tied_lowest
        )
        for r in tally.rounds
    )


def constituency_results(ballot: Ballot, tally: Tally) -> tuple[ConstituencyResult, ...]:
    return tuple(
        ConstituencyResult(
            wilayat=c.wilayat,
            governorate=c.governorate,
            seats=c.seats,
            counts=option_counts(ballot, c.counts),
            total_votes=c.total_votes,
            outcome=c.outcome,
            winners=c.winners,
            tied=c.tied,
        )
        for c in tally.constituencies
    )


def budget_outcome(ballot: Ballot, tally: Tally) -> BudgetOutcome | None:
    if tally.budget is None:
        return None
    labels = {o.option_id: o.label for o in ballot.options}
    return BudgetOutcome(
        total_budget=tally.budget.total_budget,
        spent=tally.budget.spent,
        selected=tally.budget.selected,
        projects=tuple(
            BudgetProject(
                project_id=p.project_id,
                label=localized(labels[p.project_id]),
                cost=p.cost,
                votes=p.votes,
                selected=p.selected,
            )
            for p in tally.budget.projects
        ),
    )


def turnout(counted: DomainTurnout | None) -> Turnout | None:
    if counted is None:
        return None
    return Turnout(
        eligible=counted.eligible,
        voted=counted.voted,
        percent=counted.percent,
        by_governorate=tuple(
            GovernorateTurnout(governorate=g.governorate, eligible=g.eligible, voted=g.voted, percent=g.percent)
            for g in counted.by_governorate
        ),
    )


def localized(text: Text) -> LocalizedText:
    return LocalizedText(ar=text.ar, en=text.en)


def _envelope(ballot: Ballot, event) -> Envelope:
    return Envelope(event=event, source=SOURCE, agency=ballot.agency)


def _once_per_ballot(ballot: Ballot, event, *, caused_by: Envelope | None = None) -> Envelope:
    """A fact a ballot states once gets a fixed event id, so consumers that dedupe on
    ce_id drop a repeat: a second defence beside the conditional update that lets one
    replica close a ballot (stores without single-document atomicity need it)."""
    return Envelope(
        event=event,
        source=SOURCE,
        agency=ballot.agency,
        id=f"{ballot.ballot_id}.{event.name}",
        correlation_id=caused_by.correlation_id or caused_by.id if caused_by else None,
        causation_id=caused_by.id if caused_by else None,
    )
