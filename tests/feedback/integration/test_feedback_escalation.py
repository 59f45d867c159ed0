"""The escalation scheduler on the real store and Kafka, with a clock the test moves:
breaches found at the right business moment, each rung recorded and published once,
even with two replicas running the same pass at once."""

import asyncio
import json
from datetime import datetime, timedelta

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from ulid import ULID

from feedback.config import FeedbackSettings
from feedback.escalation import EscalationScheduler, SlaRules
from feedback.escalation_store import EscalationStore
from feedback.main import create_app
from feedback.sla.calendar import MUSCAT
from sharik.events.catalog import TOPICS
from sharik.store import PENDING, connect
from tests.support.service import running

pytestmark = pytest.mark.integration

AGENCY = "muscat-municipality"
TOPIC = "feedback.complaints"
ESCALATED = "om.sharik.feedback.ComplaintEscalated.v1"
# Thursday 14 January 2027, 13:00 in Muscat. With 8 business hours to acknowledge:
# 1.5 h on Thursday, the weekend (Friday, Saturday) skipped, 6.5 h on Sunday.
FILED = datetime(2027, 1, 14, 13, 0, tzinfo=MUSCAT)
ACK_DUE = datetime(2027, 1, 17, 14, 0, tzinfo=MUSCAT)  # Sunday
AGENCY_ADMIN_DUE = datetime(2027, 1, 18, 14, 0, tzinfo=MUSCAT)  # 7 business hours later
OPERATOR_DUE = datetime(2027, 1, 20, 14, 0, tzinfo=MUSCAT)  # 21 business hours later
SECOND = timedelta(seconds=1)


class Clock:
    """The time the scheduler sees; the test moves it."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def settings(feedback_settings) -> FeedbackSettings:
    # The app's own scheduler makes one pass at start, then the test drives the passes.
    return feedback_settings(escalation_poll_seconds=3600)


@pytest.fixture
def clock() -> Clock:
    return Clock(FILED - timedelta(hours=1))


@pytest.fixture
async def db(settings):
    client = connect(settings.mongodb_url)
    yield client[settings.mongodb_database]
    await client.close()


@pytest.fixture
async def feedback(settings, clock):
    async with running(create_app(settings, now=clock)) as client:
        yield client


def scheduler(db, settings, clock) -> EscalationScheduler:
    """One replica's scheduler on the shared store; the app's relay publishes its events."""
    return EscalationScheduler(EscalationStore(db), SlaRules.of(settings), clock=clock, every_seconds=3600)


async def file_complaint(db, *, filed_at=FILED, agency=AGENCY, confidential=False) -> str:
    """A complaint as the complaint store keeps it: the fields the scheduler reads."""
    complaint_id = str(ULID())
    await db["complaints"].insert_one(
        {
            "_id": complaint_id,
            "agency": agency,
            "tracking_code": f"T-{complaint_id}",
            "kind": "complaint",
            "category": "street-lighting",
            "confidential": confidential,
            "filed_at": filed_at,
            "status": "submitted",
            "history": [{"status": "submitted", "at": filed_at, "by": None}],
            "version": 1,
            "outbox": [],
        }
    )
    return complaint_id


async def move(db, complaint_id: str, status: str, at: datetime) -> None:
    await db["complaints"].update_one(
        {"_id": complaint_id},
        {"$set": {"status": status}, "$push": {"history": {"status": status, "at": at, "by": "officer-1"}}},
    )


async def levels(db, complaint_id: str) -> list[tuple[str, str]]:
    cursor = db["escalations"].find({"complaint_id": complaint_id}).sort("escalated_at", 1)
    return [(d["target"], d["level"]) async for d in cursor]


async def published_escalations(bootstrap: str, db, complaint_ids: set[str]) -> list[dict]:
    """Every ComplaintEscalated of these complaints on Kafka, once the relay emptied the outbox."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while await db["escalations"].count_documents({PENDING: True}) and loop.time() < deadline:
        await asyncio.sleep(0.2)
    assert await db["escalations"].count_documents({PENDING: True}) == 0, "the relay did not publish"
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    found = []
    try:
        partitions = [TopicPartition(TOPIC, p) for p in range(TOPICS[TOPIC])]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        # Everything published so far, the relay's last events included, is before these.
        ends = await consumer.end_offsets(partitions)
        while await _behind(consumer, ends) and loop.time() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    headers = {k: v.decode() for k, v in record.headers}
                    if record.key and record.key.decode() in complaint_ids and headers.get("ce_type") == ESCALATED:
                        found.append(json.loads(record.value))
        assert not await _behind(consumer, ends), "the topic was not read to its end in time"
    finally:
        await consumer.stop()
    return found


