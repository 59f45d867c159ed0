"""Oman's governorates and wilayats as reference data, and every service that takes a
place refusing one that is not real or not where it is said to be."""

from collections import Counter

import httpx
import pytest
from devstack.keys import dev_keys

from feedback.config import FeedbackSettings
from feedback.main import create_app as feedback_app
from sharik.errors import Invalid
from sharik.places import GOVERNORATES, WILAYATS, check_place, governorate_named, same_place, wilayat_named
from voting.domain.constituency import Constituency, constituencies
from voting.domain.eligibility import Eligibility
from voting.domain.roll import parse_roll

WILAYATS_PER_GOVERNORATE = {
    "muscat": 6,
    "dhofar": 10,
    "musandam": 4,
    "al_buraimi": 3,
    "ad_dakhiliyah": 9,
    "al_batinah_north": 6,
    "al_batinah_south": 6,
    "ash_sharqiyah_south": 5,
    "ash_sharqiyah_north": 7,
    "adh_dhahirah": 3,
    "al_wusta": 4,
}


def test_eleven_governorates_and_sixty_three_wilayats_with_both_names():
    assert len(GOVERNORATES) == 11 and len(WILAYATS) == 63
    assert Counter(w.governorate for w in WILAYATS.values()) == WILAYATS_PER_GOVERNORATE
    for place in [*GOVERNORATES.values(), *WILAYATS.values()]:
        assert place.ar and place.en and place.code
        assert any("\u0600" <= ch <= "\u06ff" for ch in place.ar), place
        assert place.en.isascii(), place


def test_every_name_and_code_finds_its_own_place_and_no_other():
    for wilayat in WILAYATS.values():
        for name in (wilayat.code, wilayat.ar, wilayat.en, *wilayat.aliases):
            assert wilayat_named(name) == wilayat, name
    for governorate in GOVERNORATES.values():
        for name in (governorate.code, governorate.ar, governorate.en, *governorate.aliases):
            assert governorate_named(name) == governorate, name


@pytest.mark.parametrize("spelling", ["seeb", "Seeb", " As  Seeb ", "السيب", "سيب", "AS-SEEB"])
def test_the_usual_spellings_of_a_wilayat_are_one_place(spelling):
    assert wilayat_named(spelling).code == "seeb"
    assert same_place(spelling, "As Seeb")


def test_a_wilayat_must_lie_in_the_governorate_given_with_it():
    with pytest.raises(Invalid, match="Salalah is in Dhofar, not in Muscat") as refused:
        check_place("muscat", "salalah")
    assert refused.value.details == [{"field": "wilayat"}]
    with pytest.raises(Invalid, match="not one of Oman's wilayats"):
        check_place("muscat", "atlantis")
    with pytest.raises(Invalid, match="not one of Oman's governorates"):
        check_place("atlantis", None)
    assert check_place("Dhofar", "صلالة").code == "salalah"


async def test_feedback_refuses_a_complaint_filed_in_a_wilayat_of_another_governorate():
    app = feedback_app(FeedbackSettings(jwt_public_key=dev_keys()[1]))
    complaint = {"kind": "complaint", "category": "roads", "description": "حفرة في الطريق"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://feedback") as http:
        refused = await http.post(
            "/complaints/anonymous", json={**complaint, "governorate": "muscat", "wilayat": "salalah"}
        )
        unknown = await http.post("/complaints/anonymous", json={**complaint, "governorate": "muscat", "wilayat": "x"})
    for response in (refused, unknown):
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"] == [{"field": "wilayat"}]


def test_voting_rolls_reject_rows_of_unknown_wilayats():
    accepted, rejected = parse_roll("civil_number,wilayat\n12345678,Seeb\n23456789,Atlantis\n34567890,صلالة\n")
    assert [r.civil_number for r in accepted] == ["12345678", "34567890"]
    assert [(r.line, r.reason) for r in rejected] == [(3, "'Atlantis' is not one of Oman's wilayats")]


def test_voting_constituencies_and_eligibility_take_only_real_places():
    with pytest.raises(Invalid, match="Salalah is in Dhofar"):
        constituencies([Constituency(wilayat="Salalah", governorate="Muscat")])
    assert constituencies([Constituency(wilayat="Salalah", governorate="Dhofar")])
    with pytest.raises(Invalid, match="not one of Oman's wilayats"):
        Eligibility.of("rules", wilayats=("Gotham",))
    with pytest.raises(Invalid, match="not one of Oman's governorates"):
        Eligibility.of("rules", governorates=("atlantis",))
    rules = Eligibility.of("rules", wilayats=("As Seeb",))
    rules.check_claims(governorate="Muscat", wilayat="السيب")
