"""The GeoReport v2 mapping and rendering, without I/O."""

import json
from datetime import UTC, datetime
from xml.etree import ElementTree

from feedback.domain.complaint import Complaint
from feedback.domain.text import Reply
from feedback.domain.routing import Category
from feedback.domain.text import Text
from feedback.open311.mapping import OPEN311_STATUS, iso, public_record, request_record, service_record
from feedback.open311.render import Open311Error, document, error

FILED = datetime(2026, 11, 22, 6, 30, tzinfo=UTC)
LIGHTING = Category("muscat-municipality", "street-lighting", Text(ar="إنارة الشوارع", en="Street lighting"), "roads")
NAMES = {LIGHTING.category: LIGHTING.name}


FIELDS = dict(
    complaint_id="01JC0MPLA1NT",
    tracking_code="7K2Q9XM4TR0B8ZC5VD3N",
    agency="muscat-municipality",
    kind="complaint",
    category="street-lighting",
    description="The lamp is out",
    channel="app",
    language="ar",
    reporter_id="pseudonym",
    governorate=None,
    wilayat=None,
    now=FILED,
)


def complaint() -> Complaint:
    return Complaint.file(**FIELDS)


def test_every_status_of_ours_is_open_or_closed():
    open_ones = ("submitted", "routed", "acknowledged", "in_progress", "waiting_for_citizen")
    assert {s: OPEN311_STATUS[s] for s in open_ones} == dict.fromkeys(open_ones, "open")
    assert {OPEN311_STATUS[s] for s in ("resolved", "rejected", "closed")} == {"closed"}


def test_datetimes_are_in_muscat_time_with_their_offset():
    assert iso(FILED) == "2026-11-22T10:30:00+04:00"
    assert iso(datetime(2026, 11, 22, 6, 30)) == "2026-11-22T10:30:00+04:00", "a naive time is UTC from the store"


def test_status_notes_are_the_latest_public_reply_in_the_asked_language():
    c = complaint().route_to("muscat-municipality", "lighting", by="rule", now=FILED)
    c = c.move_to("acknowledged", by="o", now=FILED, reply=Reply(ar="استلمنا", en="Received"))
    c = c.move_to("in_progress", by="o", now=FILED, reason="internal only")
    c = c.move_to("resolved", by="o", now=FILED, reply=Reply(ar="تم الإصلاح"))
    assert request_record(c, "ar", NAMES)["status_notes"] == "تم الإصلاح"
    assert request_record(c, "en", NAMES)["status_notes"] == "تم الإصلاح", "falls back to the language written"
    assert request_record(c, "en", NAMES)["status"] == "closed"
    assert request_record(complaint(), "en", NAMES)["status_notes"] is None


def test_a_service_is_an_agencys_category_named_in_either_language():
    record = service_record(LIGHTING, "en")
    assert (record["service_code"], record["service_name"], record["group"]) == (
        "street-lighting",
        "Street lighting",
        "muscat-municipality",
    )
    assert record["metadata"] is False and record["type"] == "realtime"
    assert service_record(LIGHTING, "ar")["service_name"] == "إنارة الشوارع"
    assert request_record(complaint(), "en", NAMES)["service_name"] == "Street lighting"
    assert request_record(complaint(), "en", {})["service_name"] == "street-lighting", "an unknown slug as it is"


def test_the_public_record_has_no_description_and_a_rounded_place():
    placed = Complaint.file(
        **{**FIELDS, "description": "Call me on 99123456", "latitude": 23.58812, "longitude": 58.38291}
    )
    record = public_record(placed, "en", NAMES)
    assert record["description"] is None
    assert (record["lat"], record["long"]) == (23.588, 58.383)
    assert public_record(complaint(), "en", NAMES)["lat"] is None


def test_xml_wraps_each_entry_and_writes_booleans_and_empties_the_spec_way():
    sewage = Category("nama-water", "sewage", Text(ar="الصرف الصحي", en="Sewage"), "networks")
    response = document("xml", [service_record(sewage, "en")], root="services", item="service")
    root = ElementTree.fromstring(response.body)
    assert root.tag == "services"
    [service] = root.findall("service")
    assert service.findtext("metadata") == "false"
    assert service.findtext("service_code") == "sewage"
    record = ElementTree.fromstring(
        document("xml", [request_record(complaint(), "en", NAMES)], root="service_requests", item="request").body
    ).find("request")
    assert record.find("lat") is not None and record.findtext("lat") == ""


def test_errors_are_lists_of_code_and_description_in_both_formats():
    failure = Open311Error(400, "service_code is required")
    as_json = error("json", failure)
    assert as_json.status_code == 400
    assert json.loads(as_json.body) == [{"code": 400, "description": "service_code is required"}]
    root = ElementTree.fromstring(error("xml", failure).body)
    assert root.tag == "errors"
    assert [(e.findtext("code"), e.findtext("description")) for e in root.findall("error")] == [
        ("400", "service_code is required")
    ]
    assert error("json", Open311Error(401, "token")).headers["www-authenticate"] == "Bearer"
