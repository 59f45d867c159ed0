"""The projections applied to the real store: duplicates change nothing, and an
aggregate's events give the same documents in whatever order they are applied."""

from datetime import UTC, datetime
from itertools import permutations

import pytest
from pymongo import AsyncMongoClient

from reporting.projections import project
from reporting.store import ReadModel
from reporting.views import TransparencyViews
from sharik.events import LocalizedText
from sharik.events.feedback import ComplaintFiled, ComplaintStatusChanged
from sharik.events.notifier import NotificationFailed, NotificationSent
from sharik.events.voting import BallotClosed, BallotOpened, BallotOption, OptionCount, ResultPublished
from tests.support.service import unique_database

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)
QUESTION = LocalizedText(ar="ما موضوع المنتدى؟", en="Which forum topic?")
OPTION = LocalizedText(ar="الإنسان والمجتمع", en="Human and society")


@pytest.fixture
async def read_model(mongodb_url):
    client = AsyncMongoClient(mongodb_url, tz_aware=True)
    database = client[unique_database("reporting")]
    model = ReadModel(database)
    await model.create_indexes()
    yield model
    await client.drop_database(database.name)
    await client.close()


async def apply(model: ReadModel, event) -> None:
    for change in project(event):
        await model.apply(change)


async def documents(model: ReadModel, collection: str) -> list[dict]:
    return await model[collection].find().sort("_id", 1).to_list()


def status(sequence: int, new: str, previous: str) -> ComplaintStatusChanged:
    return ComplaintStatusChanged(
        complaint_id="k1", agency="mm", status=new, previous_status=previous, sequence=sequence, changed_at=NOW
    )


COMPLAINT_EVENTS = [
    ComplaintFiled(
        complaint_id="k1", agency="mm", kind="complaint", category="roads", governorate="Muscat", filed_at=NOW
    ),
    status(1, "routed", "submitted"),
    status(2, "in_progress", "routed"),
    status(3, "resolved", "in_progress"),
]

BALLOT_EVENTS = [
    BallotOpened(
        ballot_id="b1",
        agency="mm",
        kind="single_choice",
        question=QUESTION,
        options=(BallotOption(option_id="o1", label=OPTION),),
        opens_at=NOW,
        closes_at=NOW,
    ),
    BallotClosed(ballot_id="b1", agency="mm", closed_at=NOW, votes_cast=5),
    ResultPublished(
        ballot_id="b1",
        agency="mm",
        question=QUESTION,
        counts=(OptionCount(option_id="o1", label=OPTION, votes=5, percent=100.0),),
        total_votes=5,
        outcome="winner",
        winners=("o1",),
        published_at=NOW,
    ),
]


@pytest.mark.parametrize(
    ("events", "collection"), [(COMPLAINT_EVENTS, "complaints"), (BALLOT_EVENTS, "ballots")], ids=["complaint", "ballot"]
)
async def test_every_order_and_every_repeat_converges_to_the_same_document(read_model, events, collection):
    await read_model.drop()
    for event in events:
        await apply(read_model, event)
    expected = await documents(read_model, collection)
    for order in permutations(events):
        await read_model.drop()
        for event in order + order:
            await apply(read_model, event)
        assert await documents(read_model, collection) == expected, [type(e).__name__ for e in order]


async def test_a_stale_status_change_does_not_regress_the_complaint(read_model):
    for event in COMPLAINT_EVENTS:
        await apply(read_model, event)
    await apply(read_model, status(2, "in_progress", "routed"))
    await apply(read_model, COMPLAINT_EVENTS[0])
    [complaint] = await documents(read_model, "complaints")
    assert (complaint["status"], complaint["sequence"], complaint["category"]) == ("resolved", 3, "roads")


async def test_a_delivery_counts_once_and_a_retried_failure_counts_as_sent(read_model):
    common = dict(subscription_id="s1", cause_type="BallotOpened", cause_id="b1", attempts=1)
    retried = [
        NotificationSent(delivery_id="d1", channel="sms", sent_at=NOW, **common),
        NotificationFailed(delivery_id="d1", channel="sms", error="timeout", failed_at=NOW, **common),
        NotificationSent(delivery_id="d1", channel="sms", sent_at=NOW, **common),
    ]
    failed = NotificationFailed(delivery_id="d2", channel="email", error="bounced", failed_at=NOW, **common)
    for event in [*retried, failed, failed]:
        await apply(read_model, event)

    views = TransparencyViews(read_model)
    assert await views.notifications(cause_id="b1") == {
        "sent": 1,
        "failed": 1,
        "channels": {"email": {"sent": 0, "failed": 1}, "sms": {"sent": 1, "failed": 0}},
    }
    assert (await views.notifications(cause_id="elsewhere"))["sent"] == 0
