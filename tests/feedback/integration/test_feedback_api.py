"""The feedback service on the real broker and store: filing, tracking, handling,
isolation between agencies, and the events other services see."""

import asyncio
import json

import pytest
from aiokafka import AIOKafkaConsumer

from feedback.main import create_app
from sharik.pseudonym import pseudonym
from tests.support.service import running

pytestmark = pytest.mark.integration

AGENCY = "muscat-municipality"
COMPLAINT = {
    "kind": "complaint",
    "agency": AGENCY,
    "category": "street-lighting",
    "description": "إنارة الشارع أمام منزلي معطلة منذ أسبوع، هاتفي 99123456",
    "governorate": "muscat",
    "wilayat": "bawshar",
    "channel": "app",
    "language": "ar",
}


@pytest.fixture
async def feedback(settings, tokens):
    async with running(create_app(settings)) as client:
        await register_categories(client, tokens, AGENCY, "street-lighting", "parks")
        yield client


async def register_categories(client, tokens, agency: str, *categories: str, **fields) -> None:
    """Put the categories in the agency's catalogue, so filings to them are routed by rule."""
    admin = tokens.officer(agency, role="agency_admin")
    for category in categories:
        body = {"category": category, "name": {"ar": category, "en": category}, "unit": "customer-care", **fields}
        response = await client.post("/categories", json=body, headers=admin)
        assert response.status_code == 201, response.text


