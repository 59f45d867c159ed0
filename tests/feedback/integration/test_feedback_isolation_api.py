"""Agency isolation on the real broker and store: a category belongs to one agency, notes
and reasons stay with the agency that wrote them, and another citizen's case does not
even exist for a citizen."""

import pytest

from feedback.main import create_app
from tests.support.service import running

pytestmark = pytest.mark.integration

POLICE = "royal-oman-police"
MUNICIPALITY = "muscat-municipality"
WATER = "nama-water"
REPORT = {
    "kind": "report",
    "category": "probe-integrity",
    "description": "An inspector asked me for money to pass my shop",
    "governorate": "muscat",
    "language": "en",
}


async def register(client, tokens, agency: str, category: str, unit: str, **fields):
    body = {"category": category, "name": {"ar": category, "en": category}, "unit": unit, **fields}
    return await client.post("/categories", json=body, headers=tokens.officer(agency, role="agency_admin"))


@pytest.fixture
async def feedback(settings, tokens):
    async with running(create_app(settings)) as client:
        for agency, category, unit, fields in (
            (POLICE, "probe-integrity", "anti-corruption", {"confidential": True}),
            (MUNICIPALITY, "drains", "stormwater", {}),
        ):
            assert (await register(client, tokens, agency, category, unit, **fields)).status_code == 201
        yield client


async def test_another_agency_cannot_register_a_taken_slug_nor_capture_its_cases(feedback, tokens):
    captured = await register(feedback, tokens, MUNICIPALITY, "probe-integrity", "inspection", areas=["muscat"])
    assert captured.status_code == 409, captured.text
    assert POLICE in captured.json()["error"]["message"], "the refusal names who holds the slug"
    listed = (await feedback.get("/categories")).json()
    assert [c["agency"] for c in listed if c["category"] == "probe-integrity"] == [POLICE]

    citizen = tokens.citizen()
    filed = await feedback.post("/complaints", json=REPORT, headers=citizen)
    assert filed.status_code == 201 and filed.json()["status"] == "routed"
    team = tokens.of(["officer", "confidential_team"], agency=POLICE)
    case = await feedback.get(f"/complaints/{filed.json()['complaint_id']}", headers=team)
    assert (case.json()["agency"], case.json()["confidential"]) == (POLICE, True)
    elsewhere = tokens.officer(MUNICIPALITY)
    assert (await feedback.get(f"/complaints/{filed.json()['complaint_id']}", headers=elsewhere)).status_code == 404


async def test_after_a_hand_back_the_new_agency_reads_neither_the_old_notes_nor_reasons(feedback, tokens):
    citizen, operator = tokens.citizen(), tokens.of(["operator"])
    water, municipality = tokens.officer(WATER, subject="water-officer-7"), tokens.officer(MUNICIPALITY)
    smell = {**REPORT, "category": "sewage-smell"}  # in no catalogue: the operator routes it
    first = (await feedback.post("/complaints", json=smell, headers=citizen)).json()
    other = (await feedback.post("/complaints", json=smell, headers=citizen)).json()
    for complaint in (first, other):
        path = f"/complaints/{complaint['complaint_id']}/route"
        routed = await feedback.post(path, json={"agency": WATER, "unit": "sewerage"}, headers=operator)
        assert routed.status_code == 200, routed.text
    case_id = first["complaint_id"]
    water_note = "the contractor on this street is the minister's cousin"
    noted = await feedback.post(f"/complaints/{case_id}/notes", json={"text": water_note}, headers=water)
    assert noted.status_code == 201
    link = {"to_complaint_id": other["complaint_id"]}
    linked = await feedback.post(f"/complaints/{case_id}/link", json=link, headers=water)
    assert linked.status_code == 200 and linked.json()["linked_to"] == other["complaint_id"]
    reason = "sewage is ours only when it is inside a property line"
    handed = await feedback.post(f"/complaints/{case_id}/hand-back", json={"reason": reason}, headers=water)
    assert handed.status_code == 200 and handed.json()["status"] == "submitted", handed.text
    target = {"agency": MUNICIPALITY, "unit": "stormwater"}
    assert (await feedback.post(f"/complaints/{case_id}/route", json=target, headers=operator)).status_code == 200

    seen = await feedback.get(f"/complaints/{case_id}", headers=municipality)
    assert seen.status_code == 200, seen.text
    assert seen.json()["notes"] == []
    assert water_note not in seen.text and "water-officer-7" not in seen.text
    assert reason not in seen.text, "the hand-back reason is the handing agency's"
    assert seen.json()["linked_to"] is None, "a link to the old agency's case does not follow the case"
    listed = await feedback.get("/complaints", headers=municipality)
    assert water_note not in listed.text and reason not in listed.text

    mine = await feedback.post(f"/complaints/{case_id}/notes", json={"text": "ours now"}, headers=municipality)
    assert [n["text"] for n in mine.json()["notes"]] == ["ours now"]


async def test_another_citizens_case_is_404_on_every_read(feedback, tokens):
    owner, stranger = tokens.citizen(), tokens.citizen()
    filed = (await feedback.post("/complaints", json={**REPORT, "category": "drains"}, headers=owner)).json()
    case_id = filed["complaint_id"]
    for path in (
        f"/complaints/{case_id}",
        f"/complaints/{case_id}/duplicates",
        f"/complaints/{case_id}/reporter",
        f"/complaints/{case_id}/escalations",
        f"/open311/v2/requests/{case_id}.json",
        f"/open311/v2/tokens/{case_id}.json",
    ):
        response = await feedback.get(path, headers=stranger)
        assert response.status_code == 404, (path, response.status_code, response.text)
    missing = await feedback.get("/complaints/01JNOSUCHCASE0000000000000", headers=stranger)
    assert missing.status_code == 404
    for path, body in (
        (f"/complaints/{case_id}/status", {"status": "acknowledged"}),
        (f"/complaints/{case_id}/notes", {"text": "x"}),
        (f"/complaints/{case_id}/replies", {"message": "x"}),
        (f"/complaints/{case_id}/reopen", {"reason": "x"}),
    ):
        response = await feedback.post(path, json=body, headers=stranger)
        assert response.status_code == 404, (path, response.status_code, response.text)
    assert (await feedback.get(f"/complaints/{case_id}", headers=owner)).status_code == 200
