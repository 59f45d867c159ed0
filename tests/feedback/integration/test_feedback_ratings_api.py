"""Satisfaction, service ratings and mystery-shopper evaluations on the real broker and
store: who may do what, what is kept, and that events carry no comments or notes."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaConsumer
from ulid import ULID

from feedback.main import create_app
from tests.support.service import running

pytestmark = pytest.mark.integration

AGENCY = "muscat-municipality"
COMPLAINT = {
    "kind": "complaint",
    "agency": AGENCY,
    "category": "street-lighting",
    "description": "إنارة الشارع أمام منزلي معطلة",
    "governorate": "muscat",
    "channel": "app",
}
COMMENT = "تعامل ممتاز، رقمي 99123456"
NOTES = "the agent asked for my civil number twice"


@pytest.fixture
async def feedback(settings, tokens):
    async with running(create_app(settings)) as client:
        body = {"category": "street-lighting", "name": {"ar": "الإنارة", "en": "Street lighting"}, "unit": "lighting"}
        admin = tokens.officer(AGENCY, role="agency_admin")
        registered = await client.post("/categories", json=body, headers=admin)
        assert registered.status_code == 201, registered.text
        yield client


async def events_of(bootstrap: str, topic: str, key: str, *, type_suffix: str, count: int, timeout: float = 30):
    """The records keyed by `key` on `topic` whose type ends with `type_suffix`, once `count` arrived."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    found = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(found) < count and asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found += [
                    r
                    for r in records
                    if r.key == key.encode() and dict(r.headers)["ce_type"].decode().endswith(type_suffix)
                ]
    finally:
        await consumer.stop()
    return found


async def resolved_complaint(feedback, tokens, citizen) -> str:
    filed = await feedback.post("/complaints", json=COMPLAINT, headers=citizen)
    assert filed.status_code == 201, filed.text
    complaint_id = filed.json()["complaint_id"]
    officer = tokens.officer(AGENCY)
    for status in ("acknowledged", "in_progress", "resolved"):
        moved = await feedback.post(f"/complaints/{complaint_id}/status", json={"status": status}, headers=officer)
        assert moved.status_code == 200, moved.text
    return complaint_id


async def registered_service(feedback, tokens, agency: str = "rop", **changes) -> dict:
    body = {
        "service_code": f"licence-renewal-{str(ULID()).lower()}",
        "name": {"ar": "تجديد رخصة القيادة", "en": "Driving licence renewal"},
        "channels": ["web", "service_centre"],
        **changes,
    }
    response = await feedback.post("/services", json=body, headers=tokens.officer(agency))
    assert response.status_code == 201, response.text
    return response.json()


# Satisfaction with the handling of a complaint


async def test_the_reporter_rates_a_resolved_complaint_once_and_the_event_has_no_comment(
    feedback, tokens, kafka_bootstrap_servers
):
    citizen = tokens.citizen()
    complaint_id = await resolved_complaint(feedback, tokens, citizen)
    path = f"/complaints/{complaint_id}/satisfaction"

    rated = await feedback.post(path, json={"score": 4, "comment": COMMENT}, headers=citizen)
    assert rated.status_code == 201, rated.text
    assert rated.json()["score"] == 4 and rated.json()["comment"] == COMMENT

    again = await feedback.post(path, json={"score": 1}, headers=citizen)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"

    [record] = await events_of(
        kafka_bootstrap_servers, "feedback.complaints", complaint_id, type_suffix="ComplaintRated.v1", count=1
    )
    payload = json.loads(record.value)
    assert payload == {
        "complaint_id": complaint_id,
        "agency": AGENCY,
        "category": "street-lighting",
        "governorate": "muscat",
        "score": 4,
        "rated_at": payload["rated_at"],
    }
    assert "99123456" not in record.value.decode() and "ممتاز" not in record.value.decode()

    # The comment stays in the service, for the reporter and the agency's staff.
    for reader in (citizen, tokens.officer(AGENCY)):
        kept = await feedback.get(path, headers=reader)
        assert kept.status_code == 200 and kept.json()["comment"] == COMMENT
    assert (await feedback.get(path, headers=tokens.officer("ministry-of-health"))).status_code == 404
    assert (await feedback.get(path, headers=tokens.citizen())).status_code == 404


