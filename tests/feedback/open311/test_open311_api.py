"""The Open311 GeoReport v2 façade on the real broker and store: each endpoint in JSON
and XML, errors in the spec's shape, Muscat datetimes, POST→GET round trips, isolation."""

import re
from urllib.parse import quote
from xml.etree import ElementTree

import pytest
from pymongo import AsyncMongoClient

from feedback.main import create_app
from feedback.open311.router import PREFIX
from tests.support.service import running

pytestmark = pytest.mark.integration

AGENCY = "muscat-municipality"
FORM = {
    "jurisdiction_id": AGENCY,
    "service_code": "street-lighting",
    "lat": "23.5880",
    "long": "58.3829",
    "description": "The street light in front of number 12 has been out for a week",
    "email": "someone@example.om",
    "first_name": "Salim",
    "last_name": "Al-Harthy",
    "phone": "99123456",
}
MUSCAT_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+04:00$")
CATEGORIES = {
    "street-lighting": ("إنارة الشوارع", "Street lighting"),
    "sewage": ("الصرف الصحي", "Sewage"),
    "extortion": ("ابتزاز", "Extortion"),
}


@pytest.fixture
async def feedback(settings, tokens):
    async with running(create_app(settings)) as client:
        admin = tokens.officer(AGENCY, role="agency_admin")
        for code, (ar, en) in CATEGORIES.items():
            body = {
                "category": code,
                "name": {"ar": ar, "en": en},
                "unit": "services",
                "confidential": code == "extortion",
            }
            assert (await client.post("/categories", json=body, headers=admin)).status_code == 201
        yield client


def xml(response) -> ElementTree.Element:
    assert response.headers["content-type"].startswith("text/xml"), response.headers["content-type"]
    return ElementTree.fromstring(response.content)


def fields(element: ElementTree.Element) -> dict[str, str]:
    return {child.tag: child.text or "" for child in element}


async def post(feedback, citizen, fmt="json", **changes):
    form = {k: v for k, v in {**FORM, **changes}.items() if v is not None}
    return await feedback.post(f"{PREFIX}/requests.{fmt}", data=form, headers=citizen)


async def filed_id(feedback, citizen, **changes) -> str:
    response = await post(feedback, citizen, **changes)
    assert response.status_code == 201, response.text
    [created] = response.json()
    return created["service_request_id"]


def assert_error(response, status: int, fmt: str) -> str:
    assert response.status_code == status, response.text
    if fmt == "json":
        [entry] = response.json()
        assert set(entry) == {"code", "description"}
        assert entry["code"] == status
        return entry["description"]
    root = xml(response)
    assert root.tag == "errors"
    [entry] = root.findall("error")
    assert entry.findtext("code") == str(status)
    return entry.findtext("description")


async def test_discovery_names_the_v2_endpoint_and_both_formats(feedback):
    body = (await feedback.get(f"{PREFIX}/discovery.json")).json()
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith(PREFIX)
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    assert MUSCAT_TIME.match(body["changeset"])

    root = xml(await feedback.get(f"{PREFIX}/discovery.xml"))
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == ["application/json", "text/xml"]