async def _behind(consumer: AIOKafkaConsumer, ends: dict) -> bool:
    return any([await consumer.position(partition) < end for partition, end in ends.items()])


async def test_a_thursday_complaint_climbs_the_ladder_one_rung_at_a_time(
    feedback, db, settings, clock, kafka_bootstrap_servers
):
    complaint_id = await file_complaint(db)
    replica = scheduler(db, settings, clock)

    clock.at = ACK_DUE
    assert await replica.run_once() == 0, "acknowledging exactly at the deadline meets it"
    clock.at = ACK_DUE + SECOND
    assert await replica.run_once() == 1
    assert await levels(db, complaint_id) == [("acknowledge", "unit_head")]
    assert await replica.run_once() == 0, "a rung is recorded once"

    clock.at = AGENCY_ADMIN_DUE - SECOND
    assert await replica.run_once() == 0
    clock.at = AGENCY_ADMIN_DUE
    assert await replica.run_once() == 1
    clock.at = OPERATOR_DUE
    assert await replica.run_once() == 1
    assert await replica.run_once() == 0, "the top of the ladder"
    assert await levels(db, complaint_id) == [
        ("acknowledge", "unit_head"),
        ("acknowledge", "agency_admin"),
        ("acknowledge", "platform_operator"),
    ]

    events = await published_escalations(kafka_bootstrap_servers, db, {complaint_id})
    assert [e["level"] for e in sorted(events, key=lambda e: e["escalated_at"])] == [
        "unit_head",
        "agency_admin",
        "platform_operator",
    ]
    first = min(events, key=lambda e: e["escalated_at"])
    assert first == {
        "complaint_id": complaint_id,
        "agency": AGENCY,
        "category": "street-lighting",
        "target": "acknowledge",
        "level": "unit_head",
        "breach_id": f"{complaint_id}:acknowledge:unit_head",
        "deadline": first["deadline"],
        "escalated_at": first["escalated_at"],
    }
    assert datetime.fromisoformat(first["deadline"]) == ACK_DUE
    assert datetime.fromisoformat(first["escalated_at"]) == ACK_DUE + SECOND


async def test_a_scheduler_that_was_down_climbs_the_missed_rungs_in_one_pass(feedback, db, settings, clock):
    complaint_id = await file_complaint(db)
    clock.at = OPERATOR_DUE + timedelta(days=1)
    assert await scheduler(db, settings, clock).run_once() == 3
    assert [level for _, level in await levels(db, complaint_id)] == ["unit_head", "agency_admin", "platform_operator"]


async def test_two_replicas_running_the_same_passes_escalate_each_breach_once(
    feedback, db, settings, clock, kafka_bootstrap_servers
):
    complaint_ids = {await file_complaint(db) for _ in range(5)}
    first, second = scheduler(db, settings, clock), scheduler(db, settings, clock)

    for moment, rungs in [(ACK_DUE + SECOND, 5), (AGENCY_ADMIN_DUE, 5), (OPERATOR_DUE, 5)]:
        clock.at = moment
        recorded = await asyncio.gather(first.run_once(), second.run_once(), first.run_once(), second.run_once())
        assert sum(recorded) == rungs

    assert await db["escalations"].count_documents({"complaint_id": {"$in": list(complaint_ids)}}) == 15
    events = await published_escalations(kafka_bootstrap_servers, db, complaint_ids)
    breach_ids = [e["breach_id"] for e in events]
    assert len(breach_ids) == 15
    assert len(set(breach_ids)) == 15


