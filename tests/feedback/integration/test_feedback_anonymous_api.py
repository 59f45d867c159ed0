"""Anonymous and confidential reporting on the real broker and store: follow-up with a
secret, limits on guessing, the confidential team's exclusive view, the reporter's
identity kept apart, and auditors' redacted view."""

import asyncio
import json

import pytest
from aiokafka import AIOKafkaConsumer

from feedback.config import FeedbackSettings
from feedback.main import create_app
from sharik.pseudonym import pseudonym
from tests.support.service import Tokens, running

pytestmark = pytest.mark.integration

AGENCY = "royal-oman-police"
LIMIT = 3
REPORT = {
    "kind": "report",
    "agency": AGENCY,
    "category": "street-lighting",
    "description": "Broken street light near the mosque, call me on 99123456",
    "governorate": "muscat",
    "channel": "web",
    "language": "en",
}
CONTACT = {"phone": "+968 99887766", "email": "reporter.secret@example.om"}
BLACKMAIL = {**REPORT, "category": "blackmail", "description": "Someone demands money or will publish my photos"}


@pytest.fixture
def settings(feedback_settings) -> FeedbackSettings:
    return feedback_settings(guess_limit=LIMIT)


@pytest.fixture
async def feedback(settings, tokens):
    async with running(create_app(settings)) as client:
        admin = tokens.officer(AGENCY, role="agency_admin")
        for category in ("street-lighting", "blackmail"):
            body = {"category": category, "name": {"ar": category, "en": category}, "unit": "investigations"}
            assert (await client.post("/categories", json=body, headers=admin)).status_code == 201
        yield client


def team(tokens: Tokens, agency: str = AGENCY) -> dict[str, str]:
    return tokens.of(["officer", "confidential_team"], agency=agency)


async def records_of(bootstrap: str, complaint_id: str, *, count: int, timeout: float = 30) -> list:
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