async def events_of(bootstrap: str, complaint_id: str, *, count: int, timeout: float = 30) -> list:
    """The records keyed by `complaint_id` on feedback.complaints, once `count` arrived."""
    consumer = AIOKafkaConsumer(
        "feedback.complaints", bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    found = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(found) < count and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                found += [r for r in records if r.key == complaint_id.encode()]
    finally:
        await consumer.stop()
    return found


def headers_of(record) -> dict[str, str]:
    return {k: v.decode() for k, v in record.headers}


async def file(feedback, citizen, **changes) -> dict:
    response = await feedback.post("/complaints", json={**COMPLAINT, **changes}, headers=citizen)
    assert response.status_code == 201, response.text
    return response.json()


async def test_filing_publishes_complaint_filed_with_a_pseudonymous_reporter_and_no_description(
    feedback, tokens, settings, kafka_bootstrap_servers
):
    subject = "citizen-subject-4242"
    filed = await file(feedback, tokens.citizen(subject))
    assert filed["status"] == "routed"
    code = filed["tracking_code"]
    assert len(code.replace("-", "")) >= 16 and code.count("-") >= 3

    records = await events_of(kafka_bootstrap_servers, filed["complaint_id"], count=3)
    [record] = [r for r in records if headers_of(r)["ce_type"].endswith("ComplaintFiled.v1")]
    headers = headers_of(record)
    assert headers["ce_type"] == "om.sharik.feedback.ComplaintFiled.v1"
    assert headers["ce_subject"] == filed["complaint_id"]
    assert headers["ce_agency"] == AGENCY
    payload = json.loads(record.value)
    assert payload["reporter_id"] == pseudonym(settings.pseudonym_key.get_secret_value(), subject)
    assert subject not in record.value.decode()
    assert "description" not in payload
    assert "99123456" not in record.value.decode() and "إنارة" not in record.value.decode()
    assert payload["kind"] == "complaint"
    assert payload["category"] == "street-lighting"
    assert payload["governorate"] == "muscat"
    assert "tracking_code" not in payload, "the tracking code is the reporter's secret"
    assert code.replace("-", "") not in record.value.decode().replace("-", "")


async def test_the_tracking_code_shows_status_and_public_history_without_ids(feedback, tokens):
    filed = await file(feedback, tokens.citizen())
    code = filed["tracking_code"]

    tracked = await feedback.get(f"/complaints/track/{code}")
    assert tracked.status_code == 200, tracked.text
    body = tracked.json()
    assert body["status"] == "routed"
    assert body["status_label"] == {"ar": "أحيلت إلى الجهة المختصة", "en": "Routed"}
    assert [step["status"] for step in body["history"]] == ["submitted", "routed"]

    officer = tokens.officer(AGENCY)
    reply = {"ar": "استلمنا بلاغك", "en": "We received your report"}
    moved = await feedback.post(
        f"/complaints/{filed['complaint_id']}/status", json={"status": "acknowledged", "reply": reply}, headers=officer
    )
    assert moved.status_code == 200, moved.text

    # Typed the way people type it: lower case, spaces instead of dashes.
    body = (await feedback.get(f"/complaints/track/{code.lower().replace('-', ' ')}")).json()
    assert body["status"] == "acknowledged"
    assert body["status_label"]["en"] == "Acknowledged"
    assert body["history"][-1]["reply"] == reply
    assert body["updated_at"] >= body["filed_at"]
    text = json.dumps(body, ensure_ascii=False)
    assert filed["complaint_id"] not in text
    assert not {"complaint_id", "reporter_id", "description"} & set(body)
    assert "99123456" not in text


async def test_an_unknown_tracking_code_is_404(feedback):
    assert (await feedback.get("/complaints/track/00000-00000-00000-00000")).status_code == 404
    assert (await feedback.get("/complaints/track/not-a-code")).status_code == 404


async def test_status_changes_publish_their_sequence(feedback, tokens, kafka_bootstrap_servers):
    complaint_id = (await file(feedback, tokens.citizen()))["complaint_id"]
    officer = tokens.officer(AGENCY)
    for status in ("acknowledged", "in_progress", "resolved"):
        response = await feedback.post(f"/complaints/{complaint_id}/status", json={"status": status}, headers=officer)
        assert response.status_code == 200, response.text

    records = await events_of(kafka_bootstrap_servers, complaint_id, count=6)
    changes = [json.loads(r.value) for r in records if headers_of(r)["ce_type"].endswith("ComplaintStatusChanged.v1")]
    assert [(c["previous_status"], c["status"], c["sequence"]) for c in changes] == [
        ("submitted", "routed", 1),
        ("routed", "acknowledged", 2),
        ("acknowledged", "in_progress", 3),
        ("in_progress", "resolved", 4),
    ]
    assert {c["agency"] for c in changes} == {AGENCY}


async def test_a_bad_transition_is_409_naming_both_states(feedback, tokens):
    filed = await file(feedback, tokens.citizen())
    response = await feedback.post(
        f"/complaints/{filed['complaint_id']}/status", json={"status": "resolved"}, headers=tokens.officer(AGENCY)
    )
    assert response.status_code == 409
    message = response.json()["error"]["message"]
    assert "routed" in message and "resolved" in message


async def test_a_rejection_without_a_reason_is_422_and_with_one_is_kept(feedback, tokens):
    citizen = tokens.citizen()
    complaint_id = (await file(feedback, citizen))["complaint_id"]
    path = f"/complaints/{complaint_id}/status"
    officer = tokens.officer(AGENCY)

    refused = await feedback.post(path, json={"status": "rejected"}, headers=officer)
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "reason"

    rejected = await feedback.post(path, json={"status": "rejected", "reason": "outside our mandate"}, headers=officer)
    assert rejected.status_code == 200
    own = (await feedback.get(f"/complaints/{complaint_id}", headers=citizen)).json()
    assert own["history"][-1]["reason"] == "outside our mandate"


async def test_another_agencys_officer_and_another_citizen_get_404(feedback, tokens):
    complaint_id = (await file(feedback, tokens.citizen()))["complaint_id"]
    other = tokens.officer("ministry-of-health")

    moved = await feedback.post(f"/complaints/{complaint_id}/status", json={"status": "acknowledged"}, headers=other)
    assert moved.status_code == 404, "a 403 would tell them the case exists"
    assert moved.json()["error"]["code"] == "not_found"
    assert (await feedback.get(f"/complaints/{complaint_id}", headers=other)).status_code == 404
    assert (await feedback.get(f"/complaints/{complaint_id}", headers=tokens.citizen())).status_code == 404
    listed = await feedback.get("/complaints", headers=other)
    assert complaint_id not in [c["complaint_id"] for c in listed.json()]


async def test_citizens_see_their_own_and_staff_their_agencys(feedback, tokens):
    alice, bob = tokens.citizen(), tokens.citizen()
    alices = await file(feedback, alice)
    bobs = await file(feedback, bob, kind="suggestion", category="parks")
    await file(feedback, bob, agency="ministry-of-health")

    mine = await feedback.get("/complaints/mine", headers=alice)
    assert mine.status_code == 200
    assert [c["complaint_id"] for c in mine.json()] == [alices["complaint_id"]]
    assert mine.json()[0]["description"] == COMPLAINT["description"]
    own = await feedback.get(f"/complaints/{alices['complaint_id']}", headers=alice)
    assert own.status_code == 200 and own.json()["tracking_code"] == alices["tracking_code"]

    officer = tokens.officer(AGENCY)
    await feedback.post(f"/complaints/{bobs['complaint_id']}/status", json={"status": "acknowledged"}, headers=officer)
    everything = await feedback.get("/complaints", headers=officer)
    assert {c["complaint_id"] for c in everything.json()} == {alices["complaint_id"], bobs["complaint_id"]}
    acknowledged = await feedback.get("/complaints", params={"status": "acknowledged"}, headers=officer)
    assert [c["complaint_id"] for c in acknowledged.json()] == [bobs["complaint_id"]]
    assert (await feedback.get("/complaints", headers=alice)).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": "x" * 4001}, "description"),
        ({"description": "   "}, "description"),
        ({"governorate": "atlantis"}, "governorate"),
        ({"kind": "praise"}, "kind"),
        ({"category": ""}, "category"),
        ({"channel": "fax"}, "channel"),
    ],
)
async def test_bad_input_is_422_naming_the_field(feedback, tokens, change, field):
    response = await feedback.post("/complaints", json={**COMPLAINT, **change}, headers=tokens.citizen())
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]


async def test_calls_without_a_token_are_401_and_staff_cannot_file(feedback, tokens):
    assert (await feedback.post("/complaints", json=COMPLAINT)).status_code == 401
    assert (await feedback.get("/complaints/mine")).status_code == 401
    assert (await feedback.get("/complaints")).status_code == 401
    assert (await feedback.post("/complaints/x/status", json={"status": "acknowledged"})).status_code == 401
    assert (await feedback.post("/complaints", json=COMPLAINT, headers=tokens.officer(AGENCY))).status_code == 403
