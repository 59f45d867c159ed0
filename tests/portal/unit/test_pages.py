"""The portal's pages over stand-in service answers (httpx's MockTransport): language and
direction, errors in the user's language, anti-forgery, and a page for a service that is down."""

import re

import httpx
import pytest
from fastapi.testclient import TestClient

from portal.charts import bar_chart
from portal.config import PortalSettings
from portal.main import create_app

BALLOT = {
    "ballot_id": "b1", "agency": "mjd", "campaign_id": None, "kind": "budget", "state": "open",
    "question": {"ar": "أي المشاريع؟", "en": "Which projects?"},
    "options": [{"option_id": "park", "label": {"ar": "حديقة", "en": "Park"}, "cost": 500},
                {"option_id": "library", "label": {"ar": "مكتبة", "en": "Library"}, "cost": 300}],
    "opens_at": "2026-01-01T00:00:00+00:00", "closes_at": "2099-01-01T00:00:00+00:00", "allow_write_in": False,
    "total_budget": 600, "max_projects": None, "budget_limit": True, "constituencies": [],
    "eligibility": {"mode": "open", "governorates": [], "wilayats": []},
}
CAMPAIGN = {
    "campaign_id": "c1", "agency": "mjd", "kind": "poll", "state": "launched",
    "title": {"ar": "معاً نتقدم", "en": "Together We Progress"}, "summary": {"ar": "ملخص", "en": "Summary"},
    "opens_at": "2026-01-01T00:00:00+00:00", "closes_at": "2099-01-01T00:00:00+00:00", "launched_at": None,
}
DHOFAR_ONLY = {**BALLOT, "ballot_id": "b2", "question": {"ar": "سؤال ظفار", "en": "Dhofar's question"},
               "eligibility": {"mode": "rules", "governorates": ["dhofar"], "wilayats": []}}
CATEGORIES = [{"agency": "mjd", "category": "website", "name": {"ar": "موقعنا", "en": "Our website"}}]


def answers(request: httpx.Request) -> httpx.Response:
    routes = {
        "/ballots": [BALLOT, DHOFAR_ONLY], "/ballots/b1": BALLOT, "/campaigns": [CAMPAIGN], "/campaigns/c1": CAMPAIGN,
        "/categories": CATEGORIES,
    }
    if request.url.path in routes:
        return httpx.Response(200, json=routes[request.url.path])
    return httpx.Response(404, json={"error": {"code": "not_found", "message": "no such thing", "details": []}})


