"""Open311 lat/long on the real broker and store: kept as the complaint's coordinates,
returned by GET requests, refused outside Oman."""

import pytest

from feedback.main import create_app
from feedback.open311.router import PREFIX
from tests.support.service import Tokens, running

pytestmark = pytest.mark.integration

AGENCY = "muscat-municipality"
FORM = {
    "jurisdiction_id": AGENCY,
    "service_code": "street-lighting",
    "lat": "23.5880",
    "long": "58.3829",
    "description": "The street light in front of number 12 has been out for a week",
}


@pytest.fixture
async def feedback(settings, tokens):
    async with running(create_app(settings)) as client:
        body = {
            "category": "street-lighting",
            "name": {"ar": "إنارة الشوارع", "en": "Street lighting"},
            "unit": "roads",
        }
        admin = tokens.officer(AGENCY, role="agency_admin")
        assert (await client.post("/categories", json=body, headers=admin)).status_code == 201
        yield client


async def filed(feedback, citizen, form) -> str:
    created = await feedback.post(f"{PREFIX}/requests.json", data=form, headers=citizen)
    assert created.status_code == 201, created.text
    [entry] = created.json()
    return entry["service_request_id"]


async def test_lat_and_long_round_trip_as_the_complaints_coordinates(feedback, jwt_keys):
    citizen = Tokens(jwt_keys[0]).citizen()
    request_id = await filed(feedback, citizen, FORM)

    [record] = (await feedback.get(f"{PREFIX}/requests/{request_id}.json", headers=citizen)).json()
    assert (record["lat"], record["long"]) == (23.588, 58.3829)
    [listed] = (await feedback.get(f"{PREFIX}/requests.json", headers=citizen)).json()
    assert (listed["lat"], listed["long"]) == (23.588, 58.3829)
    native = (await feedback.get(f"/complaints/{request_id}", headers=citizen)).json()
    assert (native["latitude"], native["longitude"]) == (23.588, 58.3829)

    by_address = {**FORM, "lat": "", "long": "", "address_string": "Way 3021, Bawshar"}
    request_id = await filed(feedback, citizen, by_address)
    [record] = (await feedback.get(f"{PREFIX}/requests/{request_id}.json", headers=citizen)).json()
    assert record["lat"] is None and record["long"] is None


@pytest.mark.parametrize(("lat", "long"), [("51.5072", "-0.1276"), ("23.5880", "60.5"), ("north", "58.38")])
async def test_a_location_outside_oman_or_not_a_number_is_a_400(feedback, jwt_keys, lat, long):
    citizen = Tokens(jwt_keys[0]).citizen()
    form = {**FORM, "lat": lat, "long": long}
    response = await feedback.post(f"{PREFIX}/requests.json", data=form, headers=citizen)
    assert response.status_code == 400, response.text
    [entry] = response.json()
    assert entry["code"] == 400 and ("Oman" in entry["description"] or "numbers" in entry["description"])
    response = await feedback.post(f"{PREFIX}/requests.xml", data=form, headers=citizen)
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/xml")
    assert (await feedback.get(f"{PREFIX}/requests.json", headers=citizen)).json() == [], "nothing was filed"
