"""Likely duplicates and linking on the real broker and store: the filer learns only how
many, the agency's handlers see which and link them, nobody else sees either."""

import pytest

from feedback.main import create_app
from tests.support.service import running

pytestmark = pytest.mark.integration

AGENCY = "muscat-municipality"
LIGHT = {
    "kind": "complaint",
    "agency": AGENCY,
    "category": "street-lighting",
    "description": "إنارة الشارع أمام مسجد الخوير معطلة منذ أسبوع",
    "governorate": "muscat",
    "wilayat": "bawshar",
    "language": "ar",
}
SAME_LIGHT = {**LIGHT, "description": "انارة الشارع امام مسجد الخوير معطلة"}
BLACKMAIL = {
    **LIGHT,
    "kind": "report",
    "category": "extortion",
    "description": "Someone demands money or will publish my photos",
}


@pytest.fixture
async def feedback(settings, tokens):
    async with running(create_app(settings)) as client:
        admin = tokens.officer(AGENCY, role="agency_admin")
        for category, confidential in (("street-lighting", False), ("extortion", True)):
            body = {
                "category": category,
                "name": {"ar": category, "en": category},
                "unit": "customer-care",
                "confidential": confidential,
            }
            assert (await client.post("/categories", json=body, headers=admin)).status_code == 201
        yield client


async def file(feedback, citizen, body) -> dict:
    response = await feedback.post("/complaints", json=body, headers=citizen)
    assert response.status_code == 201, response.text
    return response.json()


async def test_the_filer_learns_how_many_likely_duplicates_and_the_agency_which(feedback, tokens):
    first = await file(feedback, tokens.citizen(), LIGHT)
    assert first["likely_duplicates_count"] == 0
    second = await file(feedback, tokens.citizen(), SAME_LIGHT)
    assert second["likely_duplicates_count"] == 1
    assert first["complaint_id"] not in str(second), "the filer is not told which case"
    elsewhere = await file(feedback, tokens.citizen(), {**SAME_LIGHT, "wilayat": "seeb"})
    assert elsewhere["likely_duplicates_count"] == 0
    unlike = await file(feedback, tokens.citizen(), {**LIGHT, "description": "The park's swings are broken"})
    assert unlike["likely_duplicates_count"] == 0
    anonymous = await feedback.post("/complaints/anonymous", json=SAME_LIGHT)
    assert anonymous.status_code == 201 and anonymous.json()["likely_duplicates_count"] == 2

    officer = tokens.officer(AGENCY)
    listed = await feedback.get(f"/complaints/{second['complaint_id']}/duplicates", headers=officer)
    assert listed.status_code == 200, listed.text
    by_id = {d["complaint_id"]: d for d in listed.json()}
    assert len(by_id) == 2 and first["complaint_id"] in by_id, "the first and the anonymous one"
    entry = by_id[first["complaint_id"]]
    assert set(entry) == {"complaint_id", "status", "category", "filed_at", "similarity", "distance_m"}
    assert entry["status"] == "routed" and entry["category"] == "street-lighting"
    assert entry["similarity"] >= 0.4 and entry["distance_m"] is None
    assert elsewhere["complaint_id"] not in by_id and unlike["complaint_id"] not in by_id


async def test_nobody_but_the_cases_handlers_sees_its_duplicates(feedback, tokens):
    citizen = tokens.citizen()
    await file(feedback, tokens.citizen(), LIGHT)
    mine = await file(feedback, citizen, SAME_LIGHT)
    path = f"/complaints/{mine['complaint_id']}/duplicates"
    assert (await feedback.get(path, headers=citizen)).status_code == 403
    assert (await feedback.get(path, headers=tokens.officer("ministry-of-health"))).status_code == 404
    assert (await feedback.get(path)).status_code == 401
    assert (
        await feedback.get("/complaints/01NOSUCHCASE/duplicates", headers=tokens.officer(AGENCY))
    ).status_code == 404


