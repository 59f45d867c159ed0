"""Domain state to the public catalog events (the adapter of HANDBOOK §4 rule 5)."""

from sharik.events import Envelope, LocalizedText
from sharik.events.voting import BallotClosed, BallotOpened, BallotOption, OptionCount, ResultPublished, VoteCast
from voting.domain.ballot import Ballot, Text
from voting.domain.vote import Vote

SOURCE = "voting"


def ballot_opened(ballot: Ballot) -> Envelope:
    return _envelope(
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
        ),
    )


def vote_cast(ballot: Ballot, vote: Vote) -> Envelope:
    return _envelope(
        ballot, VoteCast(ballot_id=vote.ballot_id, vote_id=vote.vote_id, choice=vote.choice, cast_at=vote.cast_at)
    )


def ballot_closed_with_result(ballot: Ballot) -> list[Envelope]:
    """BallotClosed then ResultPublished, saved in the same update as the close."""
    assert ballot.result is not None and ballot.closed_at is not None and ballot.published_at is not None
    result = ballot.result
    labels = {o.option_id: o.label for o in ballot.options}
    closed = _envelope(
        ballot,
        BallotClosed(
            ballot_id=ballot.ballot_id, agency=ballot.agency, closed_at=ballot.closed_at, votes_cast=result.total_votes
        ),
    )
    published = closed.caused(
        ResultPublished(
            ballot_id=ballot.ballot_id,
            agency=ballot.agency,
            question=localized(ballot.question),
            counts=tuple(
                OptionCount(option_id=c.option_id, label=localized(labels[c.option_id]), votes=c.votes, percent=c.percent)
                for c in result.counts
            ),
            total_votes=result.total_votes,
            outcome=result.outcome,
            winners=result.winners,
            published_at=ballot.published_at,
        ),
        source=SOURCE,
        agency=ballot.agency,
    )
    return [closed, published]


def localized(text: Text) -> LocalizedText:
    return LocalizedText(ar=text.ar, en=text.en)


def _envelope(ballot: Ballot, event) -> Envelope:
    return Envelope(event=event, source=SOURCE, agency=ballot.agency)
