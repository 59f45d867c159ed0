"""Ballots and their results, one document per ballot.

Each event of a ballot sets fields no other event of it sets (the question excepted,
which does not change), so the document is the same whatever order they arrive in,
e.g. when a rebuild replays old events while the live consumer applies new ones. The
state is derived when read: published if a result is present, closed if closed."""

from reporting.projections.change import BALLOTS, Change
from sharik.events.voting import BallotClosed, BallotOpened, ResultPublished


def ballot_opened(event: BallotOpened) -> list[Change]:
    """The ballot's question, options and window."""
    fields = event.model_dump(exclude={"ballot_id"})
    return [Change(BALLOTS, event.ballot_id, {"$set": {**fields, "opened": True}})]


def ballot_closed(event: BallotClosed) -> list[Change]:
    """The ballot stopped accepting votes after `votes_cast` votes."""
    fields = {"agency": event.agency, "closed": True, "closed_at": event.closed_at, "votes_cast": event.votes_cast}
    return [Change(BALLOTS, event.ballot_id, {"$set": fields})]


def result_published(event: ResultPublished) -> list[Change]:
    """The published result whole: counts, outcome, board head and whatever else the
    catalog's ResultPublished carries (rule, turnout, constituencies, budget)."""
    # Everything but what the document holds elsewhere, so a field the catalog adds
    # reaches the open-data files without a change here.
    result = event.model_dump(exclude={"ballot_id", "agency", "question"})
    fields = {"agency": event.agency, "question": event.question.model_dump(), "result": result}
    return [Change(BALLOTS, event.ballot_id, {"$set": fields})]
