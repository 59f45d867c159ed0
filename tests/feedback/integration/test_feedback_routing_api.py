"""Routing and lifecycle on the real broker and store: the category catalogue routes
filings, the operator's triage queue takes the rest, agencies hand cases back, the
citizen answers and reopens, and staff's internal notes stay internal."""

import asyncio
import json

import pytest
from aiokafka import AIOKafkaConsumer

from feedback.main import create_app
from tests.support.service import running

pytestmark = pytest.mark.integration

WATER = "nama-water"
MUNICIPALITY = "muscat-municipality"
DHOFAR = "dhofar-municipality"
COMPLAINT = {
    "kind": "complaint",
    "category": "water-leak",
    "description": "تسرب مياه أمام منزلي، هاتفي 99123456",
    "governorate": "muscat",
    "language": "ar",
}


async def register(client, tokens, agency: str, category: str, unit: str, **fields) -> dict:
    body = {"category": category, "name": {"ar": "تسرب مياه", "en": "Water leak"}, "unit": unit, **fields}
    response = await client.post("/categories", json=body, headers=tokens.officer(agency, role="agency_admin"))
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def feedback(settings, tokens):
    async with running(create_app(settings)) as client:
        await register(client, tokens, WATER, "water-leak", "networks")
        await register(client, tokens, MUNICIPALITY, "drains", "stormwater")
        await register(client, tokens, MUNICIPALITY, "potholes", "roads")
        await register(client, tokens, DHOFAR, "sand-on-roads", "roads", areas=["dhofar"])
        yield client


async def file(client, citizen, **changes) -> dict:
    response = await client.post("/complaints", json={**COMPLAINT, **changes}, headers=citizen)
    assert response.status_code == 201, response.text
    return response.json()


async def move(client, complaint_id: str, headers, *statuses: str) -> dict:
    for status in statuses:
        response = await client.post(f"/complaints/{complaint_id}/status", json={"status": status}, headers=headers)
        assert response.status_code == 200, response.text
    return response.json()


async def events_of(bootstrap: str, complaint_id: str, *, count: int, timeout: float = 30) -> list[tuple[str, dict]]:
    """(type, payload) of the records keyed by `complaint_id`, once `count` arrived."""
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
    return [(dict(r.headers)["ce_type"].decode().split(".")[-2], json.loads(r.value)) for r in found]


async def test_the_catalogue_is_public_and_only_an_agency_admin_adds_to_their_own(feedback, tokens):
    listed = (await feedback.get("/categories", params={"agency": MUNICIPALITY})).json()
    assert [(c["category"], c["unit"]) for c in listed] == [("drains", "stormwater"), ("potholes", "roads")]
    dhofar = (await feedback.get("/categories", params={"agency": DHOFAR})).json()
    assert dhofar[0]["areas"] == ["dhofar"] and dhofar[0]["name"] == {"ar": "تسرب مياه", "en": "Water leak"}

    body = {"category": "noise", "name": {"ar": "ضوضاء", "en": "Noise"}, "unit": "inspection"}
    assert (await feedback.post("/categories", json=body, headers=tokens.officer(MUNICIPALITY))).status_code == 403
    assert (await feedback.post("/categories", json=body)).status_code == 401
    taken = {**body, "category": "drains"}
    admin = tokens.officer(MUNICIPALITY, role="agency_admin")
    assert (await feedback.post("/categories", json=taken, headers=admin)).status_code == 409
    theirs = await feedback.post("/categories", json=taken, headers=tokens.officer(WATER, role="agency_admin"))
    assert theirs.status_code == 409, "a slug belongs to one agency"
    assert theirs.json()["error"]["details"] == [{"field": "category", "agency": MUNICIPALITY}]
    bad = await feedback.post("/categories", json={**body, "areas": ["atlantis"]}, headers=admin)
    assert bad.status_code == 422


async def test_the_category_routes_a_filing_to_its_agency_and_unit(feedback, tokens, kafka_bootstrap_servers):
    citizen = tokens.citizen()
    filed = await file(feedback, citizen)  # no agency named: only Nama has water-leak
    assert filed["status"] == "routed"
    case = (await feedback.get(f"/complaints/{filed['complaint_id']}", headers=citizen)).json()
    assert (case["agency"], case["unit"], case["routed"]) == (WATER, "networks", True)
    assert [s["status"] for s in case["history"]] == ["submitted", "routed"]

    events = await events_of(kafka_bootstrap_servers, filed["complaint_id"], count=3)
    assert [t for t, _ in events] == ["ComplaintFiled", "ComplaintStatusChanged", "ComplaintRouted"]
    assert events[0][1]["agency"] == WATER, "filed names the agency the rule chose"
    routed = events[2][1]
    assert {k: routed[k] for k in ("agency", "unit", "category", "by")} == {
        "agency": WATER,
        "unit": "networks",
        "category": "water-leak",
        "by": "rule",
    }
    assert (events[1][1]["previous_status"], events[1][1]["status"], events[1][1]["sequence"]) == (
        "submitted",
        "routed",
        1,
    )

    dhofari = await file(feedback, citizen, category="sand-on-roads", governorate="dhofar")
    assert dhofari["status"] == "routed", "the category covers Dhofar"
    assert (await feedback.get(f"/complaints/{dhofari['complaint_id']}", headers=citizen)).json()["agency"] == DHOFAR