async def test_an_acknowledged_case_is_not_escalated_for_acknowledgement(feedback, db, settings, clock):
    on_time = await file_complaint(db)
    late = await file_complaint(db)
    await move(db, on_time, "acknowledged", ACK_DUE - SECOND)
    await move(db, late, "acknowledged", ACK_DUE + timedelta(hours=1))

    clock.at = OPERATOR_DUE + timedelta(days=1)
    await scheduler(db, settings, clock).run_once()
    assert await levels(db, on_time) == []
    assert await levels(db, late) == [], "answered late, but nobody needs to act any more"


async def test_answered_and_waiting_cases_are_not_escalated(feedback, db, settings, clock):
    resolved = await file_complaint(db)
    waiting = await file_complaint(db)
    await move(db, resolved, "acknowledged", FILED + timedelta(minutes=5))
    await move(db, resolved, "resolved", FILED + timedelta(minutes=10))
    await move(db, waiting, "acknowledged", FILED + timedelta(minutes=5))
    await move(db, waiting, "waiting_for_citizen", FILED + timedelta(minutes=10))

    # Long past the 70 business hours to resolve; the waiting case's clock stopped at 1 h.
    clock.at = FILED + timedelta(days=60)
    await scheduler(db, settings, clock).run_once()
    assert await levels(db, resolved) == []
    assert await levels(db, waiting) == []


async def test_public_holidays_do_not_count(feedback_settings, clock):
    # Sunday a holiday: the 6.5 hours left on Thursday evening are used up on Monday.
    settings = feedback_settings(escalation_poll_seconds=3600, holidays="2027-01-17")
    client = connect(settings.mongodb_url)
    db = client[settings.mongodb_database]
    try:
        complaint_id = await file_complaint(db)
        replica = scheduler(db, settings, clock)
        clock.at = ACK_DUE + timedelta(hours=1)
        assert await replica.run_once() == 0
        clock.at = ACK_DUE + timedelta(days=1)
        assert await replica.run_once() == 0, "Monday 14:00 is the deadline itself"
        clock.at = ACK_DUE + timedelta(days=1) + SECOND
        assert await replica.run_once() == 1
        deadline = (await db["escalations"].find_one({"complaint_id": complaint_id}))["deadline"]
        assert deadline == ACK_DUE + timedelta(days=1)
    finally:
        await client.close()


async def test_staff_of_the_agency_and_auditors_read_a_complaints_escalations(feedback, db, settings, clock, tokens):
    complaint_id = await file_complaint(db)
    clock.at = AGENCY_ADMIN_DUE
    await scheduler(db, settings, clock).run_once()

    for caller in (tokens.officer(AGENCY), tokens.of(["auditor"])):
        response = await feedback.get(f"/complaints/{complaint_id}/escalations", headers=caller)
        assert response.status_code == 200, response.text
        assert [(e["level"], e["target"]) for e in response.json()] == [
            ("unit_head", "acknowledge"),
            ("agency_admin", "acknowledge"),
        ]
    body = response.json()[0]
    assert body["breach_id"] == f"{complaint_id}:acknowledge:unit_head"
    assert body["reason"] == "acknowledge_breached"
    assert datetime.fromisoformat(body["deadline"]) == ACK_DUE

    other = await feedback.get(f"/complaints/{complaint_id}/escalations", headers=tokens.officer("other-agency"))
    assert other.status_code == 404
    citizen = await feedback.get(f"/complaints/{complaint_id}/escalations", headers=tokens.citizen())
    assert citizen.status_code == 404
    missing = await feedback.get(f"/complaints/{ULID()}/escalations", headers=tokens.officer(AGENCY))
    assert missing.status_code == 404
    assert (await feedback.get(f"/complaints/{complaint_id}/escalations")).status_code == 401


