"""Public alerts end to end, on the real broker and store and over HTTP to two
operators' cell broadcast centre stand-ins: drafted, approved by a second authority,
issued as CAP 1.2 (validated against the OASIS schema), acknowledged by both operators
(one failing over to its secondary), updated and cancelled; and a hand-off that failed
while a centre was down, kept and retried."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from devstack.cap import cap_schema
from devstack.cbc import Centre, serve
from devstack.smsc import SmsCentre
from devstack.smsc import serve as serve_smsc
from devstack.smtp import free_port
from notifier.alerts.centres import CentreEndpoints
from tests.notifier.integration.conftest import eventually

pytestmark = pytest.mark.integration

AGENCY = "ncem"
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"


def alert_body(*, headline_en: str = "Warning: heavy rain and flowing wadis", status: str = "Actual", **changes) -> dict:
    now = datetime.now(UTC)
    body = {
        "status": status,
        "categories": ["Met"],
        "response_types": ["Avoid"],
        "urgency": "Immediate",
        "severity": "Severe",
        "certainty": "Likely",
        "onset": now.isoformat(),
        "expires": (now + timedelta(hours=6)).isoformat(),
        "infos": [
            {
                "language": "ar",
                "event": "أمطار غزيرة",
                "headline": "تحذير: أمطار غزيرة وجريان أودية",
                "description": "يتوقع هطول أمطار غزيرة مع جريان الأودية خلال الساعات القادمة.",
                "instruction": "ابتعدوا عن الأودية ولا تعبروها بالمركبات.",
                "text_90": "تحذير: أمطار غزيرة. ابتعدوا عن الأودية.",
                "text_360": "تحذير: أمطار غزيرة وجريان أودية خلال الساعات القادمة. ابتعدوا عن الأودية.",
                "sender_name": "المركز الوطني لإدارة الحالات الطارئة",
            },
            {
                "language": "en",
                "event": "Heavy rain",
                "headline": headline_en,
                "description": "Heavy rain with flowing wadis is expected in the coming hours.",
                "instruction": "Keep away from wadis and do not drive across them.",
                "text_90": "Warning: heavy rain. Keep away from wadis.",
                "text_360": "Warning: heavy rain and flowing wadis in the coming hours. Keep away from wadis.",
                "sender_name": "National Committee for Emergency Management",
            },
        ],
        "area": {
            "description": {"ar": "ساحل مسقط وولاية صور", "en": "Muscat coast and Sur"},
            "polygons": [[[23.70, 58.00], [23.70, 58.70], [23.40, 58.70], [23.40, 58.00], [23.70, 58.00]]],
            "circles": [{"lat": 22.93, "lon": 57.53, "radius_km": 10}],
            "geocodes": [{"name": "wilayat", "value": "sur"}],
        },
    }
    return body | changes


@pytest.fixture
async def centres():
    """Two operators: omantel's primary answers; ooredoo's primary is down (nothing
    listens on it) and its secondary answers."""
    omantel = await serve(Centre("omantel"), (0, 0))
    ooredoo = await serve(Centre("ooredoo"))
    ooredoo_primary = f"http://127.0.0.1:{free_port('127.0.0.1')}/cap"
    yield {
        "omantel": omantel,
        "ooredoo": ooredoo,
        "config": {
            "omantel": CentreEndpoints(primary=omantel.url(0), secondary=omantel.url(1)),
            "ooredoo": CentreEndpoints(primary=ooredoo_primary, secondary=ooredoo.url(0)),
        },
    }
    await omantel.stop()
    await ooredoo.stop()


@pytest.fixture
def alert_settings(settings, centres):
    return settings.model_copy(
        update={
            "cell_broadcast_centres": centres["config"],
            "broadcast_attempts": 3,
            "broadcast_retry_base_seconds": 0.05,
            "broadcast_timeout_seconds": 2.0,
        }
    )


async def issue_with_four_eyes(client, tokens, path: str, body: dict) -> dict:
    author = tokens.of(["alert_authority"], agency=AGENCY)
    second = tokens.of(["alert_authority"], agency=AGENCY)
    drafted = await client.post(path, json=body, headers=author)
    assert drafted.status_code == 201, drafted.text
    alert_id = drafted.json()["alert_id"]
    refused = await client.post(f"/alerts/{alert_id}/issue", headers=author)
    assert refused.status_code == 409, refused.text
    own = await client.post(f"/alerts/{alert_id}/approve", headers=author)
    assert own.status_code == 403, own.text
    approved = await client.post(f"/alerts/{alert_id}/approve", headers=second)
    assert approved.status_code == 200, approved.text
    issued = await client.post(f"/alerts/{alert_id}/issue", headers=author)
    assert issued.status_code == 200, issued.text
    return issued.json()


async def acknowledged_by_all(client, tokens, alert_id: str) -> dict[str, dict]:
    operator = tokens.of(["operator"])

    async def probe():
        response = await client.get(f"/alerts/{alert_id}/broadcasts", headers=operator)
        states = {b["operator"]: b for b in response.json()}
        return states if [b["state"] for b in states.values()] == ["acknowledged", "acknowledged"] else None

    return await eventually(probe, what="both operators' acknowledgements")


async def test_an_alert_is_approved_issued_acknowledged_updated_and_cancelled(
    notifier, alert_settings, centres, tokens, bus
):
    async with notifier(alert_settings) as client:
        since = await bus.end_offsets("notifier.alerts")
        alert = await issue_with_four_eyes(client, tokens, "/alerts", alert_body())
        alert_id = alert["alert_id"]
        assert alert["state"] == "issued" and alert["sent"].endswith("Z") or "+" in alert["sent"]
        assert alert["lengths"]["ar"]["broadcast"]["encoding"] == "ucs2"
        assert alert["lengths"]["en"]["broadcast"]["encoding"] == "gsm7"

        broadcasts = await acknowledged_by_all(client, tokens, alert_id)
        assert broadcasts["omantel"]["acknowledged_by"] == "primary"
        ooredoo = broadcasts["ooredoo"]
        assert ooredoo["acknowledged_by"] == "secondary"
        assert [(s["endpoint"], s["outcome"]) for s in ooredoo["history"]] == [
            ("primary", "failed"), ("secondary", "acknowledged"),
        ]

        # What the centres got is valid CAP 1.2, and reached the cells of the area.
        [received] = centres["ooredoo"].centre.received
        assert received.msg_type == "Alert" and received.identifier == alert["identifier"]
        wilayats = {cell.rsplit("-", 1)[0] for cell in received.cells}
        assert {"muscat", "muttrah", "seeb", "nizwa", "sur"} <= wilayats
        assert "salalah" not in wilayats
        document = (await client.get(f"/public/alerts/{alert_id}.xml")).content
        cap_schema().validate(document)
        root = ET.fromstring(document)
        assert [i.findtext(f"{CAP}language") for i in root.iter(f"{CAP}info")] == ["ar", "en"]

        update = await issue_with_four_eyes(
            client, tokens, f"/alerts/{alert_id}/update",
            alert_body(headline_en="Warning: very heavy rain", severity="Extreme"),
        )
        await acknowledged_by_all(client, tokens, update["alert_id"])
        cancel = await issue_with_four_eyes(
            client, tokens, f"/alerts/{update['alert_id']}/cancel", alert_body(headline_en="All clear")
        )
        await acknowledged_by_all(client, tokens, cancel["alert_id"])
        assert cancel["references"] == [alert_id, update["alert_id"]]

        got = centres["omantel"].centre.received
        assert [r.msg_type for r in got] == ["Alert", "Update", "Cancel"]
        assert alert["identifier"] in got[1].references
        assert alert["identifier"] in got[2].references and update["identifier"] in got[2].references
        assert (await client.post(f"/alerts/{cancel['alert_id']}/update", json=alert_body(),
                                  headers=tokens.of(["alert_authority"], agency=AGENCY))).status_code == 409

        atom = ET.fromstring((await client.get("/public/alerts.atom")).content)
        entries = atom.findall("{http://www.w3.org/2005/Atom}entry")
        assert "All clear" in entries[0].findtext("{http://www.w3.org/2005/Atom}title")
        listed = ET.fromstring((await client.get("/public/alerts.xml")).content)
        for element in listed:
            cap_schema().validate(ET.tostring(element))

    for alert_id_, types in (
        (alert_id, ["AlertIssued", "BroadcastAcknowledged", "BroadcastAcknowledged"]),
        (cancel["alert_id"], ["AlertCancelled", "BroadcastAcknowledged", "BroadcastAcknowledged"]),
    ):
        records = await bus.records("notifier.alerts", key=alert_id_, since=since, count=3)
        headers = [{k: v.decode() for k, v in r.headers} for r in records]
        assert sorted(h["ce_type"].split(".")[3] for h in headers) == sorted(types)
        assert {h["ce_correlationid"] for h in headers} == {alert_id}
        for record in records:
            assert "@" not in json.loads(record.value).get("operator", "")


async def test_a_hand_off_kept_while_a_centre_is_down_is_retried_by_an_operator(
    notifier, alert_settings, centres, tokens, bus
):
    secondary_port = free_port("127.0.0.1")
    down = CentreEndpoints(
        primary=f"http://127.0.0.1:{free_port('127.0.0.1')}/cap", secondary=f"http://127.0.0.1:{secondary_port}/cap"
    )
    settings = alert_settings.model_copy(
        update={"cell_broadcast_centres": {**centres["config"], "ooredoo": down}}
    )
    async with notifier(settings) as client:
        since = await bus.end_offsets("notifier.alerts")
        exercise = alert_body(status="Exercise")
        drafted = await client.post("/alerts", json=exercise, headers=tokens.of(["alert_authority"], agency=AGENCY))
        alert_id = drafted.json()["alert_id"]
        # An exercise needs no second authority.
        issued = await client.post(f"/alerts/{alert_id}/issue", headers=tokens.of(["alert_authority"], agency=AGENCY))
        assert issued.status_code == 200, issued.text
        operator = tokens.of(["operator"])

        async def failed():
            response = await client.get(f"/alerts/{alert_id}/broadcasts", headers=operator)
            return next((b for b in response.json() if b["operator"] == "ooredoo" and b["state"] == "failed"), None)

        broadcast = await eventually(failed, what="ooredoo's hand-off to fail")
        assert broadcast["attempts"] == 3 and len(broadcast["history"]) == 6
        failures = await bus.records("notifier.alerts", key=alert_id, since=since, count=3)
        failed_events = [json.loads(r.value) for r in failures if b"BroadcastFailed" in dict(r.headers)["ce_type"]]
        assert failed_events and failed_events[0]["operator"] == "ooredoo"

        # The centre comes back on its secondary's port; an operator retries.
        back = await serve(Centre("ooredoo"), (secondary_port,))
        try:
            forbidden = await client.post(
                f"/alerts/{alert_id}/broadcasts/ooredoo/retry", headers=tokens.of(["alert_authority"], agency=AGENCY)
            )
            assert forbidden.status_code == 403
            retried = await client.post(f"/alerts/{alert_id}/broadcasts/ooredoo/retry", headers=operator)
            assert retried.status_code == 200, retried.text
            await acknowledged_by_all(client, tokens, alert_id)
            assert [r.status for r in back.centre.received] == ["Exercise"]
        finally:
            await back.stop()
        # Exercises are not on the public feed.
        assert (await client.get(f"/public/alerts/{alert_id}.xml")).status_code == 404


async def test_the_author_sees_the_lengths_and_what_does_not_fit_is_refused_naming_the_field(
    notifier, alert_settings, tokens
):
    author = tokens.of(["alert_authority"], agency=AGENCY)
    async with notifier(alert_settings) as client:
        body = alert_body()
        body["infos"][0]["description"] = "ت" * 560
        preview = await client.post("/alerts/preview", json=body, headers=author)
        assert preview.status_code == 200, preview.text
        arabic = preview.json()["ar"]["broadcast"]
        assert (arabic["encoding"], arabic["max_characters"], arabic["fits"]) == ("ucs2", 615, False)
        assert arabic["pages"] == 16
        refused = await client.post("/alerts", json=body, headers=author)
        assert refused.status_code == 422
        assert refused.json()["error"]["details"][0]["field"] == "infos[ar].description"
        citizen = await client.post("/alerts", json=alert_body(), headers=tokens.citizen())
        assert citizen.status_code == 403
        other = await client.post("/alerts", json=alert_body(), headers=author)
        elsewhere = await client.get(
            f"/alerts/{other.json()['alert_id']}", headers=tokens.of(["alert_authority"], agency="another")
        )
        assert elsewhere.status_code == 404


async def test_an_alert_reaches_by_sms_the_subscribers_registered_in_its_area_only(
    notifier, alert_settings, tokens
):
    smsc = await serve_smsc(SmsCentre())
    settings = alert_settings.model_copy(update={"smpp_host": "127.0.0.1", "smpp_port": smsc.port})
    try:
        async with notifier(settings) as client:
            for number, wilayat in (("92345671", "sur"), ("92345672", "salalah"), ("92345673", "seeb")):
                created = await client.post(
                    "/subscriptions",
                    json={"channel": "sms", "address": number, "language": "ar", "topics": ["alerts"],
                          "wilayat": wilayat},
                    headers=tokens.citizen(),
                )
                assert created.status_code == 201, created.text
                [text] = await eventually(lambda n=number: smsc.centre.texts(f"968{n}"), what="the confirmation SMS")
                link = urlsplit(re.search(r"https?://\S+", text).group(0))
                assert (await client.get(f"{link.path}?{link.query}")).status_code == 200
            missing = await client.post(
                "/subscriptions",
                json={"channel": "sms", "address": "92345674", "language": "ar", "topics": ["alerts"]},
                headers=tokens.citizen(),
            )
            assert missing.status_code == 422 and missing.json()["error"]["details"][0]["field"] == "wilayat"

            await issue_with_four_eyes(client, tokens, "/alerts", alert_body())
            # Sur by its code, Seeb inside the polygon over the Muscat coast.
            for number in ("92345671", "92345673"):
                texts = await eventually(lambda n=number: smsc.centre.texts(f"968{n}")[1:], what="the alert by SMS")
                assert texts[0].startswith("تحذير: أمطار غزيرة وجريان أودية")
            assert smsc.centre.texts("96892345672")[1:] == [], "Salalah is outside the area"
    finally:
        await smsc.stop()
