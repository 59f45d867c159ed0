"""Likely duplicates: word similarity, haversine distance, and which cases are compared;
linking a case to another."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from feedback.domain.complaint import Complaint
from feedback.domain.duplicates import distance_m, likely_duplicates, similarity
from sharik.errors import Conflict, Invalid

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)
TEXT = "إنارة الشارع أمام المسجد معطلة منذ أسبوع"


def case(complaint_id: str, **overrides) -> Complaint:
    fields = dict(
        complaint_id=complaint_id,
        tracking_code=f"TRACK{complaint_id}",
        agency="muscat-municipality",
        kind="complaint",
        category="street-lighting",
        description=TEXT,
        channel="web",
        language="ar",
        reporter_id=None,
        governorate="muscat",
        wilayat="bawshar",
        now=NOW,
    )
    return Complaint.file(**{**fields, **overrides})


def test_similarity_is_the_jaccard_index_of_normalised_words():
    assert similarity("The light is OUT!", "the light is out") == 1.0
    # Hamza and taa marbuta variants are the same word once normalised.
    assert similarity("إنارة معطلة", "انارة معطله") == 1.0
    assert similarity("a b c d", "a b x y") == pytest.approx(2 / 6)
    assert similarity("light", "") == 0.0


def test_haversine_distance_in_metres():
    assert distance_m(23.588, 58.3829, 23.588, 58.3829) == 0.0
    # 0.001° of latitude is about 111 m anywhere.
    assert distance_m(23.588, 58.3829, 23.589, 58.3829) == pytest.approx(111.2, abs=0.5)
    # Muscat to Salalah is about 860 km as the crow flies.
    assert distance_m(23.588, 58.3829, 17.0151, 54.0924) == pytest.approx(860_000, rel=0.02)


def test_a_similar_open_case_in_the_same_wilayat_is_a_likely_duplicate():
    new = case("new", description="انارة الشارع امام المسجد معطلة")
    [found] = likely_duplicates(new, [case("old"), new])
    assert found.complaint.complaint_id == "old"
    assert found.similarity >= 0.4 and found.distance_m is None


def test_coordinates_within_500_m_count_as_near_even_across_wilayats():
    new = case("new", wilayat="muttrah", latitude=23.588, longitude=58.3829)
    near = case("near", wilayat=None, latitude=23.590, longitude=58.3829)
    far = case("far", wilayat=None, latitude=23.600, longitude=58.3829)
    [found] = likely_duplicates(new, [near, far])
    assert found.complaint.complaint_id == "near"
    assert found.distance_m == pytest.approx(222.4, abs=1)


@pytest.mark.parametrize(
    "other",
    [
        case("x", agency="ministry-of-health"),
        case("x", category="road-damage"),
        case("x", wilayat="seeb"),
        case("x", description="The park's swings are broken"),
        case("x", now=NOW - timedelta(days=31)),
        case("x", confidential=True),
        replace(case("x"), history=(*case("x").history, replace(case("x").history[0], status="resolved"))),
    ],
    ids=["agency", "category", "place", "text", "older-than-30-days", "confidential", "not-open"],
)
def test_cases_differing_in_any_rule_are_not_suggested(other):
    assert likely_duplicates(case("new"), [other]) == []


def test_a_confidential_case_is_compared_only_with_confidential_ones():
    new = case("new", confidential=True)
    assert [d.complaint.complaint_id for d in likely_duplicates(new, [case("a"), case("b", confidential=True)])] == [
        "b"
    ]


def test_a_case_in_triage_has_no_duplicates():
    assert likely_duplicates(case("new", agency=None), [case("old", agency=None)]) == []


def test_a_case_is_linked_once_to_another_of_its_agency_and_confidentiality():
    linked = case("new").link_to(case("old"))
    assert linked.linked_to == "old"
    with pytest.raises(Conflict):
        linked.link_to(case("older"))
    with pytest.raises(Invalid):
        case("new").link_to(case("new"))
    with pytest.raises(Invalid):
        case("new").link_to(case("old", agency="ministry-of-health"))
    with pytest.raises(Invalid):
        case("new").link_to(case("old", confidential=True))
