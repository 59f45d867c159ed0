"""The agency's annual plan, its KPI targets, and decisions whose inputs must be the
campaign's own survey questions and sections."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.consultation.integration.conftest import events_of
from tests.consultation.integration.test_campaigns_api import TEXT, plan

pytestmark = pytest.mark.integration


async def test_the_annual_plan_lists_campaigns_by_quarter_planned_ones_for_staff_only(consultation, tokens):
    officer = tokens.officer("moe")
    year = datetime.now(UTC).year + 1
    opens = datetime(year, 5, 10, tzinfo=UTC)
    body = plan(opens_at=opens.isoformat(), closes_at=(opens + timedelta(days=20)).isoformat())
    planned = (await consultation.post("/campaigns", json=body, headers=officer)).json()
    staff_view = (await consultation.get("/agencies/moe/plan", params={"year": year}, headers=officer)).json()
    [q2] = [q for q in staff_view["quarters"] if q["campaigns"]]
    assert q2["quarter"] == 2
    [entry] = q2["campaigns"]
    assert entry["campaign_id"] == planned["campaign_id"] and entry["status"] == "planned"
    assert entry["topic"]["en"] == "Market regulation" and entry["tools"] == ["e-survey", "listening sessions"]
    public = (await consultation.get("/agencies/moe/plan", params={"year": year})).json()
    assert all(not q["campaigns"] for q in public["quarters"])
    assert (await consultation.get("/agencies/moe/plan", params={"year": 1900})).status_code == 422


async def test_agency_admins_set_kpi_targets_as_events(consultation, tokens, kafka_bootstrap_servers):
    agency = f"kpi-{datetime.now(UTC).timestamp():.0f}"
    admin = tokens.officer(agency, role="agency_admin")
    targets = {"sessions_run": 5, "decisions_implemented_pct": 90, "results_published_pct": 100}
    assert (await consultation.put(f"/agencies/{agency}/kpi-targets/2026-H2", json=targets, headers=admin)).status_code == 200
    again = await consultation.put(f"/agencies/{agency}/kpi-targets/2026-H2", json={**targets, "sessions_run": 6}, headers=admin)
    assert again.json()["revision"] == 2
    assert (await consultation.get(f"/agencies/{agency}/kpi-targets/2026-H2")).json()["targets"]["sessions_run"] == 6
    officer = await consultation.put(f"/agencies/{agency}/kpi-targets/2026-H2", json=targets, headers=tokens.officer(agency))
    assert officer.status_code == 403
    other = await consultation.put(f"/agencies/{agency}/kpi-targets/2026-H2", json=targets, headers=tokens.officer("x", role="agency_admin"))
    assert other.status_code == 403
    bad = await consultation.put(f"/agencies/{agency}/kpi-targets/2026-H3", json=targets, headers=admin)
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "period"
    pct = await consultation.put(f"/agencies/{agency}/kpi-targets/2026-H1", json={**targets, "results_published_pct": 120}, headers=admin)
    assert pct.json()["error"]["details"][0]["field"] == "results_published_pct"
    records = await events_of(kafka_bootstrap_servers, "consultation.plans", subject=agency, at_least=2)
    assert [json.loads(value)["revision"] for _, _, value in records] == [1, 2]


async def test_decision_inputs_must_be_the_campaigns_own(consultation, tokens):
    officer = tokens.officer("mm")
    campaign_id = (await consultation.post("/campaigns", json=plan(), headers=officer)).json()["campaign_id"]
    now = datetime.now(UTC)
    survey = await consultation.post(
        "/surveys",
        json={
            "campaign_id": campaign_id,
            "title": TEXT,
            "questions": [{"question_id": "q1", "type": "rating", "min": 1, "max": 5, "text": TEXT}],
            "opens_at": now.isoformat(),
            "closes_at": (now + timedelta(days=2)).isoformat(),
        },
        headers=officer,
    )
    survey_id = survey.json()["survey_id"]
    tools = {"tools": [{"kind": "survey", "tool_id": survey_id}, {"kind": "ballot", "tool_id": "b-1"}]}
    unpublished = await consultation.post(f"/campaigns/{campaign_id}/launch", json=tools, headers=officer)
    assert unpublished.status_code == 422 and unpublished.json()["error"]["details"][0]["field"] == "tools.0.tool_id"
    assert (await consultation.post(f"/surveys/{survey_id}/publish", headers=officer)).status_code == 200
    assert (await consultation.post(f"/campaigns/{campaign_id}/launch", json=tools, headers=officer)).status_code == 200
    described = (await consultation.get(f"/campaigns/{campaign_id}/tools")).json()
    assert described[0] | {"title": None} == {
        "kind": "survey", "tool_id": survey_id, "title": None, "phase": "open", "path": f"/surveys/{survey_id}"
    }
    assert described[1] == {"kind": "ballot", "tool_id": "b-1"}
    assessment = {"quality": TEXT, "strengths": TEXT, "challenges": TEXT}
    await consultation.post(f"/campaigns/{campaign_id}/analysis", json=assessment, headers=officer)

    def decision(ref: str, kind: str = "survey_question") -> dict:
        return {"text": TEXT, "inputs": [{"kind": kind, "ref": ref, "label": TEXT}], "status": "in_progress", "progress": 20}

    bad_question = await consultation.post(f"/campaigns/{campaign_id}/decisions", json=decision(f"{survey_id}/q9"), headers=officer)
    assert bad_question.status_code == 422 and bad_question.json()["error"]["details"][0]["field"] == "inputs.0.ref"
    foreign = await consultation.post(f"/campaigns/{campaign_id}/decisions", json=decision("b1", "ballot_result"), headers=officer)
    assert foreign.status_code == 422
    inconsistent = await consultation.post(
        f"/campaigns/{campaign_id}/decisions", json={**decision(f"{survey_id}/q1"), "status": "done"}, headers=officer
    )
    assert inconsistent.status_code == 422 and inconsistent.json()["error"]["details"][0]["field"] == "progress"
    ok = await consultation.post(f"/campaigns/{campaign_id}/decisions", json=decision(f"{survey_id}/q1"), headers=officer)
    assert ok.status_code == 201, ok.text
    assert ok.json()["state"] == "applying"
    [recorded] = ok.json()["decisions"][0]["inputs"]
    assert [(f["label"]["en"], f["count"]) for f in recorded["figures"]] == [(str(p), 0) for p in range(1, 6)]