async def file_anonymously(feedback, body=REPORT) -> dict:
    response = await feedback.post("/complaints/anonymous", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def complaint_id_of(feedback, tokens, code: str, secret: str) -> str:
    opened = await feedback.get(f"/complaints/track/{code}", headers={"X-Tracking-Secret": secret})
    assert opened.status_code == 200, opened.text
    return opened.json()["complaint_id"]


async def test_an_anonymous_report_is_filed_without_a_reporter_and_followed_with_its_secret(
    feedback, tokens, kafka_bootstrap_servers
):
    filed = await file_anonymously(feedback)
    code, secret = filed["tracking_code"], filed["secret"]
    assert filed["status"] == "routed"
    assert len(secret.replace("-", "")) >= 20 and secret != code

    public = await feedback.get(f"/complaints/track/{code}")
    assert public.status_code == 200
    assert "description" not in public.json() and "complaint_id" not in public.json()

    full = await feedback.get(f"/complaints/track/{code}", headers={"X-Tracking-Secret": secret})
    assert full.status_code == 200, full.text
    case = full.json()
    assert case["description"] == REPORT["description"]
    complaint_id = case["complaint_id"]

    records = await records_of(kafka_bootstrap_servers, complaint_id, count=3)
    [record] = [r for r in records if dict(r.headers)["ce_type"].endswith(b"ComplaintFiled.v1")]
    payload = json.loads(record.value)
    assert payload["reporter_id"] is None
    assert secret.replace("-", "") not in record.value.decode().replace("-", "")

    reply = {"en": "Which street exactly?"}
    moved = await feedback.post(
        f"/complaints/{complaint_id}/status",
        json={"status": "acknowledged", "reply": reply},
        headers=tokens.officer(AGENCY),
    )
    assert moved.status_code == 200, moved.text

    answered = await feedback.post(
        f"/complaints/track/{code}/replies",
        json={"message": "Al Khuwair street 33"},
        headers={"X-Tracking-Secret": secret.lower()},
    )
    assert answered.status_code == 201, answered.text
    assert [m["message"] for m in answered.json()["messages"]] == ["Al Khuwair street 33"]
    assert answered.json()["messages"][0]["from_reporter"] is True

    opened = await feedback.post(f"/complaints/track/{code}/access", json={"secret": secret})
    assert opened.status_code == 200
    body = opened.json()
    assert body["history"][-1]["reply"]["en"] == "Which street exactly?"
    assert body["messages"][0]["message"] == "Al Khuwair street 33"
    assert body["status"] == "acknowledged"

    seen_by_staff = await feedback.get(f"/complaints/{complaint_id}", headers=tokens.officer(AGENCY))
    assert seen_by_staff.json()["messages"][0]["message"] == "Al Khuwair street 33"


async def test_a_wrong_secret_is_403_and_cannot_reply(feedback):
    filed = await file_anonymously(feedback)
    code = filed["tracking_code"]
    wrong = "AAAAA-AAAAA-AAAAA-AAAAA"

    assert (await feedback.get(f"/complaints/track/{code}", headers={"X-Tracking-Secret": wrong})).status_code == 403
    assert (await feedback.post(f"/complaints/track/{code}/access", json={"secret": wrong})).status_code == 403
    replied = await feedback.post(
        f"/complaints/track/{code}/replies", json={"message": "hi"}, headers={"X-Tracking-Secret": wrong}
    )
    assert replied.status_code == 403
    assert replied.json()["error"]["code"] == "forbidden"


async def test_a_case_filed_signed_in_does_not_open_with_any_secret(feedback, tokens):
    response = await feedback.post("/complaints", json=REPORT, headers=tokens.citizen())
    code = response.json()["tracking_code"]
    opened = await feedback.post(f"/complaints/track/{code}/access", json={"secret": code})
    assert opened.status_code == 403


async def test_scanning_unknown_codes_from_one_address_is_429_with_retry_after(feedback):
    filed = await file_anonymously(feedback)
    code, secret = filed["tracking_code"], filed["secret"]

    assert (await feedback.get("/complaints/track/00000-00000-00000-00000")).status_code == 404
    assert (await feedback.get("/complaints/track/nonsense")).status_code == 404
    assert (await feedback.get(f"/complaints/track/{code}")).status_code == 200, "a known code is no failure"
    assert (await feedback.get("/complaints/track/11111-11111-11111-11111")).status_code == 404

    for attempt in (
        feedback.get("/complaints/track/22222-22222-22222-22222"),
        feedback.post(f"/complaints/track/{code}/access", json={"secret": secret}),
        feedback.get(f"/complaints/track/{code}"),
    ):
        limited = await attempt
        assert limited.status_code == 429, limited.text
        assert 1 <= int(limited.headers["Retry-After"]) <= 900
        assert limited.json()["error"]["code"] == "too_many_attempts"


async def test_the_guess_counter_is_in_the_store_and_shared_by_replicas(settings):
    async with running(create_app(settings)) as first, running(create_app(settings)) as second:
        for client in (first, second, first):
            assert (await client.get("/complaints/track/22222-22222-22222-22222")).status_code == 404
        assert (await second.get("/complaints/track/33333-33333-33333-33333")).status_code == 429


async def test_a_confidential_report_is_hidden_from_the_agencys_other_officers(feedback, tokens):
    citizen = tokens.citizen()
    filed = await feedback.post("/complaints", json={**BLACKMAIL, "contact": CONTACT}, headers=citizen)
    assert filed.status_code == 201, filed.text
    complaint_id = filed.json()["complaint_id"]
    officer = tokens.officer(AGENCY)

    assert (await feedback.get(f"/complaints/{complaint_id}", headers=officer)).status_code == 404
    elsewhere = tokens.officer("ministry-of-health")
    assert (await feedback.get(f"/complaints/{complaint_id}", headers=elsewhere)).status_code == 404
    moved = await feedback.post(f"/complaints/{complaint_id}/status", json={"status": "acknowledged"}, headers=officer)
    assert moved.status_code == 404
    listed = await feedback.get("/complaints", headers=officer)
    assert complaint_id not in [c["complaint_id"] for c in listed.json()]
    other_team = team(tokens, "ministry-of-health")
    assert (await feedback.get(f"/complaints/{complaint_id}", headers=other_team)).status_code == 404

    members = team(tokens)
    seen = await feedback.get(f"/complaints/{complaint_id}", headers=members)
    assert seen.status_code == 200 and seen.json()["confidential"] is True
    assert CONTACT["phone"] not in seen.text and CONTACT["email"] not in seen.text
    assert complaint_id in [c["complaint_id"] for c in (await feedback.get("/complaints", headers=members)).json()]
    only_team = tokens.of(["confidential_team"], agency=AGENCY)
    only_confidential = (await feedback.get("/complaints", headers=only_team)).json()
    assert [c["confidential"] for c in only_confidential] == [True]
    moved = await feedback.post(f"/complaints/{complaint_id}/status", json={"status": "acknowledged"}, headers=members)
    assert moved.status_code == 200, moved.text

    mine = await feedback.get("/complaints/mine", headers=citizen)
    assert [c["complaint_id"] for c in mine.json()] == [complaint_id]
    assert (await feedback.get(f"/complaints/{complaint_id}", headers=citizen)).status_code == 200
    assert (await feedback.get(f"/complaints/{complaint_id}", headers=tokens.citizen())).status_code == 404


async def test_only_the_confidential_team_reads_the_reporters_identity(feedback, tokens, settings):
    subject = "citizen-who-reports-blackmail"
    filed = await feedback.post(
        "/complaints", json={**BLACKMAIL, "contact": CONTACT}, headers=tokens.citizen(subject)
    )
    complaint_id = filed.json()["complaint_id"]
    path = f"/complaints/{complaint_id}/reporter"

    for outsider in (
        tokens.officer(AGENCY),
        tokens.officer(AGENCY, role="agency_admin"),
        tokens.citizen(subject),
        tokens.of(["auditor"]),
        team(tokens, "ministry-of-health"),
    ):
        assert (await feedback.get(path, headers=outsider)).status_code == 404

    identity = await feedback.get(path, headers=team(tokens))
    assert identity.status_code == 200, identity.text
    assert identity.json() == {
        "reporter_id": pseudonym(settings.pseudonym_key.get_secret_value(), subject),
        "contact": CONTACT,
    }

    anonymous = await file_anonymously(feedback, {**BLACKMAIL, "contact": {"email": CONTACT["email"]}})
    anonymous_id = await complaint_id_of(feedback, tokens, anonymous["tracking_code"], anonymous["secret"])
    identity = await feedback.get(f"/complaints/{anonymous_id}/reporter", headers=team(tokens))
    assert identity.json() == {"reporter_id": None, "contact": {"email": CONTACT["email"], "phone": None}}


async def test_contact_is_taken_only_on_confidential_reports(feedback, tokens):
    response = await feedback.post("/complaints", json={**REPORT, "contact": CONTACT}, headers=tokens.citizen())
    assert response.status_code == 422
    assert response.json()["error"]["details"] == [{"field": "contact"}]


async def test_no_event_carries_the_confidential_reporter_or_their_contact(
    feedback, tokens, settings, kafka_bootstrap_servers
):
    subject = "citizen-confidential-7"
    citizen = tokens.citizen(subject)
    filed = await feedback.post("/complaints", json={**BLACKMAIL, "contact": CONTACT}, headers=citizen)
    complaint_id = filed.json()["complaint_id"]
    moved = await feedback.post(
        f"/complaints/{complaint_id}/status", json={"status": "acknowledged"}, headers=team(tokens)
    )
    assert moved.status_code == 200

    # Filed, routed by rule (a status change and ComplaintRouted), acknowledged.
    records = await records_of(kafka_bootstrap_servers, complaint_id, count=4)
    assert len(records) == 4
    reporter_id = pseudonym(settings.pseudonym_key.get_secret_value(), subject)
    for record in records:
        published = record.value.decode() + json.dumps([(k, v.decode()) for k, v in record.headers])
        for secret in (CONTACT["phone"], CONTACT["email"], "99887766", subject, reporter_id, "Someone demands"):
            assert secret not in published
    assert json.loads(records[0].value)["reporter_id"] is None


async def test_auditors_read_every_agencys_cases_without_personal_data(feedback, tokens):
    ordinary = await feedback.post("/complaints", json=REPORT, headers=tokens.citizen())
    other = await feedback.post(
        "/complaints", json={**REPORT, "agency": "ministry-of-health"}, headers=tokens.citizen()
    )
    confidential = await feedback.post("/complaints", json={**BLACKMAIL, "contact": CONTACT}, headers=tokens.citizen())
    ids = {r.json()["complaint_id"] for r in (ordinary, other, confidential)}
    auditor = tokens.of(["auditor"])

    listed = await feedback.get("/complaints", headers=auditor)
    assert listed.status_code == 200, listed.text
    assert {c["complaint_id"] for c in listed.json()} == ids
    for case in listed.json():
        assert set(case) >= {"agency", "category", "status", "description_length", "history"}
        assert not set(case) & {"description", "reporter_id", "tracking_code", "messages", "contact"}
    assert "99123456" not in listed.text and CONTACT["email"] not in listed.text

    one_agency = await feedback.get("/complaints", params={"agency": "ministry-of-health"}, headers=auditor)
    assert [c["complaint_id"] for c in one_agency.json()] == [other.json()["complaint_id"]]

    seen = await feedback.get(f"/complaints/{ordinary.json()['complaint_id']}", headers=auditor)
    assert seen.status_code == 200
    assert seen.json()["description_length"] == len(REPORT["description"])
    assert "description" not in seen.json() and "99123456" not in seen.text
