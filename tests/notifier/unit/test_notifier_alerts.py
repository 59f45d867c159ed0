"""Alerts, pure: CAP rendering validated against the OASIS schema, lengths, areas,
four eyes and the chain of references."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from devstack.cap import cap_schema
from notifier.alerts import cap
from notifier.alerts.alert import Alert, Content, Info
from notifier.alerts.area import Area, Circle, Geocode
from notifier.alerts.lengths import broadcast_length
from sharik.errors import Conflict, Forbidden, Invalid

NOW = datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=UTC)

MUSCAT_COAST = ((23.70, 58.00), (23.70, 58.70), (23.40, 58.70), (23.40, 58.00), (23.70, 58.00))


def info(language: str, **changes) -> Info:
    texts = {
        "ar": Info(
            language="ar",
            event="أمطار غزيرة",
            headline="تحذير: أمطار غزيرة وجريان أودية",
            description="يتوقع هطول أمطار غزيرة مع جريان الأودية خلال الساعات القادمة.",
            instruction="ابتعدوا عن الأودية ولا تعبروها بالمركبات.",
            text_90="تحذير: أمطار غزيرة. ابتعدوا عن الأودية.",
            text_360="تحذير: أمطار غزيرة وجريان أودية خلال الساعات القادمة. ابتعدوا عن الأودية ولا تعبروها.",
            sender_name="المركز الوطني لإدارة الحالات الطارئة",
        ),
        "en": Info(
            language="en",
            event="Heavy rain",
            headline="Warning: heavy rain and flowing wadis",
            description="Heavy rain with flowing wadis is expected in the coming hours.",
            instruction="Keep away from wadis and do not drive across them.",
            text_90="Warning: heavy rain. Keep away from wadis.",
            text_360="Warning: heavy rain and flowing wadis in the coming hours. Keep away from wadis.",
            sender_name="National Committee for Emergency Management",
        ),
    }
    return replace(texts[language], **changes)


def content(**changes) -> Content:
    base = Content(
        status="Actual",
        categories=("Met",),
        response_types=("Avoid",),
        urgency="Immediate",
        severity="Severe",
        certainty="Likely",
        onset=NOW,
        expires=NOW + timedelta(hours=6),
        infos=(info("ar"), info("en")),
        area=Area(
            description={"ar": "ساحل محافظة مسقط", "en": "Muscat coast"},
            polygons=(MUSCAT_COAST,),
            circles=(Circle(lat=22.93, lon=57.53, radius_km=15),),
            geocodes=(Geocode("wilayat", "sur"),),
        ),
    )
    return replace(base, **changes)


def drafted(by: str = "author", **changes) -> Alert:
    return Alert.draft(
        alert_id="01JALERT", agency="ncem", sender="ncem@sharik.om", content=content(**changes), drafted_by=by, now=NOW
    )


def issued(alert: Alert) -> Alert:
    return alert.approve(by="approver", now=NOW).issue(now=NOW)


def test_an_issued_alert_is_valid_cap_1_2_with_one_info_per_language():
    document = cap.render(issued(drafted()))
    cap_schema().validate(document)
    decoded = cap_schema().to_dict(document)
    assert decoded["sent"] == "2026-12-01T14:00:00+04:00"
    assert [i["language"] for i in decoded["info"]] == ["ar", "en"]
    [area] = decoded["info"][0]["area"]
    assert area["areaDesc"] == "ساحل محافظة مسقط"
    assert area["polygon"] == ["23.7000,58.0000 23.7000,58.7000 23.4000,58.7000 23.4000,58.0000 23.7000,58.0000"]
    assert area["circle"] == ["22.9300,57.5300 15"]
    assert area["geocode"] == [{"valueName": "wilayat", "value": "sur"}]
    assert {p["valueName"]: p["value"] for p in decoded["info"][1]["parameter"]}["CMAMtext"] == (
        "Warning: heavy rain. Keep away from wadis."
    )


def test_an_update_and_a_cancellation_reference_every_earlier_alert_of_the_chain():
    first = issued(drafted())
    update = issued(
        Alert.draft(
            alert_id="01JUPDATE", agency="ncem", sender="ncem@sharik.om", content=content(severity="Extreme"),
            drafted_by="author", now=NOW, follows=first, msg_type="Update",
        )
    )
    cancel = issued(
        Alert.draft(
            alert_id="01JCANCEL", agency="ncem", sender="ncem@sharik.om", content=content(), drafted_by="author",
            now=NOW, follows=update, msg_type="Cancel",
        )
    )
    decoded = cap_schema().to_dict(cap.render(cancel))
    assert decoded["msgType"] == "Cancel"
    assert decoded["references"] == (
        "ncem@sharik.om,om.sharik.alert.01JALERT,2026-12-01T14:00:00+04:00 "
        "ncem@sharik.om,om.sharik.alert.01JUPDATE,2026-12-01T14:00:00+04:00"
    )
    with pytest.raises(Conflict):
        Alert.draft(
            alert_id="x", agency="ncem", sender="s", content=content(), drafted_by="a", now=NOW, follows=cancel,
            msg_type="Update",
        )


def test_a_real_alert_needs_a_second_authority_but_an_exercise_does_not():
    alert = drafted()
    with pytest.raises(Conflict):
        alert.issue(now=NOW)
    with pytest.raises(Forbidden):
        alert.approve(by="author", now=NOW)
    assert alert.approve(by="approver", now=NOW).issue(now=NOW).state == "issued"
    assert drafted(status="Exercise").issue(now=NOW).state == "issued"


def test_arabic_fits_615_ucs2_characters_in_15_pages_of_41():
    assert (broadcast_length("ا" * 615).pages, broadcast_length("ا" * 615).fits) == (15, True)
    assert broadcast_length("ا" * 616).fits is False
    length = broadcast_length("a" * 94)
    assert (length.encoding, length.pages, length.max_characters) == ("gsm7", 2, 1395)
    # An extension character takes two septets.
    assert broadcast_length("€" * 10).characters == 20


def test_a_text_too_long_for_a_cell_broadcast_is_refused_naming_the_field():
    with pytest.raises(Invalid) as refused:
        drafted(infos=(info("ar", description="ت" * 600), info("en")))
    assert refused.value.details[0]["field"] == "infos[ar].description"
    with pytest.raises(Invalid) as refused:
        drafted(infos=(info("ar"), info("en", text_90="x" * 91)))
    assert refused.value.details[0]["field"] == "infos[en].text_90"


def test_both_arabic_and_english_are_required():
    with pytest.raises(Invalid) as refused:
        drafted(infos=(info("en"),))
    assert "ar" in refused.value.message


@pytest.mark.parametrize(
    ("area", "field"),
    [
        (Area(description={"ar": "x", "en": "x"}), "area"),
        (Area(description={"ar": "x", "en": "x"}, polygons=(MUSCAT_COAST[:-1],)), "area.polygons[0]"),
        (Area(description={"ar": "x", "en": "x"}, circles=(Circle(23, 58, 0),)), "area.circles[0].radius_km"),
        (Area(description={"ar": "x", "en": "x"}, geocodes=(Geocode("wilayat", "atlantis"),)), "area.geocodes[0].value"),
        (Area(description={"en": "x"}, geocodes=(Geocode("wilayat", "sur"),)), "area.description"),
    ],
)
def test_a_bad_area_is_refused_naming_the_field(area, field):
    with pytest.raises(Invalid) as refused:
        drafted(area=area)
    assert refused.value.details[0]["field"] == field


def test_the_wilayats_of_an_area_are_those_inside_it_or_named():
    area = content().area
    # Polygon over the Muscat coast, a circle round Nizwa, and Sur by name.
    assert {"muscat", "muttrah", "bawshar", "seeb", "al-amerat", "nizwa", "sur"} <= area.wilayats()
    assert "salalah" not in area.wilayats()
    whole = Area(description={"en": "x"}, geocodes=(Geocode("governorate", "musandam"),))
    assert whole.wilayats() == {"khasab", "bukha", "daba", "madha"}
