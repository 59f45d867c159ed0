"""The portal's forms read into the services' request bodies, or errors by field."""

import pytest
from starlette.datastructures import FormData

from portal.ballot_form import read_draft
from portal.complaint_form import read_complaint
from portal.votes import WRITE_IN, read_vote
from portal.web import use_language_of

OPTIONS = [{"option_id": i, "label": {"ar": i, "en": i}, "cost": c} for i, c in (("a", 10), ("b", 20), ("c", 30))]


@pytest.fixture(autouse=True)
def english():
    class Request:
        cookies = {"lang": "en"}

    use_language_of(Request())


def ballot(kind: str, **fields) -> dict:
    return {"kind": kind, "options": OPTIONS, **fields}


def test_single_choice_takes_one_option_or_a_write_in():
    assert read_vote(ballot("single_choice"), FormData([("choice", "b")])).body == {"choice": "b"}
    assert read_vote(ballot("single_choice"), FormData([("choice", "z")])).errors == {"choice": "Choose one option."}
    written = read_vote(ballot("single_choice", allow_write_in=True), FormData([("choice", WRITE_IN), ("write_in", " Sur ")]))
    assert written.body == {"write_in": "Sur"}
    empty = read_vote(ballot("single_choice", allow_write_in=True), FormData([("choice", WRITE_IN)]))
    assert "write_in" in empty.errors
    # Without write-ins allowed, the marker is no option at all.
    assert "choice" in read_vote(ballot("single_choice"), FormData([("choice", WRITE_IN)])).errors


def test_approval_holds_to_its_minimum_and_maximum():
    rules = ballot("approval", min_selections=2, max_selections=2)
    assert read_vote(rules, FormData([("choices", "a")])).errors == {"choices": "Choose at least 2 options."}
    assert read_vote(rules, FormData([("choices", "a"), ("choices", "b"), ("choices", "c")])).errors == {
        "choices": "Choose at most 2 options."
    }
    assert read_vote(rules, FormData([("choices", "a"), ("choices", "c")])).body == {"choices": ["a", "c"]}


def test_a_budget_vote_may_not_cost_more_than_the_budget():
    rules = ballot("budget", total_budget=35, budget_limit=True)
    assert read_vote(rules, FormData([("choices", "a"), ("choices", "b")])).body == {"choices": ["a", "b"]}
    over = read_vote(rules, FormData([("choices", "b"), ("choices", "c")]))
    assert over.errors == {"choices": "Your projects cost more than the budget. Remove some."}
    assert "choices" in read_vote(ballot("budget", total_budget=100, max_projects=1),
                                  FormData([("choices", "a"), ("choices", "b")])).errors


def test_a_ranking_is_read_from_a_rank_number_per_option():
    rules = ballot("ranked")
    assert read_vote(rules, FormData([("rank_a", "2"), ("rank_b", "1"), ("rank_c", "")])).body == {"ranking": ["b", "a"]}
    assert read_vote(rules, FormData([("rank_a", "1"), ("rank_b", "1")])).errors == {
        "ranking": "Give each rank to one option only."
    }
    assert "ranking" in read_vote(rules, FormData([("rank_a", "1"), ("rank_b", "3")])).errors
    assert "ranking" in read_vote(rules, FormData([("rank_a", "9")])).errors
    assert "ranking" in read_vote(rules, FormData([])).errors


CATEGORIES = [{"agency": "mjd", "category": "website", "name": {"ar": "موقع", "en": "Website"}}]


def test_a_complaint_form_names_each_wrong_field():
    filed = read_complaint(
        FormData([("kind", "rumour"), ("category", "x:y"), ("description", " "), ("governorate", "muscat"),
                  ("wilayat", "salalah"), ("latitude", "23.5"), ("longitude", "east"), ("links", "http://a")]),
        categories=CATEGORIES, language="en", signed_in=True,
    )
    assert set(filed.errors) == {"kind", "category", "description", "wilayat", "longitude", "links"}


def test_a_complaint_form_becomes_the_feedback_body():
    filed = read_complaint(
        FormData([("kind", "suggestion"), ("category", "mjd:website"), ("description", " Add dark mode "),
                  ("governorate", "muscat"), ("wilayat", "seeb"), ("latitude", "23.6"), ("longitude", "58.2"),
                  ("links", "https://example.org/a.png\n")]),
        categories=CATEGORIES, language="ar", signed_in=True,
    )
    assert filed.errors == {} and filed.anonymous is False
    assert filed.body == {
        "kind": "suggestion", "agency": "mjd", "category": "website", "description": "Add dark mode",
        "governorate": "muscat", "wilayat": "seeb", "language": "ar", "channel": "web",
        "latitude": 23.6, "longitude": 58.2, "attachments": ["https://example.org/a.png"],
    }


def test_without_an_account_a_complaint_is_anonymous():
    form = FormData([("kind", "report"), ("category", "mjd:website"), ("description", "x")])
    assert read_complaint(form, categories=CATEGORIES, language="en", signed_in=False).anonymous is True


def test_a_budget_draft_reads_projects_with_their_costs_in_muscat_time():
    draft = read_draft(FormData([
        ("kind", "budget"), ("question_ar", "س"), ("question_en", "Q"),
        ("options", "حديقة | Park | 500\nمكتبة | Library | 300"), ("opens_at", "2030-01-01T08:00"),
        ("closes_at", "2030-01-08T08:00"), ("total_budget", "600"), ("rule", "mes"), ("eligibility", "open"),
    ]))
    assert draft.errors == {}
    assert draft.body["options"] == [{"label": {"ar": "حديقة", "en": "Park"}, "cost": 500},
                                     {"label": {"ar": "مكتبة", "en": "Library"}, "cost": 300}]
    assert draft.body["opens_at"] == "2030-01-01T08:00:00+04:00"
    assert draft.body["rule"] == "mes" and draft.body["total_budget"] == 600


def test_a_constituency_draft_reads_wilayats_and_seats():
    draft = read_draft(FormData([
        ("kind", "constituency"), ("question_ar", "س"), ("question_en", "Q"), ("constituencies", "seeb | 2\nsalalah"),
        ("opens_at", "2030-01-01T08:00"), ("closes_at", "2030-01-02T08:00"), ("eligibility", "roll"),
    ]))
    assert draft.errors == {}
    assert draft.body["constituencies"] == [{"wilayat": "seeb", "governorate": "muscat", "seats": 2},
                                            {"wilayat": "salalah", "governorate": "dhofar", "seats": 1}]
    assert draft.body["eligibility"] == {"mode": "roll", "governorates": []}
    open_to_all = read_draft(FormData([("kind", "constituency"), ("eligibility", "open")]))
    assert "governorates" in open_to_all.errors


def test_a_draft_names_its_wrong_fields():
    draft = read_draft(FormData([("kind", "approval"), ("question_ar", ""), ("options", "one line only"),
                                 ("opens_at", "soon"), ("closes_at", "2030-01-01T08:00"), ("seats", "0")]))
    assert set(draft.errors) == {"question_ar", "question_en", "options", "opens_at", "seats"}