async def test_only_the_reporter_may_rate_and_only_once_resolved(feedback, tokens):
    citizen = tokens.citizen()
    filed = await feedback.post("/complaints", json=COMPLAINT, headers=citizen)
    path = f"/complaints/{filed.json()['complaint_id']}/satisfaction"

    early = await feedback.post(path, json={"score": 5}, headers=citizen)
    assert early.status_code == 409
    assert "routed" in early.json()["error"]["message"]

    complaint_id = await resolved_complaint(feedback, tokens, citizen)
    path = f"/complaints/{complaint_id}/satisfaction"
    other = await feedback.post(path, json={"score": 5}, headers=tokens.citizen())
    assert other.status_code == 404, "another citizen's case does not exist for them"
    assert (await feedback.post(path, json={"score": 5}, headers=tokens.officer(AGENCY))).status_code == 403
    assert (await feedback.post(path, json={"score": 5})).status_code == 401
    assert (await feedback.post("/complaints/nope/satisfaction", json={"score": 5}, headers=citizen)).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [({"score": 0}, "score"), ({"score": 6}, "score"), ({}, "score"), ({"score": 3, "comment": "x" * 1001}, "comment")],
)
async def test_a_bad_satisfaction_is_422_naming_the_field(feedback, tokens, body, field):
    citizen = tokens.citizen()
    complaint_id = await resolved_complaint(feedback, tokens, citizen)
    response = await feedback.post(f"/complaints/{complaint_id}/satisfaction", json=body, headers=citizen)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]


# The services catalogue


async def test_staff_register_services_for_their_own_agency_and_anyone_reads_the_catalogue(feedback, tokens):
    registered = await registered_service(feedback, tokens, dimensions=["ease", "clarity"])
    code = registered["service_code"]
    assert registered["agency"] == "rop"
    assert registered["name"] == {"ar": "تجديد رخصة القيادة", "en": "Driving licence renewal"}
    assert registered["dimensions"] == ["ease", "clarity"]
    defaulted = await registered_service(feedback, tokens)
    assert defaulted["dimensions"] == ["ease", "speed", "staff"]

    assert (await feedback.get(f"/services/{code}")).json() == registered
    listed = (await feedback.get("/services", params={"agency": "rop"})).json()
    assert {s["service_code"] for s in listed} == {code, defaulted["service_code"]}
    assert (await feedback.get("/services/no-such-service")).status_code == 404

    taken = await feedback.post(
        "/services", json={**registered, "channels": ["web"]}, headers=tokens.officer("rop", role="agency_admin")
    )
    assert taken.status_code == 409
    body = {"service_code": "x", "name": registered["name"], "channels": ["web"]}
    assert (await feedback.post("/services", json=body, headers=tokens.citizen())).status_code == 403
    assert (await feedback.post("/services", json=body)).status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"service_code": "Not A Slug"}, "service_code"),
        ({"channels": ["fax"]}, "channels.0"),
        ({"channels": []}, "channels"),
        ({"name": {"ar": "تجديد"}}, "name.en"),
    ],
)
async def test_a_bad_service_is_422_naming_the_field(feedback, tokens, change, field):
    body = {"service_code": "renewal", "name": {"ar": "تجديد", "en": "Renewal"}, "channels": ["web"], **change}
    response = await feedback.post("/services", json=body, headers=tokens.officer("rop"))
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]


# Citizens' ratings of a service


