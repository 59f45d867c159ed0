"""Routing by the category catalogue, and the lifecycle steps around it: hand back,
waiting for the citizen, reopening, internal notes, location and attachments."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from feedback.domain.complaint import Complaint, Note
from feedback.domain.routing import Category, confidential_by_category, route_by_category
from feedback.domain.text import Text
from sharik.errors import Conflict, Invalid

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)
WINDOW = timedelta(days=14)


def category(agency: str, *areas: str, slug: str = "water-leak", unit: str = "networks") -> Category:
    return Category(agency=agency, category=slug, name=Text(ar="تسرب", en="Leak"), unit=unit, areas=areas)


def filed(**overrides) -> Complaint:
    fields = dict(
        complaint_id="c1",
        tracking_code="7K2Q9XM4TR0B8ZC5VD3N",
        agency="nama-water",
        kind="complaint",
        category="water-leak",
        description="تسرب مياه في الشارع",
        channel="web",
        language="ar",
        reporter_id="p-1",
        governorate="muscat",
        wilayat=None,
        now=NOW,
    )
    return Complaint.file(**{**fields, **overrides})


def walk(complaint: Complaint, *statuses: str, at: datetime = NOW) -> Complaint:
    for status in statuses:
        complaint = complaint.move_to(status, by="officer-1", now=at)
    return complaint


def resolved(at: datetime = NOW) -> Complaint:
    routed = filed().route_to("nama-water", "networks", by="rule", now=at)
    return walk(routed, "acknowledged", "in_progress", "resolved", at=at)


def test_a_named_agency_routes_only_to_its_own_category():
    entries = [category("nama-water"), category("muscat-municipality")]
    assert route_by_category(entries, agency="nama-water", governorate="muscat") == entries[0]
    assert route_by_category(entries, agency="ministry-of-health", governorate="muscat") is None


def test_without_an_agency_a_slug_only_one_agency_has_routes_and_a_shared_one_does_not():
    assert route_by_category([category("nama-water")], agency=None, governorate=None).agency == "nama-water"
    shared = [category("nama-water"), category("muscat-municipality")]
    assert route_by_category(shared, agency=None, governorate="muscat") is None
    assert route_by_category([], agency=None, governorate="muscat") is None


def test_an_area_limited_category_takes_only_its_governorates():
    entries = [category("dhofar-municipality", "dhofar")]
    assert route_by_category(entries, agency=None, governorate="dhofar").agency == "dhofar-municipality"
    assert route_by_category(entries, agency=None, governorate="al_wusta") is None
    assert route_by_category(entries, agency=None, governorate=None) is None, "no governorate, no area rule"


def test_another_agencys_area_limited_entry_for_a_slug_captures_nothing():
    # A catalogue from before a slug belonged to one agency: B's Muscat-only entry for
    # A's confidential slug neither wins Muscat's filings nor makes them ordinary.
    owner = replace(category("royal-oman-police", slug="probe-integrity"), confidential=True)
    intruder = category("muscat-municipality", "muscat", slug="probe-integrity")
    entries = [owner, intruder]
    assert route_by_category(entries, agency=None, governorate="muscat") is None, "to triage"
    assert route_by_category(entries, agency="royal-oman-police", governorate="muscat") == owner
    assert confidential_by_category(entries) and confidential_by_category([intruder, owner])
    assert not confidential_by_category([intruder])


def test_a_hand_back_never_reroutes_to_another_agency_holding_the_same_slug():
    entries = [category("nama-water"), category("muscat-municipality", "muscat")]
    assert route_by_category(entries, agency=None, governorate="muscat", excluding=("nama-water",)) is None
    alone = [category("muscat-municipality")]
    assert route_by_category(alone, agency=None, governorate="muscat", excluding=("nama-water",)) == alone[0]
    assert route_by_category(alone, agency=None, governorate="muscat", excluding=("muscat-municipality",)) is None


def test_routing_moves_submitted_to_routed_with_the_unit_and_only_once():
    routed = filed(agency=None).route_to("nama-water", "networks", by="operator-1", now=NOW)
    assert (routed.status, routed.agency, routed.unit, routed.routed) == ("routed", "nama-water", "networks", True)
    assert not filed().routed
    with pytest.raises(Conflict):
        routed.route_to("nama-water", "networks", by="operator-1", now=NOW)


def test_staff_cannot_move_a_case_to_submitted_or_routed_by_status():
    routed = filed().route_to("nama-water", "networks", by="rule", now=NOW)
    for target in ("submitted", "routed"):
        with pytest.raises(Conflict):
            routed.move_to(target, by="officer-1", now=NOW)


def test_handing_back_needs_a_reason_and_leaves_the_agency():
    routed = filed().route_to("nama-water", "networks", by="rule", now=NOW)
    with pytest.raises(Invalid) as error:
        routed.hand_back(by="officer-1", reason="  ", now=NOW)
    assert error.value.details == [{"field": "reason"}]
    handed = routed.hand_back(by="officer-1", reason="this is the municipality's drain", now=NOW)
    assert (handed.status, handed.agency, handed.unit) == ("submitted", None, None)
    assert handed.handed_back_by == ("nama-water",)
    assert handed.history[-1].reason == "this is the municipality's drain"
    with pytest.raises(Conflict):
        walk(routed, "acknowledged", "in_progress").hand_back(by="officer-1", reason="late", now=NOW)


def test_waiting_for_the_citizen_resumes_when_they_reply():
    routed = filed().route_to("nama-water", "networks", by="rule", now=NOW)
    waiting = walk(routed, "acknowledged", "waiting_for_citizen")
    replied = waiting.reply_from_reporter("It is in front of house 12", now=NOW + timedelta(hours=1))
    assert replied.status == "in_progress"
    assert replied.history[-1].by == "reporter"
    assert replied.sequence == waiting.sequence + 1
    answered_again = replied.reply_from_reporter("and it is getting worse", now=NOW + timedelta(hours=2))
    assert answered_again.sequence == replied.sequence, "a reply outside waiting is no status change"


def test_a_resolution_is_reopened_within_the_window_only():
    case = resolved()
    reopened = case.reopen(by="reporter", reason="still leaking", now=NOW + WINDOW, window=WINDOW)
    assert reopened.status == "in_progress"
    assert reopened.history[-1].reason == "still leaking"
    closed = walk(case, "closed")
    later = NOW + timedelta(days=3)
    assert closed.reopen(by="reporter", reason="still", now=later, window=WINDOW).status == "in_progress"
    with pytest.raises(Conflict, match="within 14 days"):
        case.reopen(by="reporter", reason="still leaking", now=NOW + WINDOW + timedelta(seconds=1), window=WINDOW)


def test_only_a_resolved_case_is_reopened_and_with_a_reason():
    with pytest.raises(Conflict):
        filed().reopen(by="reporter", reason="why", now=NOW, window=WINDOW)
    with pytest.raises(Invalid):
        resolved().reopen(by="reporter", reason=" ", now=NOW, window=WINDOW)


def test_notes_are_kept_apart_from_the_history():
    noted = filed().add_note("  called the site engineer  ", by="officer-1", now=NOW)
    assert [(n.text, n.by) for n in noted.notes] == [("called the site engineer", "officer-1")]
    assert noted.history == filed().history
    with pytest.raises(Invalid):
        filed().add_note("   ", by="officer-1", now=NOW)


def test_notes_stay_with_the_agency_that_wrote_them():
    case = filed(agency=None).route_to("nama-water", "networks", by="rule", now=NOW)
    noted = case.add_note("ours", by="officer-1", now=NOW)
    legacy = replace(noted, notes=(*noted.notes, Note(text="before agencies were noted", at=NOW, by="officer-2")))
    assert [n.text for n in legacy.notes_of("nama-water")] == ["ours", "before agencies were noted"]
    later = NOW + timedelta(hours=1)
    moved = legacy.hand_back(by="officer-1", reason="not ours", now=later).route_to(
        "muscat-municipality", "roads", by="operator-1", now=later
    )
    assert moved.notes_of("muscat-municipality") == ()
    assert moved.holding_starts == len(moved.history) - 1


def test_a_hand_back_drops_the_duplicate_link_to_the_agencys_case():
    routed = filed().route_to("nama-water", "networks", by="rule", now=NOW)
    other = replace(routed, complaint_id="c2")
    linked = routed.link_to(other)
    assert linked.linked_to == "c2"
    assert linked.hand_back(by="officer-1", reason="not ours", now=NOW).linked_to is None


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [(10.0, 58.4, "latitude"), (23.6, 61.0, "longitude"), (23.6, None, "longitude"), (None, 58.4, "latitude")],
)
def test_a_location_is_inside_oman(latitude, longitude, field):
    with pytest.raises(Invalid) as error:
        filed(latitude=latitude, longitude=longitude)
    assert error.value.details == [{"field": field}]


def test_a_location_on_the_box_edges_is_kept():
    assert (filed(latitude=16.6, longitude=59.9).latitude, filed(latitude=26.5, longitude=51.8).longitude) == (
        16.6,
        51.8,
    )


@pytest.mark.parametrize(
    "attachments",
    [
        tuple(f"https://media.example.om/{i}.jpg" for i in range(6)),
        ("http://media.example.om/1.jpg",),
        ("https://",),
        ("https://media.example.om/a b.jpg",),
    ],
)
def test_attachments_are_up_to_five_https_links(attachments):
    with pytest.raises(Invalid) as error:
        filed(attachments=attachments)
    assert error.value.details == [{"field": "attachments"}]
    five = tuple(f"https://media.example.om/{i}.jpg" for i in range(5))
    assert filed(attachments=five).attachments == five