async def test_what_no_rule_routes_waits_in_triage_until_an_operator_routes_it(
    feedback, tokens, kafka_bootstrap_servers
):
    citizen, operator = tokens.citizen(), tokens.of(["operator"])
    unknown = await file(feedback, citizen, category="stray-camels")
    wrong_agency = await file(feedback, citizen, agency=MUNICIPALITY)  # water-leak is Nama's, not theirs
    outside = await file(feedback, citizen, category="sand-on-roads", governorate="al_wusta", agency=DHOFAR)
    assert {unknown["status"], wrong_agency["status"], outside["status"]} == {"submitted"}

    queue = await feedback.get("/triage", headers=operator)
    assert queue.status_code == 200, queue.text
    waiting = {c["complaint_id"]: c for c in queue.json()}
    assert {unknown["complaint_id"], wrong_agency["complaint_id"], outside["complaint_id"]} <= set(waiting)
    assert waiting[wrong_agency["complaint_id"]]["agency"] == MUNICIPALITY
    assert waiting[unknown["complaint_id"]]["agency"] is None
    assert (await feedback.get("/triage", headers=tokens.officer(WATER))).status_code == 403
    own = (await feedback.get(f"/complaints/{unknown['complaint_id']}", headers=citizen)).json()
    assert (own["unit"], own["routed"]) == (None, False)
    # Nobody but the operator acts on a case no agency holds.
    staff_move = await feedback.post(
        f"/complaints/{unknown['complaint_id']}/status", json={"status": "acknowledged"}, headers=tokens.officer(WATER)
    )
    assert staff_move.status_code == 403

    path = f"/complaints/{unknown['complaint_id']}/route"
    target = {"agency": MUNICIPALITY, "unit": "animal-control"}
    assert (await feedback.post(path, json=target, headers=tokens.officer(MUNICIPALITY))).status_code == 403
    routed = await feedback.post(path, json=target, headers=operator)
    assert routed.status_code == 200, routed.text
    assert (routed.json()["status"], routed.json()["agency"], routed.json()["unit"]) == (
        "routed",
        MUNICIPALITY,
        "animal-control",
    )
    assert (await feedback.post(path, json=target, headers=operator)).status_code == 409
    await move(feedback, unknown["complaint_id"], tokens.officer(MUNICIPALITY), "acknowledged")
    left = {c["complaint_id"] for c in (await feedback.get("/triage", headers=operator)).json()}
    assert unknown["complaint_id"] not in left

    events = await events_of(kafka_bootstrap_servers, unknown["complaint_id"], count=4)
    filed_event = events[0][1]
    assert filed_event["agency"] == "unassigned"
    routed_event = next(p for t, p in events if t == "ComplaintRouted")
    assert (routed_event["by"], routed_event["agency"], routed_event["unit"]) == (
        "operator",
        MUNICIPALITY,
        "animal-control",
    )