async def test_ratings_are_published_without_comments_and_summarised_from_sums_and_counts(
    feedback, tokens, kafka_bootstrap_servers
):
    code = (await registered_service(feedback, tokens))["service_code"]
    path = f"/services/{code}/ratings"
    alice, bob, carol = tokens.citizen(), tokens.citizen(), tokens.citizen()

    first = await feedback.post(
        path, json={"channel": "web", "overall": 2, "dimensions": {"ease": 1}, "comment": COMMENT}, headers=alice
    )
    assert first.status_code == 201, first.text
    assert first.json()["revision"] == 1
    revised = await feedback.post(
        path, json={"channel": "web", "overall": 5, "dimensions": {"ease": 5, "speed": 4}}, headers=alice
    )
    assert revised.status_code == 200, revised.text
    assert revised.json()["revision"] == 2
    for citizen, body in (
        (bob, {"channel": "service_centre", "overall": 4, "dimensions": {"staff": 3}}),
        (carol, {"channel": "web", "overall": 4, "dimensions": {"ease": 2}}),
    ):
        assert (await feedback.post(path, json=body, headers=citizen)).status_code == 201

    summary = (await feedback.get(f"{path}/summary")).json()
    assert summary["count"] == 3, "Alice's revision replaced her first rating"
    assert summary["overall_average"] == 4.33
    assert summary["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1}
    assert summary["dimensions"] == {
        "ease": {"average": 3.5, "count": 2},
        "speed": {"average": 4.0, "count": 1},
        "staff": {"average": 3.0, "count": 1},
    }

    records = await events_of(
        kafka_bootstrap_servers, "feedback.services", code, type_suffix="ServiceRated.v1", count=4
    )
    payloads = [json.loads(r.value) for r in records]
    assert len(payloads) == 4
    alices = [p for p in payloads if p["rating_id"] == payloads[0]["rating_id"]]
    assert [(p["revision"], p["overall"], p["dimensions"]) for p in alices] == [
        (1, 2, {"ease": 1}),
        (2, 5, {"ease": 5, "speed": 4}),
    ]
    assert {p["agency"] for p in payloads} == {"rop"}
    assert {p["channel"] for p in payloads} == {"web", "service_centre"}
    assert len({p["rating_id"] for p in payloads}) == 3
    for record in records:
        assert "comment" not in json.loads(record.value)
        assert "99123456" not in record.value.decode() and "ممتاز" not in record.value.decode()


async def test_the_agency_and_auditors_read_ratings_with_comments_but_not_who_gave_them(feedback, tokens):
    code = (await registered_service(feedback, tokens))["service_code"]
    path = f"/services/{code}/ratings"
    body = {"channel": "web", "overall": 1, "comment": COMMENT}
    rated = await feedback.post(path, json=body, headers=tokens.citizen())
    assert rated.status_code == 201, rated.text

    for reader in (tokens.officer("rop"), tokens.of(["auditor"])):
        listed = await feedback.get(path, headers=reader)
        assert listed.status_code == 200, listed.text
        [rating] = listed.json()
        assert (rating["overall"], rating["comment"]) == (1, COMMENT)
        assert "rating_id" not in rating
    for outsider in (tokens.officer("ministry-of-health"), tokens.citizen()):
        assert (await feedback.get(path, headers=outsider)).status_code == 403


async def test_only_citizens_rate_and_an_unknown_service_is_404(feedback, tokens):
    code = (await registered_service(feedback, tokens))["service_code"]
    path, body = f"/services/{code}/ratings", {"channel": "web", "overall": 3}
    assert (await feedback.post(path, json=body, headers=tokens.officer("rop"))).status_code == 403
    assert (await feedback.post(path, json=body)).status_code == 401
    assert (await feedback.post("/services/nope/ratings", json=body, headers=tokens.citizen())).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"overall": 0}, "overall"),
        ({"overall": 6}, "overall"),
        ({"dimensions": {"speed": 7}}, "dimensions.speed"),
        ({"dimensions": {"parking": 3}}, "dimensions.parking"),
        ({"channel": "app"}, "channel"),
        ({"comment": "x" * 1001}, "comment"),
    ],
)
async def test_a_bad_rating_is_422_naming_the_field(feedback, tokens, change, field):
    code = (await registered_service(feedback, tokens))["service_code"]
    body = {"channel": "web", "overall": 3, **change}
    response = await feedback.post(f"/services/{code}/ratings", json=body, headers=tokens.citizen())
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]
    assert (await feedback.get(f"/services/{code}/ratings/summary")).json()["count"] == 0


