"""Campaigns on the real broker and store: the five steps, their events, isolation."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.consultation.integration.conftest import events_of

pytestmark = pytest.mark.integration

TEXT = {"ar": "نص", "en": "Text"}


def plan(**overrides) -> dict:
    now = datetime.now(UTC)
    return {
        "kind": "consultation",
        "title": {"ar": "تنظيم الأسواق", "en": "Market regulation"},
        "summary": {"ar": "ملخص", "en": "Summary"},
        "objectives": [{"ar": "هدف", "en": "Objective"}],
        "target_groups": ["traders", "all_beneficiaries"],
        "partners": ["municipality"],
        "channels": ["website", "social_media"],
        "tools": ["e-survey", "listening sessions"],
        "budget_omr": 1200,
        "opens_at": (now - timedelta(minutes=1)).isoformat(),
        "closes_at": (now + timedelta(days=30)).isoformat(),
        **overrides,
    }


async def test_a_campaign_goes_through_its_five_steps_each_an_event(consultation, tokens, kafka_bootstrap_servers):
    officer = tokens.officer("mtcit")
    planned = await consultation.post("/campaigns", json=plan(), headers=officer)
    assert planned.status_code == 201, planned.text
    campaign_id = planned.json()["campaign_id"]
    assert planned.json()["state"] == "planned"
    assert planned.json()["plan"]["target_groups"] == ["traders", "all_beneficiaries"]

    revised = await consultation.put(f"/campaigns/{campaign_id}/plan", json=plan(budget_omr=900), headers=officer)
    assert revised.json()["plan"]["budget_omr"] == 900
    tools = {"tools": [{"kind": "ballot", "tool_id": "ballot-1"}]}
    launched = await consultation.post(f"/campaigns/{campaign_id}/launch", json=tools, headers=officer)
    assert launched.status_code == 200, launched.text
    assert launched.json()["tools"] == tools["tools"]
    replan = await consultation.put(f"/campaigns/{campaign_id}/plan", json=plan(), headers=officer)
    assert replan.status_code == 409

    early = await consultation.post(
        f"/campaigns/{campaign_id}/report", json={"report": TEXT, "press_release": TEXT}, headers=officer
    )
    assert early.status_code == 409
    assert early.json()["error"]["details"][0]["state"] == "launched"

    assessment = {"quality": TEXT, "strengths": TEXT, "challenges": TEXT}
    assert (await consultation.post(f"/campaigns/{campaign_id}/analysis", json=assessment, headers=officer)).status_code == 200
    decision = {
        "text": {"ar": "تمديد ساعات العمل", "en": "Extend the opening hours"},
        "inputs": [{"kind": "ballot_result", "ref": "ballot-1", "label": {"ar": "82% مع التمديد", "en": "82% for"}}],
    }
    decided = await consultation.post(f"/campaigns/{campaign_id}/decisions", json=decision, headers=officer)
    assert decided.status_code == 201, decided.text
    [recorded] = decided.json()["decisions"]
    progress = {"status": "done", "progress": 100, "note": TEXT}
    done = await consultation.post(
        f"/campaigns/{campaign_id}/decisions/{recorded['decision_id']}/progress", json=progress, headers=officer
    )
    assert done.status_code == 200, done.text
    report = {"report": TEXT, "press_release": TEXT, "links": ["https://example.om/report"]}
    assert (await consultation.post(f"/campaigns/{campaign_id}/report", json=report, headers=officer)).status_code == 200
    closed = await consultation.post(f"/campaigns/{campaign_id}/close", headers=officer)
    assert closed.json()["state"] == "closed"

    records = await events_of(kafka_bootstrap_servers, "consultation.campaigns", subject=campaign_id, at_least=8)
    assert [name for name, _, _ in records] == [
        "CampaignPlanned",
        "CampaignPlanned",
        "CampaignLaunched",
        "CampaignAnalysed",
        "DecisionRecorded",
        "DecisionProgressed",
        "CampaignReported",
        "CampaignClosed",
    ]
    launched_event = json.loads(records[2][2])
    assert launched_event["tools"] == tools["tools"] and launched_event["title"]["ar"] == "تنظيم الأسواق"


async def test_cancel_with_a_reason_and_no_step_after(consultation, tokens):
    officer = tokens.officer("mtcit")
    campaign_id = (await consultation.post("/campaigns", json=plan(), headers=officer)).json()["campaign_id"]
    no_reason = await consultation.post(f"/campaigns/{campaign_id}/cancel", json={}, headers=officer)
    assert no_reason.status_code == 422 and no_reason.json()["error"]["details"][0]["field"] == "reason"
    cancelled = await consultation.post(f"/campaigns/{campaign_id}/cancel", json={"reason": TEXT}, headers=officer)
    assert cancelled.json()["state"] == "cancelled"
    assert (await consultation.post(f"/campaigns/{campaign_id}/launch", headers=officer)).status_code == 409


async def test_an_officer_of_another_agency_gets_403(consultation, tokens):
    campaign_id = (await consultation.post("/campaigns", json=plan(), headers=tokens.officer("mtcit"))).json()["campaign_id"]
    other = tokens.officer("moh")
    assert (await consultation.post(f"/campaigns/{campaign_id}/launch", headers=other)).status_code == 403
    assert (await consultation.get(f"/campaigns/{campaign_id}", headers=other)).status_code == 403


async def test_writes_need_a_staff_token(consultation, tokens):
    assert (await consultation.post("/campaigns", json=plan())).status_code == 401
    assert (await consultation.post("/campaigns", json=plan(), headers=tokens.citizen())).status_code == 403


async def test_bad_input_names_the_field(consultation, tokens):
    officer = tokens.officer("mtcit")
    past = await consultation.post(
        "/campaigns", json=plan(opens_at="2019-01-01T00:00:00Z", closes_at="2020-01-01T00:00:00Z"), headers=officer
    )
    assert past.status_code == 422 and past.json()["error"]["details"][0]["field"] == "closes_at"
    reversed_ = await consultation.post("/campaigns", json=plan(closes_at="2000-01-01T00:00:00Z"), headers=officer)
    assert reversed_.json()["error"]["details"][0]["field"] == "closes_at"
    kind = await consultation.post("/campaigns", json=plan(kind="party"), headers=officer)
    assert kind.json()["error"]["details"][0]["field"] == "kind"
    campaign_id = (await consultation.post("/campaigns", json=plan(), headers=officer)).json()["campaign_id"]
    unknown = await consultation.post(
        f"/campaigns/{campaign_id}/launch", json={"tools": [{"kind": "survey", "tool_id": "nope"}]}, headers=officer
    )
    assert unknown.status_code == 422 and unknown.json()["error"]["details"][0]["field"] == "tools.0.tool_id"


async def test_planned_campaigns_are_hidden_from_the_public_and_launched_ones_listed(consultation, tokens):
    officer = tokens.officer("mtcit")
    campaign_id = (await consultation.post("/campaigns", json=plan(), headers=officer)).json()["campaign_id"]
    assert (await consultation.get(f"/campaigns/{campaign_id}")).status_code == 404
    assert (await consultation.get(f"/campaigns/{campaign_id}", headers=tokens.citizen())).status_code == 404
    await consultation.post(f"/campaigns/{campaign_id}/launch", headers=officer)
    public = await consultation.get("/campaigns", params={"agency": "mtcit"})
    assert campaign_id in [c["campaign_id"] for c in public.json()]