async def test_a_hand_back_reroutes_by_rule_or_returns_to_triage(feedback, tokens, kafka_bootstrap_servers):
    citizen, operator = tokens.citizen(), tokens.of(["operator"])
    # "drains" is the municipality's; the citizen names Nama, so it waits in triage and
    # the operator sends it to Nama.
    filed = await file(feedback, citizen, category="drains", agency=WATER)
    complaint_id = filed["complaint_id"]
    assert filed["status"] == "submitted"
    target = {"agency": WATER, "unit": "sewerage"}
    assert (await feedback.post(f"/complaints/{complaint_id}/route", json=target, headers=operator)).status_code == 200
    path = f"/complaints/{complaint_id}/hand-back"

    assert (await feedback.post(path, json={"reason": "x"}, headers=tokens.officer(MUNICIPALITY))).status_code == 404
    missing = await feedback.post(path, json={}, headers=tokens.officer(WATER))
    assert missing.status_code == 422 and missing.json()["error"]["details"][0]["field"] == "reason"
    handed = await feedback.post(path, json={"reason": "storm drain, not sewage"}, headers=tokens.officer(WATER))
    assert handed.status_code == 200, handed.text
    assert handed.json()["status"] == "routed"
    case = (await feedback.get(f"/complaints/{complaint_id}", headers=citizen)).json()
    assert (case["agency"], case["unit"]) == (MUNICIPALITY, "stormwater")
    assert (await feedback.get(f"/complaints/{complaint_id}", headers=tokens.officer(WATER))).status_code == 404

    events = await events_of(kafka_bootstrap_servers, complaint_id, count=6)
    changes = [(p["previous_status"], p["status"], p["agency"]) for t, p in events if t == "ComplaintStatusChanged"]
    assert changes == [
        ("submitted", "routed", WATER),
        ("routed", "submitted", WATER),
        ("submitted", "routed", MUNICIPALITY),
    ]
    assert [p["by"] for t, p in events if t == "ComplaintRouted"] == ["operator", "handback"]
    assert all("storm drain" not in json.dumps(p) for _, p in events), "the reason stays in the service"

    # The municipality hands it back too: no other agency's category is left, so triage.
    again = await feedback.post(path, json={"reason": "private property"}, headers=tokens.officer(MUNICIPALITY))
    assert again.status_code == 200 and again.json()["status"] == "submitted"
    queued = {c["complaint_id"]: c for c in (await feedback.get("/triage", headers=operator)).json()}
    assert queued[complaint_id]["reason"] == "private property"
    assert queued[complaint_id]["agency"] is None


async def test_waiting_for_the_citizen_resumes_when_they_reply(feedback, tokens, kafka_bootstrap_servers):
    citizen, officer = tokens.citizen(), tokens.officer(WATER)
    complaint_id = (await file(feedback, citizen))["complaint_id"]
    waiting = await move(feedback, complaint_id, officer, "acknowledged", "waiting_for_citizen")
    assert waiting["status"] == "waiting_for_citizen"
    code = (await feedback.get(f"/complaints/{complaint_id}", headers=citizen)).json()["tracking_code"]
    tracked = (await feedback.get(f"/complaints/track/{code}")).json()
    assert tracked["status_label"] == {"ar": "بانتظار رد المواطن", "en": "Waiting for your reply"}

    path = f"/complaints/{complaint_id}/replies"
    assert (await feedback.post(path, json={"message": "x"}, headers=tokens.citizen())).status_code == 404
    replied = await feedback.post(path, json={"message": "The leak is by house 12"}, headers=citizen)
    assert replied.status_code == 201, replied.text
    assert replied.json()["status"] == "in_progress"
    assert replied.json()["messages"][0]["message"] == "The leak is by house 12"

    events = await events_of(kafka_bootstrap_servers, complaint_id, count=6)
    last = [p for t, p in events if t == "ComplaintStatusChanged"][-1]
    assert (last["previous_status"], last["status"], last["sequence"]) == ("waiting_for_citizen", "in_progress", 4)
    assert all("house 12" not in json.dumps(p) for _, p in events)


async def test_the_citizen_reopens_a_resolution_within_the_window(feedback, tokens, kafka_bootstrap_servers):
    citizen, officer = tokens.citizen(), tokens.officer(WATER)
    complaint_id = (await file(feedback, citizen))["complaint_id"]
    await move(feedback, complaint_id, officer, "acknowledged", "in_progress")
    path = f"/complaints/{complaint_id}/reopen"
    early = await feedback.post(path, json={"reason": "not fixed"}, headers=citizen)
    assert early.status_code == 409, "only a resolved case is reopened"
    await move(feedback, complaint_id, officer, "resolved")

    assert (await feedback.post(path, json={"reason": "not fixed"}, headers=tokens.citizen())).status_code == 404
    assert (await feedback.post(path, json={"reason": "not fixed"}, headers=officer)).status_code == 403
    reopened = await feedback.post(path, json={"reason": "still leaking, call me 99123456"}, headers=citizen)
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "in_progress"

    events = await events_of(kafka_bootstrap_servers, complaint_id, count=8)
    reopened_event = next(p for t, p in events if t == "ComplaintReopened")
    assert reopened_event["agency"] == WATER and reopened_event["category"] == "water-leak"
    assert reopened_event["resolved_at"] <= reopened_event["reopened_at"]
    assert all("99123456" not in json.dumps(p) for _, p in events)