async def test_the_service_list_is_the_agencies_categories_in_arabic_or_english(feedback, tokens):
    other = {"category": "sand-on-roads", "name": {"ar": "رمال على الطرق", "en": "Sand on roads"}, "unit": "roads"}
    dhofar = tokens.officer("dhofar-municipality", role="agency_admin")
    assert (await feedback.post("/categories", json=other, headers=dhofar)).status_code == 201
    retired = {**other, "category": "old-kiosks"}
    assert (await feedback.post("/categories", json=retired, headers=dhofar)).status_code == 201
    assert (await feedback.post("/categories/old-kiosks/retire", headers=dhofar)).status_code == 200

    services = (await feedback.get(f"{PREFIX}/services.json")).json()
    assert {s["service_code"] for s in services} == {*CATEGORIES, "sand-on-roads"}, "retired ones are not offered"
    lighting = next(s for s in services if s["service_code"] == "street-lighting")
    assert lighting["service_name"] == "إنارة الشوارع" and lighting["group"] == AGENCY
    assert lighting["metadata"] is False and lighting["type"] == "realtime"
    assert set(lighting) == {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    theirs = (await feedback.get(f"{PREFIX}/services.json", params={"jurisdiction_id": "dhofar-municipality"})).json()
    assert [s["service_code"] for s in theirs] == ["sand-on-roads"]

    root = xml(await feedback.get(f"{PREFIX}/services.xml", params={"locale": "en"}))
    assert root.tag == "services"
    by_code = {s.findtext("service_code"): fields(s) for s in root.findall("service")}
    assert by_code.keys() == {s["service_code"] for s in services}
    assert by_code["street-lighting"]["service_name"] == "Street lighting"
    assert by_code["street-lighting"]["metadata"] == "false"
    assert by_code["sand-on-roads"]["group"] == "dhofar-municipality"
    assert_error(await feedback.get(f"{PREFIX}/services/old-kiosks.json"), 404, "json")


async def test_anyone_lists_requests_without_a_token_and_without_personal_or_confidential_data(feedback, tokens):
    citizen = tokens.citizen()
    phone = "99887766"
    public = await filed_id(
        feedback, citizen, description=f"Lamp out, call me on {phone}", lat="23.58812", long="58.38291"
    )
    native = {"kind": "complaint", "agency": AGENCY, "description": f"they want money, {phone}", "language": "en"}
    confidential = await feedback.post("/complaints", json={**native, "category": "extortion"}, headers=citizen)
    assert confidential.status_code == 201, confidential.text
    anonymous = await feedback.post("/complaints/anonymous", json={**native, "category": "street-lighting"})
    assert anonymous.status_code == 201, anonymous.text
    opened = await feedback.get(
        f"/complaints/track/{anonymous.json()['tracking_code']}",
        headers={"X-Tracking-Secret": anonymous.json()["secret"]},
    )
    hidden = {confidential.json()["complaint_id"], opened.json()["complaint_id"]}

    listed = await feedback.get(f"{PREFIX}/requests.json")
    assert listed.status_code == 200, listed.text
    assert public in {r["service_request_id"] for r in listed.json()}
    assert not hidden & {r["service_request_id"] for r in listed.json()}, "confidential and anonymous cases stay out"
    assert phone not in listed.text
    [record] = [r for r in listed.json() if r["service_request_id"] == public]
    assert record["description"] is None, "free text may name people: not public"
    assert (record["lat"], record["long"]) == (23.588, 58.383), "the place to about 100 m, not the door"
    assert (record["status"], record["service_name"], record["agency_responsible"]) == ("open", "إنارة الشوارع", AGENCY)
    as_xml = await feedback.get(f"{PREFIX}/requests.xml", params={"locale": "en", "service_code": "street-lighting"})
    assert public in [r.findtext("service_request_id") for r in xml(as_xml).findall("request")]
    assert phone not in as_xml.text

    [one] = (await feedback.get(f"{PREFIX}/requests/{public}.json")).json()
    assert one["description"] is None and one["service_request_id"] == public
    for case_id in hidden:
        assert_error(await feedback.get(f"{PREFIX}/requests/{case_id}.json"), 404, "json")
        assert_error(await feedback.get(f"{PREFIX}/tokens/{case_id}.json"), 404, "json")
    [own] = (await feedback.get(f"{PREFIX}/requests/{public}.json", headers=citizen)).json()
    assert phone in own["description"], "the reporter still reads the whole request"


async def test_a_service_definition_has_no_attributes_and_an_unknown_one_is_404(feedback):
    assert (await feedback.get(f"{PREFIX}/services/sewage.json")).json() == {
        "service_code": "sewage",
        "attributes": [],
    }
    root = xml(await feedback.get(f"{PREFIX}/services/sewage.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "sewage"
    assert list(root.find("attributes")) == []
    for fmt in ("json", "xml"):
        assert "no-such" in assert_error(await feedback.get(f"{PREFIX}/services/no-such.{fmt}"), 404, fmt)


async def test_an_unsupported_format_is_a_400_in_json(feedback):
    assert "html" in assert_error(await feedback.get(f"{PREFIX}/services.html"), 400, "json")


async def test_post_then_get_round_trips_in_json_with_muscat_times_and_no_contact_details(
    feedback, tokens, settings, mongodb_url
):
    citizen = tokens.citizen()
    response = await post(feedback, citizen)
    assert response.status_code == 201, response.text
    [created] = response.json()
    request_id = created["service_request_id"]
    assert re.search(r"[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}", created["service_notice"])

    [record] = (await feedback.get(f"{PREFIX}/requests/{request_id}.json", headers=citizen)).json()
    assert record["service_request_id"] == request_id
    assert record["status"] == "open"
    assert record["service_code"] == "street-lighting"
    assert record["agency_responsible"] == AGENCY
    assert record["description"] == FORM["description"]
    assert MUSCAT_TIME.match(record["requested_datetime"]) and MUSCAT_TIME.match(record["updated_datetime"])

    # The native API sees the same complaint, and the store holds none of the contact fields.
    native = (await feedback.get(f"/complaints/{request_id}", headers=citizen)).json()
    assert native["category"] == "street-lighting" and native["channel"] == "app"
    client = AsyncMongoClient(mongodb_url)
    try:
        stored = await client[settings.mongodb_database]["complaints"].find_one({"_id": request_id})
    finally:
        await client.close()
    text = repr(stored)
    for secret in ("someone@example.om", "Salim", "Al-Harthy", "99123456"):
        assert secret not in text


async def test_post_and_get_in_xml_and_status_notes_follow_the_agency_reply(feedback, tokens):
    citizen = tokens.citizen()
    response = await post(feedback, citizen, fmt="xml", lat=None, long=None, address_string="Way 3021, Bawshar")
    assert response.status_code == 201, response.text
    root = xml(response)
    assert root.tag == "service_requests"
    request_id = root.find("request").findtext("service_request_id")

    officer = tokens.officer(AGENCY)
    for status, reply in (("acknowledged", {"en": "We are on it"}), ("in_progress", None), ("resolved", None)):
        body = {"status": status} | ({"reply": reply} if reply else {})
        moved = await feedback.post(f"/complaints/{request_id}/status", json=body, headers=officer)
        assert moved.status_code == 200, moved.text

    root = xml(await feedback.get(f"{PREFIX}/requests/{request_id}.xml", headers=citizen))
    [request] = root.findall("request")
    record = fields(request)
    assert record["status"] == "closed"
    assert record["status_notes"] == "We are on it"
    assert MUSCAT_TIME.match(record["updated_datetime"])
    assert record["updated_datetime"] >= record["requested_datetime"]

    root = xml(await feedback.get(f"{PREFIX}/tokens/{request_id}.xml", headers=citizen))
    assert root.find("request").findtext("service_request_id") == request_id


async def test_post_needs_a_citizen_token_a_jurisdiction_a_known_service_and_a_location(feedback, tokens):
    citizen = tokens.citizen()
    for fmt in ("json", "xml"):
        assert_error(await post(feedback, {}, fmt), 401, fmt)
        assert_error(await post(feedback, {"authorization": "Bearer not-a-token"}, fmt), 401, fmt)
        assert "jurisdiction_id" in assert_error(await post(feedback, citizen, fmt, jurisdiction_id=None), 400, fmt)
        assert "service_code" in assert_error(await post(feedback, citizen, fmt, service_code="nope"), 400, fmt)
        assert "location" in assert_error(await post(feedback, citizen, fmt, lat=None), 400, fmt)
        assert "description" in assert_error(await post(feedback, citizen, fmt, description=None), 400, fmt)
        assert_error(await post(feedback, tokens.officer(AGENCY), fmt), 403, fmt)
    assert (await post(feedback, citizen)).status_code == 201, "the valid form is accepted"


async def test_a_citizen_lists_only_their_own_requests_with_the_spec_filters(feedback, tokens):
    citizen, other = tokens.citizen(), tokens.citizen()
    lighting = await filed_id(feedback, citizen)
    sewage = await filed_id(feedback, citizen, service_code="sewage")
    others = await filed_id(feedback, other)
    rejected = await feedback.post(
        f"/complaints/{sewage}/status", json={"status": "rejected", "reason": "dup"}, headers=tokens.officer(AGENCY)
    )
    assert rejected.status_code == 200, rejected.text

    async def ids(fmt="json", **params) -> list[str]:
        response = await feedback.get(f"{PREFIX}/requests.{fmt}", params=params, headers=citizen)
        assert response.status_code == 200, response.text
        if fmt == "json":
            return [r["service_request_id"] for r in response.json()]
        return [r.findtext("service_request_id") for r in xml(response).findall("request")]

    assert set(await ids()) == {lighting, sewage}
    assert set(await ids("xml")) == {lighting, sewage}
    assert await ids(service_code="sewage") == [sewage]
    assert await ids(status="closed") == [sewage]
    assert await ids(status="open") == [lighting]
    assert set(await ids(service_request_id=f"{lighting},{others}")) == {lighting}, "another's id is left out"
    assert await ids(end_date="2000-01-01T00:00:00+04:00") == []
    assert set(await ids(start_date="2000-01-01T00:00:00+04:00")) == {lighting, sewage}
    bad = await feedback.get(f"{PREFIX}/requests.xml", params={"status": "pending"}, headers=citizen)
    assert "pending" in assert_error(bad, 400, "xml")
    bad = await feedback.get(f"{PREFIX}/requests.json", params={"start_date": "yesterday"}, headers=citizen)
    assert "start_date" in assert_error(bad, 400, "json")


async def test_another_citizen_cannot_read_a_request_and_staff_see_only_their_agency(feedback, tokens):
    citizen = tokens.citizen()
    request_id = await filed_id(feedback, citizen)
    stranger = tokens.citizen()
    for fmt in ("json", "xml"):
        assert_error(await feedback.get(f"{PREFIX}/requests/{request_id}.{fmt}", headers=stranger), 404, fmt)
        assert_error(await feedback.get(f"{PREFIX}/tokens/{request_id}.{fmt}", headers=stranger), 404, fmt)
        assert_error(await feedback.get(f"{PREFIX}/requests/NO-SUCH.{fmt}", headers=citizen), 404, fmt)
    assert (await feedback.get(f"{PREFIX}/requests.json", headers=stranger)).json() == []

    staff = (await feedback.get(f"{PREFIX}/requests.json", headers=tokens.officer(AGENCY))).json()
    assert request_id in [r["service_request_id"] for r in staff]
    elsewhere = tokens.officer("dhofar-municipality")
    assert (await feedback.get(f"{PREFIX}/requests.json", headers=elsewhere)).json() == []
    assert_error(await feedback.get(f"{PREFIX}/requests/{quote(request_id)}.json", headers=elsewhere), 404, "json")