def down(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("refused", request=request)


def portal(handler=answers) -> TestClient:
    settings = PortalSettings(secure_cookies=False, oidc_issuer="http://127.0.0.1:9")
    return TestClient(create_app(settings, transport=httpx.MockTransport(handler)), follow_redirects=False)


def csrf(page: httpx.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_arabic_is_the_default_right_to_left():
    page = portal().get("/")
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in page.text and "أي المشاريع؟" in page.text
    assert 'href="#main"' in page.text and '<main id="main"' in page.text


def test_the_chosen_language_is_remembered_in_a_cookie():
    client = portal()
    token = csrf(client.get("/"))
    chosen = client.post("/language", data={"csrf_token": token, "lang": "en", "next": "/complaints/new"})
    assert chosen.status_code == 303 and chosen.headers["location"] == "/complaints/new"
    assert "lang=en" in chosen.headers["set-cookie"] and "HttpOnly" in chosen.headers["set-cookie"]
    page = client.get("/complaints/new")
    assert '<html lang="en" dir="ltr">' in page.text and "Our website" in page.text


def test_a_language_choice_never_sends_anyone_to_another_site():
    client = portal()
    token = csrf(client.get("/"))
    chosen = client.post("/language", data={"csrf_token": token, "lang": "en", "next": "//evil.example"})
    assert chosen.headers["location"] == "/"


@pytest.mark.parametrize(("language", "message"), [("ar", "صِف ما حدث."), ("en", "Describe what happened.")])
def test_form_errors_come_back_beside_their_field_in_the_users_language(language, message):
    client = portal()
    client.cookies.set("lang", language)
    token = csrf(client.get("/complaints/new"))
    page = client.post("/complaints/new", data={"csrf_token": token, "kind": "complaint", "category": "mjd:website"})
    assert page.status_code == 422
    assert f'<p class="error" id="description-error"><span class="error-mark" aria-hidden="true">!</span> {message}</p>' in page.text
    field = re.search(r'<textarea id="description"[^>]*>', page.text).group(0)
    assert 'aria-describedby="description-hint description-error"' in field and 'aria-invalid="true"' in field
    # What the citizen chose stays chosen.
    assert '<option value="mjd:website" selected>' in page.text


def test_a_form_without_the_sessions_token_is_refused():
    client = portal()
    client.get("/complaints/new")
    refused = client.post("/complaints/new", data={"kind": "complaint", "csrf_token": "forged"})
    assert refused.status_code == 403 and "انتهت صلاحية هذا النموذج" in refused.text


@pytest.mark.parametrize(("language", "title"), [("ar", "هذه الخدمة غير متاحة الآن"), ("en", "This service is not available right now")])
def test_a_service_that_is_down_gives_a_page_saying_so(language, title):
    client = portal(down)
    client.cookies.set("lang", language)
    page = client.get("/")
    assert page.status_code == 503
    assert f"<h1>{title}</h1>" in page.text and "Traceback" not in page.text and "ConnectError" not in page.text


def test_pages_for_signed_in_people_send_others_to_sign_in():
    for path in ("/complaints/mine", "/staff/complaints", "/staff/ballots"):
        page = portal().get(path)
        assert page.status_code == 303 and page.headers["location"] == f"/signin?next={path}"


def test_the_ballot_page_asks_to_sign_in_to_vote_and_shows_the_budget():
    page = portal().get("/ballots/b1", headers={"cookie": "lang=en"})
    assert "Sign in to vote" in page.text and 'href="/signin?next=/ballots/b1"' in page.text


def test_an_unknown_ballot_is_a_not_found_page():
    page = portal().get("/ballots/nope")
    assert page.status_code == 404 and "لم نجد هذه الصفحة" in page.text


def test_pages_carry_a_strict_content_security_policy_and_load_nothing_from_elsewhere():
    page = portal().get("/")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "form-action 'self' http://127.0.0.1:9" in policy
    assert not re.search(r'(src|href)="(https?:)?//', page.text)


def test_a_page_with_its_stylesheet_and_script_weighs_well_under_150_kb():
    client = portal()
    total = sum(len(client.get(path).content) for path in ("/", "/static/portal.css", "/static/portal.js"))
    assert total < 150 * 1024


def test_a_chart_reads_right_to_left_in_arabic():
    rows = [({"ar": "حديقة", "en": "Park"}, 30, 75.0), ({"ar": "مكتبة", "en": "Library"}, 10, 25.0)]
    arabic = str(bar_chart(rows, language="ar", title="الأصوات"))
    english = str(bar_chart(rows, language="en", title="Votes"))
    assert 'role="img"' in arabic and "<title>الأصوات</title>" in arabic
    assert 'x="640" y="20" text-anchor="start" direction="rtl"' in arabic and "حديقة" in arabic
    assert 'x="0" y="20" text-anchor="start"' in english and "Park" in english
    # The longest bar takes the whole span; the others are in proportion.
    assert 'width="330.0"' in arabic and 'width="110.0"' in arabic


def test_a_form_sent_after_the_session_ended_signs_in_and_returns_to_its_page():
    client = portal()
    token = csrf(client.get("/ballots/b1"))
    sent = client.post("/ballots/b1/vote", data={"csrf_token": token, "choices": "park"},
                       headers={"referer": "http://testserver/ballots/b1"})
    assert sent.status_code == 303 and sent.headers["location"] == "/signin?next=/ballots/b1"


def test_arabic_words_agree_with_what_they_describe():
    """A closed ballot is "مغلق", a closed complaint "مغلقة" (gettext contexts)."""
    from portal.i18n import translations

    arabic = translations("ar")
    assert arabic.pgettext("ballot", "Closed") == "مغلق"
    assert arabic.pgettext("complaint", "Closed") == "مغلقة"


def test_home_shows_what_is_open_near_the_chosen_governorate():
    everywhere = portal().get("/")
    assert "سؤال ظفار" in everywhere.text and "معاً نتقدم" in everywhere.text
    muscat = portal().get("/", params={"governorate": "muscat"})
    assert "سؤال ظفار" not in muscat.text and "أي المشاريع؟" in muscat.text
    assert '<option value="muscat" selected>' in muscat.text


def test_a_campaign_page_shows_what_the_consultation_api_has():
    page = portal().get("/campaigns/c1", headers={"cookie": "lang=en"})
    assert page.status_code == 200 and "<h1>Together We Progress</h1>" in page.text