async def test_nearby_coordinates_make_a_duplicate_with_its_distance(feedback, tokens):
    first = await file(feedback, tokens.citizen(), {**LIGHT, "wilayat": None, "latitude": 23.588, "longitude": 58.3829})
    second = await file(
        feedback, tokens.citizen(), {**SAME_LIGHT, "wilayat": "muttrah", "latitude": 23.590, "longitude": 58.3829}
    )
    assert second["likely_duplicates_count"] == 1
    [entry] = (
        await feedback.get(f"/complaints/{second['complaint_id']}/duplicates", headers=tokens.officer(AGENCY))
    ).json()
    assert entry["complaint_id"] == first["complaint_id"]
    assert 200 < entry["distance_m"] < 250


async def test_an_officer_links_a_case_to_another_once(feedback, tokens):
    citizen = tokens.citizen()
    first = await file(feedback, tokens.citizen(), LIGHT)
    second = await file(feedback, citizen, SAME_LIGHT)
    theirs = await file(feedback, tokens.citizen(), {**LIGHT, "agency": "ministry-of-health"})  # its hint
    officer = tokens.officer(AGENCY)
    link = f"/complaints/{second['complaint_id']}/link"

    assert (
        await feedback.post(link, json={"to_complaint_id": first["complaint_id"]}, headers=citizen)
    ).status_code == 403
    stranger = tokens.officer("ministry-of-health")
    refused = await feedback.post(link, json={"to_complaint_id": theirs["complaint_id"]}, headers=stranger)
    assert refused.status_code == 404, "another agency's case does not exist for them"
    across = await feedback.post(link, json={"to_complaint_id": theirs["complaint_id"]}, headers=officer)
    assert across.status_code == 404, "the other agency's case is not the officer's"
    assert (await feedback.post(link, json={"to_complaint_id": "01NOSUCHCASE"}, headers=officer)).status_code == 404
    itself = await feedback.post(link, json={"to_complaint_id": second["complaint_id"]}, headers=officer)
    assert itself.status_code == 422

    linked = await feedback.post(link, json={"to_complaint_id": first["complaint_id"]}, headers=officer)
    assert linked.status_code == 200, linked.text
    assert linked.json()["linked_to"] == first["complaint_id"]
    seen = (await feedback.get(f"/complaints/{second['complaint_id']}", headers=officer)).json()
    assert seen["linked_to"] == first["complaint_id"] and seen["status"] == "routed"
    as_reporter = (await feedback.get(f"/complaints/{second['complaint_id']}", headers=citizen)).json()
    assert "linked_to" not in as_reporter, "the other case is another citizen's"

    again = await feedback.post(link, json={"to_complaint_id": first["complaint_id"]}, headers=officer)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


async def test_confidential_and_ordinary_cases_are_never_each_others_duplicates(feedback, tokens):
    ordinary = await file(feedback, tokens.citizen(), {**BLACKMAIL, "category": "street-lighting"})
    first = await file(feedback, tokens.citizen(), BLACKMAIL)
    assert first["likely_duplicates_count"] is None, "a confidential filer is not told others exist"
    second = await file(feedback, tokens.citizen(), BLACKMAIL)
    assert second["likely_duplicates_count"] is None

    team = tokens.of(["officer", "confidential_team"], agency=AGENCY)
    path = f"/complaints/{second['complaint_id']}/duplicates"
    assert [d["complaint_id"] for d in (await feedback.get(path, headers=team)).json()] == [first["complaint_id"]]
    assert (await feedback.get(path, headers=tokens.officer(AGENCY))).status_code == 404
    similar = await file(feedback, tokens.citizen(), {**BLACKMAIL, "category": "street-lighting"})
    assert similar["likely_duplicates_count"] == 1
    listed = (await feedback.get(f"/complaints/{similar['complaint_id']}/duplicates", headers=team)).json()
    assert [d["complaint_id"] for d in listed] == [ordinary["complaint_id"]]

    link = f"/complaints/{second['complaint_id']}/link"
    mixed = await feedback.post(link, json={"to_complaint_id": ordinary["complaint_id"]}, headers=team)
    assert mixed.status_code == 422
    hidden = await feedback.post(link, json={"to_complaint_id": first["complaint_id"]}, headers=tokens.officer(AGENCY))
    assert hidden.status_code == 404
    linked = await feedback.post(link, json={"to_complaint_id": first["complaint_id"]}, headers=team)
    assert linked.status_code == 200 and linked.json()["linked_to"] == first["complaint_id"]