# Mystery-shopper evaluations


def evaluation(**changes) -> dict:
    return {
        "channel": "service_centre",
        "visited_at": (datetime.now(UTC) - timedelta(days=2)).isoformat(),
        "checklist": [
            {"item_id": "greeted", "passed": True},
            {"item_id": "queue-under-15-minutes", "passed": False, "weight": 3},
            {"item_id": "correct-information", "passed": True, "weight": 4},
        ],
        "notes": NOTES,
        **changes,
    }


async def test_an_evaluation_is_scored_published_without_notes_and_read_by_its_agency_and_auditors(
    feedback, tokens, kafka_bootstrap_servers
):
    code = (await registered_service(feedback, tokens))["service_code"]
    path = f"/services/{code}/evaluations"
    evaluator = tokens.of(["evaluator"], subject="shopper-17")

    filed = await feedback.post(path, json=evaluation(), headers=evaluator)
    assert filed.status_code == 201, filed.text
    body = filed.json()
    assert (body["score"], body["items_passed"], body["items_total"]) == (62.5, 2, 3)

    [record] = await events_of(
        kafka_bootstrap_servers, "feedback.services", code, type_suffix="ServiceEvaluated.v1", count=1
    )
    payload = json.loads(record.value)
    assert payload["evaluation_id"] == body["evaluation_id"]
    assert (payload["agency"], payload["channel"], payload["score"]) == ("rop", "service_centre", 62.5)
    assert (payload["items_passed"], payload["items_total"]) == (2, 3)
    assert "notes" not in payload and "civil number" not in record.value.decode()
    assert "shopper-17" not in record.value.decode()

    readers = (tokens.officer("rop"), tokens.officer("rop", role="agency_admin"), tokens.of(["auditor"]))
    for reader in readers:
        listed = await feedback.get(path, headers=reader)
        assert listed.status_code == 200, listed.text
        assert [(e["evaluation_id"], e["notes"]) for e in listed.json()] == [(body["evaluation_id"], NOTES)]
    for outsider in (tokens.officer("ministry-of-health"), tokens.citizen(), evaluator):
        denied = await feedback.get(path, headers=outsider)
        assert denied.status_code == 403
        assert denied.json()["error"]["code"] == "forbidden"


async def test_only_evaluators_file_evaluations(feedback, tokens):
    code = (await registered_service(feedback, tokens))["service_code"]
    path = f"/services/{code}/evaluations"
    assert (await feedback.post(path, json=evaluation(), headers=tokens.officer("rop"))).status_code == 403
    assert (await feedback.post(path, json=evaluation(), headers=tokens.citizen())).status_code == 403
    assert (await feedback.post(path, json=evaluation())).status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "app"}, "channel"),
        ({"visited_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()}, "visited_at"),
        ({"visited_at": "2026-11-20T09:00:00"}, "visited_at"),
        ({"checklist": []}, "checklist"),
        ({"checklist": [{"item_id": "greeted", "passed": True, "weight": 0}]}, "checklist.0.weight"),
        ({"checklist": [{"item_id": "a", "passed": True}, {"item_id": "a", "passed": False}]}, "checklist"),
    ],
)
async def test_a_bad_evaluation_is_422_naming_the_field(feedback, tokens, change, field):
    code = (await registered_service(feedback, tokens))["service_code"]
    response = await feedback.post(
        f"/services/{code}/evaluations", json=evaluation(**change), headers=tokens.of(["evaluator"])
    )
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]