async def test_a_resolution_older_than_the_window_stays_resolved(feedback_settings, tokens):
    settings = feedback_settings(reopen_days=0)
    async with running(create_app(settings)) as client:
        await register(client, tokens, WATER, "water-leak", "networks")
        citizen, officer = tokens.citizen(), tokens.officer(WATER)
        complaint_id = (await file(client, citizen))["complaint_id"]
        await move(client, complaint_id, officer, "acknowledged", "in_progress", "resolved")
        late = await client.post(f"/complaints/{complaint_id}/reopen", json={"reason": "again"}, headers=citizen)
        assert late.status_code == 409
        assert "within 0 days" in late.json()["error"]["message"]
        assert (await client.get(f"/complaints/{complaint_id}", headers=citizen)).json()["status"] == "resolved"


async def test_internal_notes_are_for_staff_only_and_in_no_event(feedback, tokens, kafka_bootstrap_servers):
    citizen, officer = tokens.citizen(), tokens.officer(WATER)
    filed = await file(feedback, citizen)
    complaint_id = filed["complaint_id"]
    path = f"/complaints/{complaint_id}/notes"
    secret_note = "supervisor thinks the citizen is exaggerating"

    assert (await feedback.post(path, json={"text": "x"}, headers=citizen)).status_code == 403
    assert (await feedback.post(path, json={"text": "x"}, headers=tokens.officer(MUNICIPALITY))).status_code == 404
    noted = await feedback.post(path, json={"text": secret_note}, headers=officer)
    assert noted.status_code == 201, noted.text
    assert [n["text"] for n in noted.json()["notes"]] == [secret_note]
    await move(feedback, complaint_id, officer, "acknowledged")

    staff_view = (await feedback.get(f"/complaints/{complaint_id}", headers=officer)).json()
    assert staff_view["notes"][0]["text"] == secret_note
    listed = (await feedback.get("/complaints", headers=officer)).json()
    assert listed[0]["notes"][0]["text"] == secret_note
    for view in (
        await feedback.get(f"/complaints/{complaint_id}", headers=citizen),
        await feedback.get("/complaints/mine", headers=citizen),
        await feedback.get(f"/complaints/track/{filed['tracking_code']}"),
    ):
        assert view.status_code == 200
        assert secret_note not in view.text and '"notes"' not in view.text

    events = await events_of(kafka_bootstrap_servers, complaint_id, count=4)
    assert len(events) == 4, "filed, routed (change and ComplaintRouted), acknowledged; the note adds none"
    assert all(secret_note not in json.dumps(p) for _, p in events)


async def test_location_and_attachments_are_kept_and_validated(feedback, tokens):
    citizen = tokens.citizen()
    links = [f"https://media.example.om/{i}.jpg" for i in range(5)]
    filed = await file(feedback, citizen, latitude=23.588, longitude=58.3829, attachments=links)
    case = (await feedback.get(f"/complaints/{filed['complaint_id']}", headers=citizen)).json()
    assert (case["latitude"], case["longitude"], case["attachments"]) == (23.588, 58.3829, links)

    for change, field in (
        ({"latitude": 40.7, "longitude": 58.4}, "latitude"),
        ({"latitude": 23.6, "longitude": 74.0}, "longitude"),
        ({"attachments": [*links, "https://media.example.om/6.jpg"]}, "attachments"),
        ({"attachments": ["http://media.example.om/1.jpg"]}, "attachments"),
    ):
        response = await feedback.post("/complaints", json={**COMPLAINT, **change}, headers=citizen)
        assert response.status_code == 422, change
        assert [d["field"] for d in response.json()["error"]["details"]] == [field]


