"""Data requests on the real broker and store: a citizen asks, the agency answers in
time with a dataset, or late after the job marked the request overdue; requests and
answers are public without the requester, and every step is an event on the topic."""

import asyncio
from datetime import timedelta

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from pymongo import AsyncMongoClient
from ulid import ULID

from reporting.config import ReportingSettings
from reporting.main import create_app
from reporting.projections import project
from reporting.store import ReadModel
from sharik.events import TOPICS, Envelope
from sharik.events.feedback import ServiceRated
from sharik.events.reporting import DataRequested
from tests.support.service import running, unique_database

pytestmark = pytest.mark.integration

DEADLINE_SECONDS = 60


@pytest.fixture(scope="module")
def settings(kafka_bootstrap_servers, mongodb_url, jwt_keys) -> ReportingSettings:
    return ReportingSettings(
        service_name=f"reporting-test-{str(ULID()).lower()}",
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        mongodb_database=unique_database("reporting"),
        jwt_public_key=jwt_keys[1],
        environment="test",
        data_request_answer_within=timedelta(seconds=3),
        data_request_overdue_poll_seconds=0.5,
        outbox_poll_seconds=0.2,
    )


@pytest.fixture(scope="module")
async def reporting(settings, start_group_at_the_end):
    await start_group_at_the_end(f"sharik.{settings.service_name}")
    async with running(create_app(settings)) as client:
        yield client


@pytest.fixture
def agency() -> str:
    return f"agency-{str(ULID()).lower()}"


async def events_of(bootstrap: str, request_id: str, count: int) -> list:
    """The request's events on its topic, in order, once `count` of them are there."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(DataRequested.topic, p) for p in range(TOPICS[DataRequested.topic])]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        found, deadline = [], asyncio.get_running_loop().time() + DEADLINE_SECONDS
        while len(found) < count:
            assert asyncio.get_running_loop().time() < deadline, f"only {found} on the topic"
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    envelope = Envelope.parse({k: v.decode() for k, v in record.headers}, record.value)
                    if envelope.event.subject() == request_id:
                        found.append(envelope.event)
        return found
    finally:
        await consumer.stop()


async def ask(reporting, tokens, agency: str, citizen: str) -> dict:
    asked = await reporting.post(
        "/data-requests",
        json={"agency": agency, "what": "عدد البلاغات حسب الولاية / complaints by wilayat", "why": "research",
              "format": "csv"},
        headers=tokens.citizen(citizen),
    )
    assert asked.status_code == 201, asked.text
    return asked.json()


async def a_dataset_of(reporting, settings, agency: str) -> str:
    client = AsyncMongoClient(settings.mongodb_url, tz_aware=True)
    model = ReadModel(client[settings.mongodb_database])
    rating = ServiceRated(service_code="licence", agency=agency, rating_id=str(ULID()), revision=1, channel="web",
                          overall=4, rated_at="2026-11-01T00:00:00Z")
    for change in project(rating):
        await model.apply(change)
    await client.close()
    return f"service-ratings-{agency}"


async def test_a_request_answered_in_time_with_a_dataset(reporting, tokens, agency, settings, kafka_bootstrap_servers):
    citizen = f"citizen-{ULID()}"
    request = await ask(reporting, tokens, agency, citizen)
    assert (request["status"], request["late"]) == ("open", False)
    dataset_id = await a_dataset_of(reporting, settings, agency)

    refusal = {"decision": "published"}
    assert (await reporting.post(f"/data-requests/{request['request_id']}/answer", json=refusal,
                                 headers=tokens.officer(agency))).status_code == 422
    body = {"decision": "published", "dataset_id": dataset_id}
    assert (await reporting.post(f"/data-requests/{request['request_id']}/answer", json=body,
                                 headers=tokens.officer("another-agency"))).status_code == 403
    assert (await reporting.post(f"/data-requests/{request['request_id']}/answer", json=body,
                                 headers=tokens.citizen())).status_code == 403
    missing = {"decision": "published", "dataset_id": "no-such-dataset"}
    assert (await reporting.post(f"/data-requests/{request['request_id']}/answer", json=missing,
                                 headers=tokens.officer(agency))).status_code == 404
    answered = await reporting.post(f"/data-requests/{request['request_id']}/answer", json=body,
                                    headers=tokens.officer(agency))
    assert answered.status_code == 200, answered.text
    view = answered.json()
    assert (view["status"], view["late"], view["dataset_id"]) == ("published", False, dataset_id)
    assert (await reporting.get(view["dataset_url"])).status_code == 200
    again = await reporting.post(f"/data-requests/{request['request_id']}/answer", json=body,
                                 headers=tokens.officer(agency))
    assert again.status_code == 422

    requested, published = await events_of(kafka_bootstrap_servers, request["request_id"], 2)
    assert (requested.name, published.name, published.late) == ("DataRequested", "DataRequestAnswered", False)
    public = (await reporting.get(f"/datasets/data-requests-{agency}.json")).content
    listed = (await reporting.get("/data-requests", params={"agency": agency})).text
    for text in (public.decode(), listed, str(requested.model_dump()), str(published.model_dump())):
        assert citizen not in text
    assert "requester" not in listed


async def test_a_request_answered_late_counts_against_the_agency(reporting, tokens, agency, kafka_bootstrap_servers):
    request = await ask(reporting, tokens, agency, f"citizen-{ULID()}")
    [_, overdue] = await events_of(kafka_bootstrap_servers, request["request_id"], 2)
    assert overdue.name == "DataRequestOverdue"
    seen = (await reporting.get(f"/data-requests/{request['request_id']}")).json()
    assert (seen["status"], seen["late"]) == ("overdue", True)

    reason = {"ar": "البيانات تتضمن معلومات شخصية", "en": "The data holds personal information"}
    answered = await reporting.post(f"/data-requests/{request['request_id']}/answer",
                                    json={"decision": "refused", "reason": reason}, headers=tokens.officer(agency))
    assert answered.status_code == 200, answered.text
    assert (answered.json()["status"], answered.json()["late"], answered.json()["reason"]) == ("refused", True, reason)
    *_, refused = await events_of(kafka_bootstrap_servers, request["request_id"], 3)
    assert (refused.name, refused.decision, refused.late) == ("DataRequestAnswered", "refused", True)
    [row] = (await reporting.get(f"/datasets/data-requests-{agency}.json")).json()["rows"]
    assert (row["status"], row["late"], row["reason_en"]) == ("refused", True, reason["en"])


async def test_requests_are_paged_with_a_cursor(reporting, tokens, agency):
    made = [(await ask(reporting, tokens, agency, f"citizen-{ULID()}"))["request_id"] for _ in range(3)]
    first = (await reporting.get("/data-requests", params={"agency": agency, "limit": 2})).json()
    assert [r["request_id"] for r in first["items"]] == made[:2]
    second = (await reporting.get("/data-requests", params={"agency": agency, "limit": 2,
                                                           "cursor": first["next_cursor"]})).json()
    assert ([r["request_id"] for r in second["items"]], second["next_cursor"]) == (made[2:], None)
    bad = await reporting.post("/data-requests", json={"agency": agency, "what": "", "why": "x", "format": "csv"},
                               headers=tokens.citizen())
    assert bad.status_code == 422 and bad.json()["error"]["details"]
    assert (await reporting.post("/data-requests", json={"agency": agency, "what": "x", "why": "x", "format": "csv"})
            ).status_code == 401
