"""Across separate processes on the real broker and store: a citizen initiative
gathers its committee, is admitted, reaches its threshold and is answered, and
reporting's figures for the agency show it answered on time."""

import pytest
from ulid import ULID

from tests.e2e.test_participation_slice import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


async def test_an_initiative_reaches_its_threshold_is_answered_and_reporting_counts_it(platform, tokens, http):
    consultation, reporting = platform["consultation"], platform["reporting"]
    agency = f"mm-{str(ULID()).lower()}"
    officer, admin = tokens.officer(agency), tokens.officer(agency, role="agency_admin")

    async def ok(response, status: int = 200) -> dict:
        assert response.status_code == status, response.text
        return response.json()

    rule = {"level": "governorate", "code": "dhofar", "supports": 2, "collection_days": 30, "answer_days": 14}
    assert (await http.put(f"{consultation}/initiatives/rules/{agency}", json=rule, headers=admin)).status_code == 204
    promoter = tokens.citizen(governorate="dhofar")
    draft = {
        "title": "حدائق عامة في صلالة",
        "text": "نقترح إنشاء حدائق عامة في أحياء صلالة الجديدة للعائلات",
        "language": "ar",
        "agency": agency,
        "scope": {"level": "governorate", "code": "dhofar"},
    }
    initiative_id = (await ok(await http.post(f"{consultation}/initiatives", json=draft, headers=promoter), 201))["initiative_id"]
    path = f"{consultation}/initiatives/{initiative_id}"
    for _ in range(3):
        await ok(await http.post(f"{path}/committee", headers=tokens.citizen()))
    await ok(await http.post(f"{path}/file", headers=promoter))
    await ok(await http.post(f"{path}/admission", headers=officer))
    for _ in range(2):
        await ok(await http.put(f"{path}/support", headers=tokens.citizen(governorate="dhofar")))
    assert (await ok(await http.get(path)))["state"] == "threshold_reached"
    answer = {"outcome": "accepted", "reasoning": {"ar": "ستنشأ حديقتان", "en": "Two parks will be built"}}
    await ok(await http.post(f"{path}/answer", json=answer, headers=officer))

    async def counted():
        body = (await http.get(f"{reporting}/transparency/agencies/{agency}/formats")).json()
        return body if body["initiatives"]["answered"] == 1 else None

    figures = await eventually(counted)
    assert figures["initiatives"] == {
        "filed": 1, "admitted": 1, "rejected": 0, "reached_threshold": 1, "answered": 1, "answered_late": 0,
        "overdue": 0, "expired": 0,
    }
