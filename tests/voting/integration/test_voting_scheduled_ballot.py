"""A ballot opened before its start time is shown as scheduled, in voting's API and in
reporting's read model, until its opens_at: it takes no vote before then."""

from datetime import UTC, datetime, timedelta

from reporting.projections.ballots import ballot_opened
from reporting.views import _ballot
from sharik.events import LocalizedText
from sharik.events.voting import BallotOpened
from tests.voting.integration.test_voting_ballots_api import opened_ballot


async def test_an_early_opened_ballot_is_scheduled_until_it_opens(voting, tokens):
    officer = tokens.officer("moh")
    starts = datetime.now(UTC) + timedelta(days=2)
    ballot_id = await opened_ballot(voting, officer, opens_at=starts.isoformat())

    shown = await voting.get(f"/ballots/{ballot_id}")
    assert shown.json()["state"] == "scheduled"
    listed = await voting.get("/ballots", params={"agency": "moh"})
    assert {b["ballot_id"]: b["state"] for b in listed.json()}[ballot_id] == "scheduled"
    vote = await voting.post(f"/ballots/{ballot_id}/votes", json={"choice": "economy"}, headers=tokens.citizen())
    assert vote.status_code == 409 and vote.json()["error"]["code"] == "ballot_not_open"


async def test_a_ballot_past_its_start_shows_as_open(voting, tokens):
    ballot_id = await opened_ballot(voting, tokens.officer("moh"))
    assert (await voting.get(f"/ballots/{ballot_id}")).json()["state"] == "open"


def test_reporting_derives_scheduled_from_the_events_times():
    now = datetime(2030, 1, 1, tzinfo=UTC)
    event = BallotOpened(
        ballot_id="b1",
        agency="moh",
        kind="single_choice",
        question=LocalizedText(ar="سؤال", en="Question"),
        options=[],
        opens_at=now + timedelta(hours=1),
        closes_at=now + timedelta(days=1),
    )
    (change,) = ballot_opened(event)
    document = {"_id": "b1", **change.update["$set"]}
    assert _ballot(document, now)["state"] == "scheduled"
    assert _ballot(document, now + timedelta(hours=2))["state"] == "open"
    assert _ballot({**document, "closed": True}, now)["state"] == "closed"