async def test_a_confidential_cases_escalations_are_for_its_confidential_team(feedback, db, settings, clock, tokens):
    complaint_id = await file_complaint(db, confidential=True)
    clock.at = ACK_DUE + SECOND
    await scheduler(db, settings, clock).run_once()

    path = f"/complaints/{complaint_id}/escalations"
    team = await feedback.get(path, headers=tokens.officer(AGENCY, role="confidential_team"))
    assert team.status_code == 200 and len(team.json()) == 1
    assert (await feedback.get(path, headers=tokens.officer(AGENCY))).status_code == 404
    admin = tokens.officer(AGENCY, role="agency_admin")
    listed = await feedback.get("/escalations", headers=admin)
    assert complaint_id not in {e["complaint_id"] for e in listed.json()}


async def test_the_operator_lists_every_agency_and_an_agency_admin_their_own(feedback, db, settings, clock, tokens):
    ours = await file_complaint(db)
    theirs = await file_complaint(db, agency="ministry-of-health")
    clock.at = AGENCY_ADMIN_DUE
    await scheduler(db, settings, clock).run_once()

    operator = await feedback.get("/escalations", headers=tokens.of(["operator"]))
    assert operator.status_code == 200
    assert {e["complaint_id"] for e in operator.json()} == {ours, theirs}
    top = await feedback.get("/escalations", params={"level": "agency_admin"}, headers=tokens.of(["operator"]))
    assert {(e["complaint_id"], e["level"]) for e in top.json()} == {(ours, "agency_admin"), (theirs, "agency_admin")}

    admin = await feedback.get("/escalations", headers=tokens.officer(AGENCY, role="agency_admin"))
    assert admin.status_code == 200
    assert {e["complaint_id"] for e in admin.json()} == {ours}

    assert (await feedback.get("/escalations", headers=tokens.officer(AGENCY))).status_code == 403
    bad = await feedback.get("/escalations", params={"level": "minister"}, headers=tokens.of(["operator"]))
    assert bad.status_code == 422


async def test_an_unreadable_case_does_not_hold_back_the_others(feedback, db, settings, clock):
    broken = await file_complaint(db)
    await db["complaints"].update_one({"_id": broken}, {"$unset": {"category": ""}})
    sound = await file_complaint(db)
    clock.at = ACK_DUE + SECOND
    assert await scheduler(db, settings, clock).run_once() == 1
    assert await levels(db, sound) == [("acknowledge", "unit_head")]


async def test_a_reopened_case_resumes_its_resolve_clock_and_escalates_again(feedback, db, settings, clock):
    # Answered after 10 minutes, reopened by the citizen 10 days later: the 70 business
    # hours to resolve go on from where the answer stopped them, not from the reopening.
    complaint_id = await file_complaint(db)
    await move(db, complaint_id, "acknowledged", FILED + timedelta(minutes=5))
    await move(db, complaint_id, "in_progress", FILED + timedelta(minutes=6))
    await move(db, complaint_id, "resolved", FILED + timedelta(minutes=10))
    await move(db, complaint_id, "closed", FILED + timedelta(days=2))
    reopened_at = datetime(2027, 1, 24, 7, 30, tzinfo=MUSCAT)  # a Sunday, at opening
    await move(db, complaint_id, "in_progress", reopened_at)

    left = timedelta(hours=70) - timedelta(minutes=10)  # business time the answer left
    due = SlaRules.of(settings).calendar.add_business_time(reopened_at, left)
    clock.at = due
    assert await scheduler(db, settings, clock).run_once() == 0, "due exactly now: not yet missed"
    clock.at = due + SECOND
    assert await scheduler(db, settings, clock).run_once() == 1
    assert await levels(db, complaint_id) == [("resolve", "unit_head")]
