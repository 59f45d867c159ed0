"""The GeoReport v2 mapping and rendering, without I/O."""

import json
from datetime import UTC, datetime
from xml.etree import ElementTree

from feedback.domain.complaint import Complaint
from feedback.domain.text import Reply
from feedback.open311.catalogue import BY_CODE, DEFAULT_CATALOGUE
from feedback.open311.mapping import OPEN311_STATUS, iso, request_record, service_record
from feedback.open311.render import Open311Error, document, error

FILED = datetime(2026, 11, 22, 6, 30, tzinfo=UTC)


def complaint() -> Complaint:
    return Complaint.file(
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
    assert request_record(c, "ar")["status_notes"] == "تم الإصلاح"
    assert request_record(c, "en")["status_notes"] == "تم الإصلاح", "falls back to the language written"
    assert request_record(c, "en")["status"] == "closed"
    assert request_record(complaint(), "en")["status_notes"] is None


def test_the_default_catalogue_is_named_in_both_languages_with_unique_codes():
    assert len(BY_CODE) == len(DEFAULT_CATALOGUE)
    for service in DEFAULT_CATALOGUE:
        assert service.name.ar and service.name.en and service.group.ar and service.group.en
    record = service_record(BY_CODE["street-lighting"], "en")
    assert record["service_name"] == "Street lighting"
    assert record["metadata"] is False and record["type"] == "realtime"
    assert service_record(BY_CODE["street-lighting"], "ar")["service_name"] == "إنارة الشوارع"


def test_xml_wraps_each_entry_and_writes_booleans_and_empties_the_spec_way():
    response = document("xml", [service_record(BY_CODE["sewage"], "en")], root="services", item="service")
    root = ElementTree.fromstring(response.body)
    assert root.tag == "services"
    [service] = root.findall("service")
    assert service.findtext("metadata") == "false"
    assert service.findtext("service_code") == "sewage"
    record = ElementTree.fromstring(
        document("xml", [request_record(complaint(), "en")], root="service_requests", item="request").body
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
