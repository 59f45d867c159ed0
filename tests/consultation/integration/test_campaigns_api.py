"""The consultation service on the real broker and store: plan, launch, isolation."""

import asyncio

import pytest
from aiokafka import AIOKafkaConsumer

from consultation.config import ConsultationSettings
from consultation.main import create_app
from tests.support.service import running, unique_database

pytestmark = pytest.mark.integration

CAMPAIGN = {
    "kind": "poll",
    "title": {"ar": "اختر موضوع منتدى معاً نتقدم", "en": "Choose the Together We Progress topic"},
    "summary": {"ar": "ثلاثة مواضيع مقترحة", "en": "Three proposed topics"},
    "opens_at": "2026-11-01T00:00:00Z",
    "closes_at": "2030-01-01T00:00:00Z",
}


@pytest.fixture
async def consultation(kafka_bootstrap_servers, mongodb_url, jwt_keys):
    settings = ConsultationSettings(
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        mongodb_database=unique_database("consultation"),
        jwt_public_key=jwt_keys[1],
        environment="test",
        outbox_poll_seconds=0.2,
    )
    async with running(create_app(settings)) as client:
        yield client


async def launched_events(bootstrap: str, campaign_id: str, *, timeout: float = 20) -> list:
    consumer = AIOKafkaConsumer(
        "consultation.campaigns", bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    found = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while not found and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                found += [r for r in records if r.key == campaign_id.encode()]
    finally:
        await consumer.stop()
    return found


async def test_an_officer_plans_and_launches_a_campaign_which_is_published(
    consultation, tokens, kafka_bootstrap_servers
):
    officer = tokens.officer("mtcit")
    planned = await consultation.post("/campaigns", json=CAMPAIGN, headers=officer)
    assert planned.status_code == 201, planned.text
    campaign_id = planned.json()["campaign_id"]
    assert planned.json()["state"] == "draft"

    launched = await consultation.post(f"/campaigns/{campaign_id}/launch", headers=officer)
    assert launched.status_code == 200, launched.text
    assert launched.json()["state"] == "launched"

    records = await launched_events(kafka_bootstrap_servers, campaign_id)
    [record] = records
    headers = {k: v.decode() for k, v in record.headers}
    assert headers["ce_type"] == "om.sharik.consultation.CampaignLaunched.v1"
    assert headers["ce_subject"] == campaign_id
    assert headers["ce_agency"] == "mtcit"
    assert headers["ce_specversion"] == "1.0"


async def test_an_officer_of_another_agency_gets_403(consultation, tokens):
    planned = await consultation.post("/campaigns", json=CAMPAIGN, headers=tokens.officer("mtcit"))
    campaign_id = planned.json()["campaign_id"]

    other = tokens.officer("moh")
    launch = await consultation.post(f"/campaigns/{campaign_id}/launch", headers=other)
    assert launch.status_code == 403
    assert launch.json()["error"]["code"] == "forbidden"
    assert (await consultation.get(f"/campaigns/{campaign_id}", headers=other)).status_code == 403


async def test_writes_need_a_staff_token(consultation, tokens):
    assert (await consultation.post("/campaigns", json=CAMPAIGN)).status_code == 401
    citizen = await consultation.post("/campaigns", json=CAMPAIGN, headers=tokens.citizen())
    assert citizen.status_code == 403


async def test_bad_input_names_the_field(consultation, tokens):
    response = await consultation.post(
        "/campaigns", json={**CAMPAIGN, "closes_at": "2020-01-01T00:00:00Z"}, headers=tokens.officer("mtcit")
    )
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["details"][0]["field"] == "closes_at"


async def test_drafts_are_hidden_from_the_public_and_launched_ones_listed(consultation, tokens):
    officer = tokens.officer("mtcit")
    campaign_id = (await consultation.post("/campaigns", json=CAMPAIGN, headers=officer)).json()["campaign_id"]
    assert (await consultation.get(f"/campaigns/{campaign_id}")).status_code == 404

    await consultation.post(f"/campaigns/{campaign_id}/launch", headers=officer)
    public = await consultation.get("/campaigns", params={"agency": "mtcit"})
    assert campaign_id in [c["campaign_id"] for c in public.json()]