async def test_an_agency_admin_edits_and_retires_its_own_category(feedback, tokens):
    admin = tokens.officer(MUNICIPALITY, role="agency_admin")
    citizen = tokens.citizen()
    old_case = await file(feedback, citizen, category="drains")
    path = "/categories/drains"

    edit = {"unit": "drainage", "name": {"ar": "تصريف مياه الأمطار", "en": "Storm drains"}, "areas": ["muscat"]}
    assert (await feedback.patch(path, json=edit, headers=tokens.officer(MUNICIPALITY))).status_code == 403
    elsewhere = tokens.officer(WATER, role="agency_admin")
    assert (await feedback.patch(path, json=edit, headers=elsewhere)).status_code == 404, "Nama has no drains"
    assert (await feedback.patch("/categories/no-such", json=edit, headers=admin)).status_code == 404
    assert (await feedback.patch(path, json={"areas": ["atlantis"]}, headers=admin)).status_code == 422
    edited = await feedback.patch(path, json=edit, headers=admin)
    assert edited.status_code == 200, edited.text
    assert (edited.json()["unit"], edited.json()["areas"], edited.json()["name"]["en"]) == (
        "drainage",
        ["muscat"],
        "Storm drains",
    )
    routed = await file(feedback, citizen, category="drains")
    assert (await feedback.get(f"/complaints/{routed['complaint_id']}", headers=citizen)).json()["unit"] == "drainage"

    retired = await feedback.post(f"{path}/retire", headers=admin)
    assert retired.status_code == 200 and retired.json()["retired_at"] is not None
    assert (await feedback.post(f"{path}/retire", headers=admin)).status_code == 409
    offered = [c["category"] for c in (await feedback.get("/categories")).json()]
    assert "drains" not in offered and "potholes" in offered
    everything = (await feedback.get("/categories", params={"retired": "true"})).json()
    assert [c["retired_at"] is not None for c in everything if c["category"] == "drains"] == [True]
    refused = await feedback.post("/complaints", json={**COMPLAINT, "category": "drains"}, headers=citizen)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["details"] == [{"field": "category"}]
    kept = (await feedback.get(f"/complaints/{old_case['complaint_id']}", headers=citizen)).json()
    assert (kept["category"], kept["unit"]) == ("drains", "stormwater"), "old cases keep their category"
    again = {"category": "drains", "name": {"ar": "x", "en": "x"}, "unit": "x"}
    assert (await feedback.post("/categories", json=again, headers=elsewhere)).status_code == 409, "still held"


async def test_an_agency_restricts_its_officers_to_their_units_cases(feedback, tokens):
    citizen = tokens.citizen()
    drains = (await file(feedback, citizen, category="drains"))["complaint_id"]  # unit stormwater
    potholes = (await file(feedback, citizen, category="potholes"))["complaint_id"]  # unit roads
    roads = tokens.of(["officer"], agency=MUNICIPALITY, unit="roads")
    admin = tokens.of(["agency_admin"], agency=MUNICIPALITY, unit="roads")

    async def listed(headers) -> set[str]:
        response = await feedback.get("/complaints", headers=headers)
        assert response.status_code == 200, response.text
        return {c["complaint_id"] for c in response.json()}

    assert await listed(roads) >= {drains, potholes}, "until the agency asks for it, officers see every unit"
    path = f"/agencies/{MUNICIPALITY}/settings"
    assert (await feedback.get(path, headers=admin)).json() == {"agency": MUNICIPALITY, "units_restricted": False}
    assert (await feedback.put(path, json={"units_restricted": True}, headers=roads)).status_code == 403
    other_admin = tokens.officer(WATER, role="agency_admin")
    assert (await feedback.put(path, json={"units_restricted": True}, headers=other_admin)).status_code == 403
    changed = await feedback.put(path, json={"units_restricted": True}, headers=admin)
    assert changed.status_code == 200 and changed.json()["units_restricted"] is True

    assert await listed(roads) == {potholes}
    assert (await feedback.get(f"/complaints/{drains}", headers=roads)).status_code == 404
    moved = await feedback.post(f"/complaints/{drains}/status", json={"status": "acknowledged"}, headers=roads)
    assert moved.status_code == 404
    assert (await move(feedback, potholes, roads, "acknowledged"))["status"] == "acknowledged"
    assert (await feedback.get(f"/complaints/{drains}/escalations", headers=roads)).status_code == 404
    assert (await feedback.get(f"/complaints/{potholes}/escalations", headers=roads)).status_code == 200
    stormwater = tokens.of(["officer"], agency=MUNICIPALITY, unit="stormwater")
    await move(feedback, drains, stormwater, "acknowledged", "in_progress", "resolved")
    rated = await feedback.post(f"/complaints/{drains}/satisfaction", json={"score": 4}, headers=citizen)
    assert rated.status_code == 201, rated.text
    assert (await feedback.get(f"/complaints/{drains}/satisfaction", headers=roads)).status_code == 404
    assert (await feedback.get(f"/complaints/{drains}/satisfaction", headers=stormwater)).status_code == 200
    assert await listed(admin) >= {drains, potholes}, "admins see every unit"
    await register(feedback, tokens, MUNICIPALITY, "bribery", "integrity", confidential=True)
    bribery = (await file(feedback, citizen, category="bribery"))["complaint_id"]
    both = tokens.of(["officer", "confidential_team"], agency=MUNICIPALITY, unit="roads")
    assert await listed(both) == {potholes, bribery}, "confidential cases stay the team's, whatever the unit"
    assert (await feedback.get(f"/complaints/{bribery}", headers=both)).status_code == 200
    assert await listed(tokens.officer(MUNICIPALITY)) >= {drains, potholes}, "an officer without a unit sees all"
