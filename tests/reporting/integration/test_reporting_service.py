"""The reporting service on the real broker and store: catalog events published to
the public topics appear in the transparency API, duplicates and stale changes change
nothing, poison messages are dead-lettered, and a rebuild gives the same answers.

The topics are shared with other tests, so each test uses its own agency and ids and
asserts only on what is filtered to them."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from ulid import ULID

from reporting.config import ReportingSettings
from reporting.main import create_app
from reporting.rebuild import main as rebuild_command
from sharik.events import CATALOG, Envelope, Event, LocalizedText
from sharik.events.consultation import CampaignLaunched
from sharik.events.feedback import (
    ComplaintFiled,
    ComplaintRated,
    ComplaintStatusChanged,
    ServiceEvaluated,
    ServiceRated,
)
from sharik.events.notifier import NotificationFailed, NotificationSent
from sharik.events.voting import BallotClosed, BallotOpened, BallotOption, OptionCount, ResultPublished
from tests.reporting.integration.test_reporting_consultation_datasets import (
    all_events,
    alert_history,
    consultation_history,
)
from tests.support.service import running, unique_database

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
ESCALATED = CATALOG.get("om.sharik.feedback.ComplaintEscalated.v1")
DEADLINE_SECONDS = 120
CONSULTATION_DATASETS = ("campaigns", "decisions", "kpi", "survey-responses", "draft-policy-comments", "alerts")


@pytest.fixture(scope="module")
def settings(kafka_bootstrap_servers, mongodb_url, jwt_keys) -> ReportingSettings:
    # Its own consumer group, so no other reporting instance shares its partitions.
    return ReportingSettings(
        service_name=f"reporting-test-{str(ULID()).lower()}",
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        mongodb_database=unique_database("reporting"),
        jwt_public_key=jwt_keys[1],
        environment="test",
    )


@pytest.fixture(scope="module")
async def reporting(settings, start_group_at_the_end):
    await start_group_at_the_end(f"sharik.{settings.service_name}")
    async with running(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
async def producer(kafka_bootstrap_servers):
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers, enable_idempotence=True)
    await producer.start()
    yield producer
    await producer.stop()


@pytest.fixture
def agency() -> str:
    return f"agency-{str(ULID()).lower()}"


async def send(producer: AIOKafkaProducer, envelope: Envelope, *, partition: int | None = None) -> None:
    """Publish as the outbox relay does: CloudEvents headers, keyed by the aggregate."""
    await producer.send_and_wait(
        envelope.event.topic,
        envelope.body(),
        key=envelope.event.partition_key().encode(),
        partition=partition,
        headers=[(name, value.encode()) for name, value in envelope.headers().items()],
    )


def envelope(event: Event) -> Envelope:
    return Envelope(event=event, source="tests", agency=getattr(event, "agency", None))


async def eventually(read: Callable[[], Awaitable], until: Callable[[object], bool]):
    """Poll `read` until its answer satisfies `until`; fail after the deadline."""
    deadline = asyncio.get_running_loop().time() + DEADLINE_SECONDS
    while True:
        answer = await read()
        if until(answer):
            return answer
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"the read model never got there; last answer: {answer}")
        await asyncio.sleep(0.3)


def json_of(client, path: str, **params):
    async def read():
        response = await client.get(path, params=params)
        assert response.status_code in (200, 404), response.text
        return response.json()

    return read


def campaign(agency: str, campaign_id: str | None = None) -> CampaignLaunched:
    return CampaignLaunched(
        campaign_id=campaign_id or str(ULID()),
        agency=agency,
        kind="poll",
        title=LocalizedText(ar="اختر موضوع منتدى معاً نتقدم", en="Choose the Together We Progress topic"),
        summary=LocalizedText(ar="ثلاثة مواضيع مقترحة", en="Three proposed topics"),
        opens_at=NOW,
        closes_at=NOW + timedelta(days=14),
        launched_at=NOW,
    )


def ballot_events(agency: str, ballot_id: str) -> list[Event]:
    question = LocalizedText(ar="أي موضوع تختار؟", en="Which topic do you choose?")
    labels = {"o1": LocalizedText(ar="الإنسان والمجتمع", en="Human and society"),
              "o2": LocalizedText(ar="سوق العمل", en="Labour market")}
    return [
        BallotOpened(
            ballot_id=ballot_id,
            agency=agency,
            kind="single_choice",
            question=question,
            options=tuple(BallotOption(option_id=o, label=label) for o, label in labels.items()),
            opens_at=NOW,
            closes_at=NOW + timedelta(days=1),
        ),
        BallotClosed(ballot_id=ballot_id, agency=agency, closed_at=NOW, votes_cast=5),
        ResultPublished(
            ballot_id=ballot_id,
            agency=agency,
            question=question,
            counts=(
                OptionCount(option_id="o1", label=labels["o1"], votes=3, percent=60.0),
                OptionCount(option_id="o2", label=labels["o2"], votes=2, percent=40.0),
            ),
            total_votes=5,
            outcome="winner",
            winners=("o1",),
            published_at=NOW,
        ),
    ]


def filed(agency: str, complaint_id: str) -> ComplaintFiled:
    return ComplaintFiled(
        complaint_id=complaint_id,
        agency=agency,
        kind="complaint",
        category="roads",
        governorate="Muscat",
        filed_at=NOW,
    )


def changed(agency: str, complaint_id: str, sequence: int, status: str, previous: str) -> ComplaintStatusChanged:
    return ComplaintStatusChanged(
        complaint_id=complaint_id, agency=agency, status=status, previous_status=previous, sequence=sequence, changed_at=NOW
    )


async def publish_a_history(producer, agency: str) -> tuple[str, str]:
    """One campaign, one published ballot, two complaints (one routed): their ids."""
    ballot_id, complaint_id = str(ULID()), str(ULID())
    await send(producer, envelope(campaign(agency)))
    for event in ballot_events(agency, ballot_id):
        await send(producer, envelope(event))
    await send(producer, envelope(filed(agency, complaint_id)))
    await send(producer, envelope(changed(agency, complaint_id, 1, "routed", "submitted")))
    await send(producer, envelope(filed(agency, str(ULID()))))
    return ballot_id, complaint_id


def complete(summary: dict) -> bool:
    return (
        summary["campaigns_launched"] == 1
        and summary["complaints"]["by_status"] == {"routed": 1, "submitted": 1}
        and summary["votes_cast"] == 5
    )


async def test_published_events_appear_in_the_transparency_api(reporting, producer, agency):
    ballot_id, _ = await publish_a_history(producer, agency)

    summary = await eventually(json_of(reporting, "/transparency/summary", agency=agency), complete)
    assert summary["ballots_closed"] == 1
    assert summary["complaints"]["by_status"] == {"routed": 1, "submitted": 1}

    ballot = await eventually(json_of(reporting, f"/transparency/ballots/{ballot_id}"), lambda b: "result" in b)
    assert ballot["state"] == "published"
    assert ballot["question"] == {"ar": "أي موضوع تختار؟", "en": "Which topic do you choose?"}
    assert [(c["option_id"], c["votes"], c["percent"]) for c in ballot["result"]["counts"]] == [
        ("o1", 3, 60.0),
        ("o2", 2, 40.0),
    ]
    assert ballot["votes_cast"] == 5

    [listed] = (await reporting.get("/transparency/ballots", params={"agency": agency})).json()
    assert listed["ballot_id"] == ballot_id
    [launched] = (await reporting.get("/transparency/campaigns", params={"agency": agency})).json()
    assert launched["title"]["en"] == "Choose the Together We Progress topic"
    complaints = (await reporting.get("/transparency/complaints/summary", params={"agency": agency})).json()
    assert complaints == {
        "total": 2,
        "by_status": {"routed": 1, "submitted": 1},
        "agencies": [{"agency": agency, "total": 2, "by_status": {"routed": 1, "submitted": 1}}],
    }
    assert (await reporting.get(f"/transparency/ballots/{ULID()}")).status_code == 404


async def test_publishing_the_same_events_twice_changes_nothing(reporting, producer, agency):
    ballot_id, complaint_id = str(ULID()), str(ULID())
    launched = envelope(campaign(agency))
    # The copies and a later marker share a partition, so once the marker shows, the
    # copies have been consumed too.
    await send(producer, launched, partition=0)
    await send(producer, launched, partition=0)
    await send(producer, envelope(campaign(agency, campaign_id=f"marker-{ULID()}")), partition=0)
    for event in ballot_events(agency, ballot_id):
        await send(producer, envelope(event))
        await send(producer, envelope(event))
    complaint = envelope(filed(agency, complaint_id))
    await send(producer, complaint)
    await send(producer, complaint)
    await send(producer, envelope(filed(agency, str(ULID()))))
    await send(producer, envelope(changed(agency, complaint_id, 1, "routed", "submitted")))

    summary = await eventually(
        json_of(reporting, "/transparency/summary", agency=agency),
        lambda s: s["campaigns_launched"] == 2 and s["complaints"]["by_status"].get("routed") == 1
        and s["complaints"]["total"] == 2,
    )
    await eventually(json_of(reporting, f"/transparency/ballots/{ballot_id}"), lambda b: "result" in b)
    summary = (await reporting.get("/transparency/summary", params={"agency": agency})).json()
    assert (summary["campaigns_launched"], summary["ballots_closed"], summary["votes_cast"]) == (2, 1, 5)
    assert summary["complaints"] == {"total": 2, "by_status": {"routed": 1, "submitted": 1}}


async def test_a_stale_or_out_of_order_status_change_does_not_regress(reporting, producer, agency):
    complaint_id = str(ULID())
    await send(producer, envelope(changed(agency, complaint_id, 2, "acknowledged", "routed")))
    await send(producer, envelope(changed(agency, complaint_id, 1, "routed", "submitted")))
    await send(producer, envelope(filed(agency, complaint_id)))
    await send(producer, envelope(changed(agency, complaint_id, 3, "in_progress", "acknowledged")))
    await send(producer, envelope(changed(agency, complaint_id, 2, "acknowledged", "routed")))
    # A later change of the same complaint marks that everything before it was consumed.
    await send(producer, envelope(changed(agency, complaint_id, 4, "resolved", "in_progress")))
    await send(producer, envelope(changed(agency, complaint_id, 3, "in_progress", "acknowledged")))
    marker = str(ULID())
    await send(producer, envelope(filed(agency, marker)))

    complaints = await eventually(
        json_of(reporting, "/transparency/complaints/summary", agency=agency),
        lambda c: c["by_status"].get("resolved") == 1,
    )
    assert complaints["total"] <= 2
    await eventually(json_of(reporting, "/transparency/complaints/summary", agency=agency), lambda c: c["total"] == 2)
    complaints = (await reporting.get("/transparency/complaints/summary", params={"agency": agency})).json()
    assert complaints["by_status"] == {"resolved": 1, "submitted": 1}


async def test_a_malformed_event_is_dead_lettered_and_the_next_one_applied(
    reporting, producer, agency, settings, kafka_bootstrap_servers
):
    complaint_id = str(ULID())
    bad = envelope(filed(agency, complaint_id))
    headers = [(name, value.encode()) for name, value in bad.headers().items()]
    await producer.send_and_wait("feedback.complaints", b'{"complaint_id": 42}', key=complaint_id.encode(), headers=headers)
    await send(producer, envelope(filed(agency, complaint_id)))

    await eventually(json_of(reporting, "/transparency/complaints/summary", agency=agency), lambda c: c["total"] == 1)
    [dead] = await dead_letters(kafka_bootstrap_servers, group=f"sharik.{settings.service_name}", key=complaint_id)
    assert dead["dlq_origin_topic"] == "feedback.complaints"
    assert "invalid om.sharik.feedback.ComplaintFiled.v1" in dead["dlq_error"]


async def dead_letters(bootstrap: str, *, group: str, key: str) -> list[dict[str, str]]:
    """Headers of the dead letters `group` wrote for records keyed `key`; polls until one shows."""
    consumer = AIOKafkaConsumer(
        "feedback.complaints.dlq", bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: list[dict[str, str]] = []
    try:
        deadline = asyncio.get_running_loop().time() + DEADLINE_SECONDS
        while not found and asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    headers = {name: value.decode() for name, value in record.headers}
                    if record.key == key.encode() and headers.get("dlq_consumer_group") == group:
                        found.append(headers)
    finally:
        await consumer.stop()
    return found


async def test_notifications_are_counted_per_channel_once_per_delivery(reporting, producer):
    cause_id = str(ULID())
    common = dict(subscription_id="s1", cause_type="BallotOpened", cause_id=cause_id, attempts=1)
    sent = envelope(NotificationSent(delivery_id=str(ULID()), channel="sms", sent_at=NOW, **common))
    failed = envelope(NotificationFailed(delivery_id=str(ULID()), channel="email", error="bounced", failed_at=NOW, **common))
    for message in (sent, sent, failed, failed):
        await send(producer, message, partition=0)
    await send(producer, envelope(NotificationSent(delivery_id=str(ULID()), channel="webhook", sent_at=NOW, **common)), partition=0)

    answer = await eventually(json_of(reporting, "/transparency/notifications", cause_id=cause_id), lambda n: n["sent"] == 2)
    assert answer == {
        "sent": 2,
        "failed": 1,
        "channels": {
            "email": {"sent": 0, "failed": 1},
            "sms": {"sent": 1, "failed": 0},
            "webhook": {"sent": 1, "failed": 0},
        },
    }


def feedback_history(agency: str) -> list[Event]:
    """Two complaints handled (acknowledged after 2h and 6h, resolved after 10h and
    30h) and rated 5 and 2, the second escalated for acknowledging late (where the
    catalog has escalations); one filed in another governorate; one service rated by
    two citizens (one revising) and evaluated once."""
    events: list[Event] = []
    for hours, score, governorate in ((2, 5, "Muscat"), (6, 2, "Muscat")):
        complaint_id = str(ULID())
        events.append(ComplaintFiled(
            complaint_id=complaint_id, agency=agency, kind="complaint", category="roads",
            governorate=governorate, filed_at=NOW,
        ))
        for sequence, (status, previous, after) in enumerate(
            [("routed", "submitted", 1), ("acknowledged", "routed", hours),
             ("in_progress", "acknowledged", hours), ("resolved", "in_progress", hours * 5)],
            start=1,
        ):
            events.append(ComplaintStatusChanged(
                complaint_id=complaint_id, agency=agency, status=status, previous_status=previous,
                sequence=sequence, changed_at=NOW + timedelta(hours=after),
            ))
        events.append(ComplaintRated(
            complaint_id=complaint_id, agency=agency, category="roads", governorate=governorate, score=score,
            rated_at=NOW + timedelta(days=2),
        ))
    if ESCALATED is not None:
        events.append(ESCALATED(
            complaint_id=complaint_id, agency=agency, category="roads", target="acknowledge", level="unit_head",
            breach_id=f"{complaint_id}:acknowledge:1", deadline=NOW, escalated_at=NOW,
        ))
    events.append(ComplaintFiled(
        complaint_id=str(ULID()), agency=agency, kind="suggestion", category="parks", governorate="Dhofar", filed_at=NOW,
    ))
    first, second = str(ULID()), str(ULID())
    rated = dict(service_code="building-permit", agency=agency, channel="web", rated_at=NOW)
    events += [
        ServiceRated(rating_id=first, revision=1, overall=1, dimensions={"speed": 1}, **rated),
        ServiceRated(rating_id=first, revision=2, overall=4, dimensions={"speed": 3, "ease": 5}, **rated),
        ServiceRated(rating_id=second, revision=1, overall=5, dimensions={"speed": 5}, **rated),
        ServiceEvaluated(
            evaluation_id=str(ULID()), service_code="building-permit", agency=agency, channel="service_centre",
            score=75.0, items_passed=3, items_total=4, visited_at=NOW, evaluated_at=NOW,
        ),
    ]
    return events


FEEDBACK_VOLUMES = [{"category": "roads", "count": 2}, {"category": "parks", "count": 1}]
FEEDBACK_TIMINGS = {"count": 2, "median_hours": 4.0}, {"count": 2, "median_hours": 20.0}
FEEDBACK_SLA = (
    {"met": 1, "missed": 1, "compliance_percent": 50.0} if ESCALATED else {"met": 2, "missed": 0, "compliance_percent": 100.0},
    {"met": 2, "missed": 0, "compliance_percent": 100.0},
)
FEEDBACK_SERVICE = {
    "service_code": "building-permit",
    "ratings": {
        "count": 2,
        "average": 4.5,
        "dimensions": {"ease": {"count": 1, "average": 5.0}, "speed": {"count": 2, "average": 4.0}},
    },
    "evaluations": {"count": 1, "average_score": 75.0},
}


def feedback_complete(satisfaction: dict) -> bool:
    services = satisfaction["services"]
    return (
        satisfaction["handling"]["count"] == 2
        and len(services) == 1
        and services[0]["ratings"]["average"] == 4.5
        and services[0]["evaluations"]["count"] == 1
    )


async def feedback_answers(client, agency: str) -> dict:
    """The feedback figures the public sees about one agency."""
    params = {"agency": agency}
    return {
        "volumes": {
            by: (await client.get("/transparency/complaints/volumes", params={**params, "by": by})).json()
            for by in ("category", "governorate", "agency")
        },
        "timings": (await client.get("/transparency/complaints/timings", params=params)).json(),
        "sla": (await client.get("/transparency/complaints/sla", params=params)).json(),
        "satisfaction": (await client.get("/transparency/satisfaction", params=params)).json(),
    }


async def test_feedback_figures_appear_and_duplicates_change_nothing(reporting, producer, agency):
    events = feedback_history(agency)
    for event in events:
        await send(producer, envelope(event))
    await eventually(json_of(reporting, "/transparency/satisfaction", agency=agency), feedback_complete)
    await eventually(
        json_of(reporting, "/transparency/complaints/timings", agency=agency),
        lambda t: t["resolve"]["count"] == 2 and t["acknowledge"]["count"] == 2,
    )
    await eventually(
        json_of(reporting, "/transparency/complaints/volumes", agency=agency), lambda v: v["total"] == 3
    )
    answered = await feedback_answers(reporting, agency)
    assert answered["volumes"]["category"]["counts"] == FEEDBACK_VOLUMES
    assert answered["volumes"]["governorate"]["counts"] == [
        {"governorate": "Muscat", "count": 2}, {"governorate": "Dhofar", "count": 1},
    ]
    assert answered["volumes"]["agency"]["counts"] == [{"agency": agency, "count": 3}]
    timings = answered["timings"]
    assert (timings["unit"], timings["clock"]) == ("hours", "wall")
    assert (timings["acknowledge"], timings["resolve"]) == FEEDBACK_TIMINGS
    await eventually(
        json_of(reporting, "/transparency/complaints/sla", agency=agency),
        lambda sla: (sla["acknowledge"], sla["resolve"]) == FEEDBACK_SLA,
    )
    answered["sla"] = (await reporting.get("/transparency/complaints/sla", params={"agency": agency})).json()
    assert answered["sla"]["clock"] == "business"
    satisfaction = answered["satisfaction"]
    assert satisfaction["handling"] == {
        "count": 2, "average": 3.5, "distribution": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1},
    }
    assert satisfaction["services"] == [{"agency": agency, **FEEDBACK_SERVICE}]

    # Everything again, then a marker on each topic: once the markers show, the copies
    # before them on the same partitions have been consumed.
    complaint_marker = ComplaintFiled(
        complaint_id=str(ULID()), agency=agency, kind="report", category="marker", filed_at=NOW
    )
    service_marker = ServiceEvaluated(
        evaluation_id=str(ULID()), service_code="marker", agency=agency, channel="web",
        score=0, items_passed=0, items_total=1, visited_at=NOW, evaluated_at=NOW,
    )
    for event in events:
        await send(producer, envelope(event), partition=0)
    await send(producer, envelope(complaint_marker), partition=0)
    await send(producer, envelope(service_marker), partition=0)
    await eventually(json_of(reporting, "/transparency/complaints/volumes", agency=agency), lambda v: v["total"] == 4)
    await eventually(json_of(reporting, "/transparency/satisfaction", agency=agency), lambda s: len(s["services"]) == 2)
    again = await feedback_answers(reporting, agency)
    assert again["timings"] == answered["timings"]
    assert again["sla"] == answered["sla"]
    assert again["satisfaction"]["handling"] == answered["satisfaction"]["handling"]
    assert again["satisfaction"]["services"][0] == answered["satisfaction"]["services"][0]
    assert again["volumes"]["category"]["counts"] == [
        {"category": "roads", "count": 2}, {"category": "marker", "count": 1}, {"category": "parks", "count": 1},
    ]


async def answers(client, agency: str, ballot_id: str, cause_id: str) -> dict:
    """Everything the public sees about one agency (notifications of one cause)."""
    summary = (await client.get("/transparency/summary", params={"agency": agency})).json()
    summary.pop("notifications")  # platform-wide: other tests may publish meanwhile
    return {
        "summary": summary,
        "complaints": (await client.get("/transparency/complaints/summary", params={"agency": agency})).json(),
        "campaigns": (await client.get("/transparency/campaigns", params={"agency": agency})).json(),
        "ballots": (await client.get("/transparency/ballots", params={"agency": agency})).json(),
        "ballot": (await client.get(f"/transparency/ballots/{ballot_id}")).json(),
        "notifications": (await client.get("/transparency/notifications", params={"cause_id": cause_id})).json(),
        "feedback": await feedback_answers(client, agency),
        "datasets": await dataset_files(client, agency, ballot_id),
    }


async def dataset_files(client, agency: str, ballot_id: str) -> dict[str, bytes]:
    """The agency's open datasets, byte for byte (the platform-wide ones count others' events)."""
    files = {}
    for dataset_id in (f"ballot-result-{ballot_id}", f"complaint-volumes-{agency}", f"service-ratings-{agency}",
                       *(f"{name}-{agency}" for name in CONSULTATION_DATASETS)):
        for extension in ("csv", "json"):
            response = await client.get(f"/datasets/{dataset_id}.{extension}")
            assert response.status_code == 200, response.text
            files[f"{dataset_id}.{extension}"] = response.content
    return files


def consultation_datasets(client, agency: str):
    async def read() -> dict[str, list | None]:
        rows = {}
        for name in CONSULTATION_DATASETS:
            response = await client.get(f"/datasets/{name}-{agency}.json")
            rows[name] = response.json()["rows"] if response.status_code == 200 else None
        return rows

    return read


def consultation_complete(rows: dict[str, list | None]) -> bool:
    """Every event of consultation_history and alert_history is in (their counts; the
    third campaign is publish_a_history's)."""
    return (
        len(rows["campaigns"] or ()) == 3
        and len(rows["decisions"] or ()) == 3
        and any(r["target"] is not None for r in rows["kpi"] or ())
        and sum(r["responses"] or 0 for r in rows["survey-responses"] or ()) == 11  # 2 in Dhofar withheld
        and [r["for"] for r in rows["draft-policy-comments"] or ()] == [5, 0]
        and (rows["draft-policy-comments"] or [{}])[0].get("outcome") == "partly_accepted"
        and len(rows["alerts"] or ()) == 3
    )


@pytest.mark.timeout(900)  # each rebuild replays the shared topics' whole history
async def test_a_rebuild_from_the_topics_gives_the_same_answers(
    reporting, producer, agency, tokens, settings, monkeypatch, capsys
):
    ballot_id, _ = await publish_a_history(producer, agency)
    failed = NotificationFailed(
        delivery_id=str(ULID()), subscription_id="s1", channel="sms", cause_type="BallotOpened",
        cause_id=ballot_id, attempts=3, error="timeout", failed_at=NOW,
    )
    await send(producer, envelope(failed))
    for event in feedback_history(agency):
        await send(producer, envelope(event))
    for event in all_events(consultation_history(agency)) + alert_history(agency):
        await send(producer, envelope(event))
    await eventually(json_of(reporting, "/transparency/satisfaction", agency=agency), feedback_complete)
    await eventually(
        json_of(reporting, "/transparency/summary", agency=agency),
        # publish_a_history's campaign and consultation_history's two
        lambda s: s["campaigns_launched"] == 3 and s["votes_cast"] == 5 and s["complaints"]["by_status"]
        == {"routed": 1, "submitted": 2, "resolved": 2},
    )
    await eventually(json_of(reporting, "/transparency/notifications", cause_id=ballot_id), lambda n: n["failed"] == 1)
    await eventually(consultation_datasets(reporting, agency), consultation_complete)
    await eventually(
        json_of(reporting, "/transparency/complaints/timings", agency=agency), lambda t: t["resolve"]["count"] == 2
    )
    await eventually(
        json_of(reporting, "/transparency/complaints/sla", agency=agency),
        lambda sla: (sla["acknowledge"], sla["resolve"]) == FEEDBACK_SLA,
    )
    before = await answers(reporting, agency, ballot_id, ballot_id)
    assert (before["feedback"]["timings"]["acknowledge"], before["feedback"]["timings"]["resolve"]) == FEEDBACK_TIMINGS
    assert before["feedback"]["satisfaction"]["services"] == [{"agency": agency, **FEEDBACK_SERVICE}]

    assert (await reporting.post("/admin/rebuild")).status_code == 401
    for role in ("citizen", "auditor"):
        assert (await reporting.post("/admin/rebuild", headers=tokens.of([role]))).status_code == 403
    rebuilt = await reporting.post("/admin/rebuild", headers=tokens.of(["operator"]))
    assert rebuilt.status_code == 200, rebuilt.text
    applied = rebuilt.json()["applied"]
    assert applied.get("CampaignLaunched", 0) >= 1 and applied.get("ResultPublished", 0) >= 1, applied
    assert applied.get("ServiceRated", 0) >= 3 and applied.get("ComplaintRated", 0) >= 2, applied
    assert await answers(reporting, agency, ballot_id, ballot_id) == before

    # The console command does the same from the service's REPORTING_* settings.
    for name, value in settings.model_dump(include={"kafka_bootstrap_servers", "mongodb_url", "mongodb_database", "jwt_public_key"}).items():
        monkeypatch.setenv(f"REPORTING_{name.upper()}", value)
    await asyncio.to_thread(rebuild_command)
    assert json.loads(capsys.readouterr().out)["ComplaintFiled"] >= 2
    assert await answers(reporting, agency, ballot_id, ballot_id) == before
