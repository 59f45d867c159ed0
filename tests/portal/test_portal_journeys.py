"""The portal against the real services and the real OpenID provider, driven over HTTP
as a browser without JavaScript drives it: every core journey works with forms alone."""

import re
from html import unescape
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.portal.conftest import AGENCY
from tests.portal.session import PortalSession

pytestmark = [pytest.mark.e2e]
RECEIPT = re.compile(r'<code id="receipt" dir="ltr">([^<]+)</code>')
TRACKING = re.compile(r'<code id="tracking-code" dir="ltr">([^<]+)</code>')
SECRET = re.compile(r'<code id="tracking-secret" dir="ltr">([^<]+)</code>')


@pytest.fixture
def people(stack):
    opened = []

    def person(username: str | None = None, *, language: str = "ar") -> PortalSession:
        session = PortalSession(stack.portal, language=language)
        opened.append(session)
        if username:
            session.sign_in(username, stack.provider.password)
        return session

    yield person
    for session in opened:
        session.close()


def open_ballot(stack, tokens, **fields) -> str:
    now = datetime.now(UTC)
    body = {
        "question": {"ar": "ما الموضوع الذي يناقشه المنتدى؟", "en": "Which topic should the forum discuss?"},
        "options": [
            {"option_id": "economy", "label": {"ar": "الاقتصاد", "en": "Economy"}},
            {"option_id": "society", "label": {"ar": "المجتمع", "en": "Society"}},
            {"option_id": "governance", "label": {"ar": "الحوكمة", "en": "Governance"}},
        ],
        "opens_at": now.isoformat(),
        "closes_at": (now + timedelta(days=7)).isoformat(),
        **fields,
    }
    officer = tokens.officer(AGENCY)
    ballot = httpx.post(f"{stack.services['voting']}/ballots", json=body, headers=officer).json()
    assert httpx.post(f"{stack.services['voting']}/ballots/{ballot['ballot_id']}/open", headers=officer).status_code == 200
    return ballot["ballot_id"]


def until(check, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


def test_home_lists_the_open_ballot_in_arabic_right_to_left(stack, tokens, people):
    ballot = open_ballot(stack, tokens)
    page = people().get("/")
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in page.text
    assert f'href="/ballots/{ballot}"' in page.text
    assert "ما الموضوع الذي يناقشه المنتدى؟" in page.text


def test_citizen_votes_sees_the_receipt_and_finds_it_on_the_board(stack, tokens, people):
    ballot = open_ballot(stack, tokens)
    citizen = people("citizen.muscat")
    page = citizen.get(f"/ballots/{ballot}")
    assert "أدلِ بصوتي" in page.text
    voted = citizen.post(f"/ballots/{ballot}/vote", {"choice": "society"})
    assert voted.status_code == 200, voted.text
    receipt = RECEIPT.search(voted.text).group(1)
    assert receipt not in str(voted.url)

    def on_board():
        citizen.get(f"/ballots/{ballot}/board")
        return "صوتك موجود في اللوحة العامة." in citizen.post(f"/ballots/{ballot}/board", {"receipt": receipt}).text

    assert until(on_board, timeout=60)
    again = citizen.get(f"/ballots/{ballot}")
    assert "لقد صوّتَّ" in citizen.post(f"/ballots/{ballot}/vote", {"choice": "economy"}).text or again


def test_a_vote_without_a_choice_comes_back_with_the_error_beside_the_field(stack, tokens, people):
    ballot = open_ballot(stack, tokens, kind="approval", min_selections=2, max_selections=2)
    citizen = people("citizen.dhofar", language="en")
    citizen.get(f"/ballots/{ballot}")
    page = citizen.post(f"/ballots/{ballot}/vote", {"choices": ["economy"]})
    assert page.status_code == 422
    assert '<p class="error" id="choices-error">' in page.text and "Choose at least 2 options." in page.text
    assert 'aria-describedby="choices-hint choices-error"' in page.text
    assert citizen.post(f"/ballots/{ballot}/vote", {"choices": ["economy", "governance"]}).status_code == 200


def test_a_complaint_is_filed_triaged_resolved_and_rated(stack, people):
    citizen = people("citizen.muscat", language="en")
    citizen.get("/complaints/new")
    filed = citizen.post("/complaints/new", {
        "kind": "complaint", "category": f"{AGENCY}:office-service",
        "description": "The queue at the Bawshar office took three hours.",
        "governorate": "muscat", "wilayat": "bawshar",
    })
    assert filed.status_code == 200, filed.text
    code = TRACKING.search(filed.text).group(1)
    mine = citizen.get("/complaints/mine")
    assert code in mine.text
    case_path = re.search(r'href="(/complaints/[^"]+)" dir="ltr">' + re.escape(code), mine.text).group(1)
    complaint_id = case_path.rsplit("/", 1)[1]

    officer = people("officer.mjd", language="en")
    queue = officer.get("/staff/complaints")
    assert code in queue.text
    officer.get(f"/staff/complaints/{complaint_id}")
    for status in ("acknowledged", "in_progress"):
        moved = officer.post(f"/staff/complaints/{complaint_id}/status", {"status": status})
        assert moved.status_code == 200, moved.text
    refused = officer.post(f"/staff/complaints/{complaint_id}/status", {"status": "resolved"})
    assert refused.status_code == 422 and 'id="reply_ar-error"' in refused.text
    resolved = officer.post(f"/staff/complaints/{complaint_id}/status", {
        "status": "resolved", "reply_en": "We opened two more counters.", "reply_ar": "افتتحنا نافذتين إضافيتين.",
    })
    assert resolved.status_code == 200 and 'id="case-status">Resolved' in resolved.text

    case = citizen.get(case_path)
    assert "We opened two more counters." in case.text and "How well was your case handled?" in case.text
    rated = citizen.post(f"{case_path}/rate", {"score": "4", "comment": "Better now"})
    assert rated.status_code == 200 and "You rated the handling 4 of 5." in rated.text

    # The public dashboard counts it, by governorate, from the reporting service.
    def counted():
        page = people(language="en").get("/dashboard")
        return page.status_code == 200 and "<th scope=\"row\">Muscat</th>" in page.text and page

    dashboard = until(counted)
    assert dashboard and "<svg" in dashboard.text and "Ratings of complaint handling" in dashboard.text

    # Not resolved after all: the citizen reopens it, with a reason.
    citizen.get(case_path)
    empty = citizen.post(f"{case_path}/reopen", {"reason": " "})
    assert empty.status_code == 422 and 'id="reason-error"' in empty.text
    reopened = citizen.post(f"{case_path}/reopen", {"reason": "The queue is long again."})
    assert reopened.status_code == 200 and "In progress" in reopened.text


def test_staff_keep_internal_notes_and_hand_back_what_is_not_theirs(stack, tokens, people):
    filed = httpx.post(f"{stack.services['feedback']}/complaints", headers=tokens.citizen(), json={
        "kind": "complaint", "agency": AGENCY, "category": "office-service", "description": "Rude answer at the desk.",
    }).json()
    officer = people("officer.mjd", language="en")
    case = f"/staff/complaints/{filed['complaint_id']}"
    officer.get(case)
    noted = officer.post(f"{case}/notes", {"text": "Ask the branch manager."})
    assert noted.status_code == 200 and "Ask the branch manager." in noted.text
    without_reason = officer.post(f"{case}/hand-back", {"reason": ""})
    assert without_reason.status_code == 422 and 'id="hand_back-error"' in without_reason.text
    handed = officer.post(f"{case}/hand-back", {"reason": "This is the municipality's."})
    assert handed.status_code == 200 and str(handed.url).endswith("/staff/complaints")
    assert filed["tracking_code"] not in handed.text


def test_anonymous_filing_shows_the_secret_once_and_tracking_needs_it_posted(stack, people):
    visitor = people(language="en")
    visitor.get("/complaints/new")
    filed = visitor.post("/complaints/new", {
        "kind": "report", "category": f"{AGENCY}:office-service", "description": "Someone sells queue tickets.",
    })
    assert filed.status_code == 200, filed.text
    code, secret = TRACKING.search(filed.text).group(1), SECRET.search(filed.text).group(1)
    visitor.get("/track")
    public = visitor.post("/track", {"code": code})
    assert public.status_code == 200 and "Someone sells queue tickets." not in public.text
    visitor.get("/track")
    whole = visitor.post("/track", {"code": code, "secret": secret})
    assert "Someone sells queue tickets." in whole.text
    replied = visitor.post("/track/reply", {"code": code, "secret": secret, "message": "It happens every Sunday."})
    assert "Your reply was sent." in replied.text and "It happens every Sunday." in replied.text
    assert secret not in str(replied.url) and secret not in str(whole.url)


def test_staff_draft_a_ranked_ballot_open_it_and_a_citizen_ranks_by_number(stack, people):
    officer = people("officer.mjd", language="en")
    officer.get("/staff/ballots/new")
    now = datetime.now(UTC) + timedelta(hours=4)  # Muscat time, as the form reads it
    drafted = officer.post("/staff/ballots/new", {
        "kind": "ranked", "question_ar": "رتّب أولويات الحي", "question_en": "Rank the district's priorities",
        "options": "الحدائق | Parks\nالطرق | Roads\nالمكتبة | Library",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "eligibility": "open",
    })
    assert drafted.status_code == 200, drafted.text
    ballot = str(drafted.url).rstrip("/").rsplit("/", 1)[1]
    opened = officer.post(f"/staff/ballots/{ballot}/open")
    assert 'id="ballot-state">Open' in opened.text, opened.text

    citizen = people("citizen.dhofar", language="en")
    page = citizen.get(f"/ballots/{ballot}")
    ranks = re.findall(r'<select id="(rank_[^"]+)"', page.text)
    assert len(ranks) == 3
    duplicate = citizen.post(f"/ballots/{ballot}/vote", {ranks[0]: "1", ranks[1]: "1"})
    assert duplicate.status_code == 422 and "Give each rank to one option only." in duplicate.text
    voted = citizen.post(f"/ballots/{ballot}/vote", {ranks[0]: "2", ranks[1]: "1", ranks[2]: "3"})
    assert RECEIPT.search(voted.text), voted.text

    closed = officer.get(f"/staff/ballots/{ballot}")
    closed = officer.post(f"/staff/ballots/{ballot}/close")
    assert closed.status_code == 200
    results = until(lambda: (r := citizen.get(f"/ballots/{ballot}/results")) and "1 vote was counted." in r.text and r)
    assert results and "<svg" in results.text and "<table>" in results.text


def test_signing_out_ends_the_session_at_the_provider_too(stack, people):
    citizen = people("citizen.muscat", language="en")
    assert "Sign out" in citizen.get("/").text
    confirm = citizen.post("/signout")
    assert str(confirm.url).startswith(stack.provider.issuer)
    # Without JavaScript the provider asks to confirm; its page submits itself when it runs.
    action = re.search(r'<form[^>]*id="op.logoutForm"[^>]*action="([^"]+)"|<form[^>]*action="([^"]+)"[^>]*id="op.logoutForm"', confirm.text)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', confirm.text))
    back = citizen.http.post(unescape(action.group(1) or action.group(2)), data={**fields, "logout": "yes"})
    assert str(back.url).rstrip("/") == stack.portal and "Sign in" in back.text
    # Signing in again asks for the password: the provider's session ended as well.
    login = citizen.http.get("/signin")
    assert 'name="password"' in login.text


def muscat_time(hours_from_now: float) -> str:
    """A datetime-local value in Muscat time (UTC+4), as the draft form takes it."""
    return (datetime.now(UTC) + timedelta(hours=4 + hours_from_now)).strftime("%Y-%m-%dT%H:%M")


def draft(officer: PortalSession, **fields) -> str:
    officer.get("/staff/ballots/new")
    page = officer.post("/staff/ballots/new", {
        "question_ar": "سؤال", "question_en": "A question", "opens_at": muscat_time(0),
        "closes_at": muscat_time(72), "eligibility": "open", **fields,
    })
    assert page.status_code == 200 and "/staff/ballots/" in str(page.url), page.text
    return str(page.url).rsplit("/", 1)[1]


def test_a_budget_is_drafted_by_staff_and_a_citizen_stays_within_it(stack, people):
    officer = people("admin.mjd", language="en")
    ballot = draft(officer, kind="budget", options="حديقة | Park | 500\nمكتبة | Library | 300\nممشى | Walkway | 200",
                   total_budget="700", rule="greedy")
    assert 'id="ballot-state">Open' in officer.post(f"/staff/ballots/{ballot}/open").text
    citizen = people("citizen.muscat", language="en")
    page = citizen.get(f"/ballots/{ballot}")
    assert 'data-budget="700"' in page.text and "The budget is 700 rials." in page.text
    ids = re.findall(r'name="choices" id="[^"]+" value="([^"]+)" data-cost="(\d+)"', page.text)
    by_cost = {int(cost): option for option, cost in ids}
    over = citizen.post(f"/ballots/{ballot}/vote", {"choices": [by_cost[500], by_cost[300]]})
    assert over.status_code == 422 and "Your projects cost more than the budget." in over.text
    assert RECEIPT.search(citizen.post(f"/ballots/{ballot}/vote", {"choices": [by_cost[500], by_cost[200]]}).text)


def test_staff_import_a_roll_and_only_those_on_it_may_vote(stack, people):
    officer = people("officer.mjd", language="en")
    ballot = draft(officer, kind="single_choice", options="نعم | Yes\nلا | No", eligibility="roll")
    page = officer.get(f"/staff/ballots/{ballot}")
    assert "0 voters registered." in page.text
    roll = "civil_number,wilayat\n12345678,bawshar\n87654321,seeb\nnot-a-number,\n"
    imported = officer.post(f"/staff/ballots/{ballot}/roll", files={"roll": ("roll.csv", roll, "text/csv")})
    assert imported.status_code == 200, imported.text
    assert "2 voters registered." in imported.text and "Lines not imported:" in imported.text
    officer.post(f"/staff/ballots/{ballot}/open")
    citizen = people("citizen.dhofar", language="en")
    citizen.get(f"/ballots/{ballot}")
    options = re.findall(r'name="choice" id="[^"]+" value="([^"]+)"', citizen.page.text)
    refused = citizen.post(f"/ballots/{ballot}/vote", {"choice": options[0]})
    assert refused.status_code == 403 and "You are not eligible to vote in this ballot." in refused.text


def test_staff_enter_and_approve_candidacies_of_a_constituency_election(stack, people):
    officer = people("officer.mjd", language="en")
    ballot = draft(officer, kind="constituency", constituencies="bawshar | 1\nsalalah | 1", eligibility="roll")
    officer.get(f"/staff/ballots/{ballot}")
    for name_ar, name_en, wilayat in (("سالم", "Salim", "bawshar"), ("مريم", "Maryam", "bawshar"), ("علي", "Ali", "salalah")):
        added = officer.post(f"/staff/ballots/{ballot}/candidacies", {"wilayat": wilayat, "name_ar": name_ar, "name_en": name_en})
        assert added.status_code == 200, added.text
    forms = re.findall(r'action="(/staff/ballots/[^"]+/candidacies/[^"]+/decide)"', officer.page.text)
    assert len(forms) == 3
    missing_reason = officer.post(forms[1], {"decision": "reject"})
    assert missing_reason.status_code == 422 and "Say why it is rejected." in missing_reason.text
    for form in forms:
        assert officer.post(form, {"decision": "approve"}).status_code == 200
    assert officer.page.text.count("<td>Approved</td>") == 3
    # The audit log is the agency admin's (and auditors') to read.
    assert "/audit" not in officer.page.text
    admin = people("admin.mjd", language="en")
    assert f'href="/staff/ballots/{ballot}/audit"' in admin.get(f"/staff/ballots/{ballot}").text
    audit = admin.get(f"/staff/ballots/{ballot}/audit")
    assert audit.status_code == 200 and audit.text.count("<tr><td>") >= 4


def test_an_operator_routes_a_case_from_triage_and_admins_see_escalations(stack, tokens, people):
    filed = httpx.post(f"{stack.services['feedback']}/complaints", headers=tokens.citizen(), json={
        "kind": "complaint", "category": "street-lights", "description": "The lights on our street are out.",
    })
    assert filed.status_code == 201, filed.text
    operator = people("operator", language="en")
    triage = operator.get("/staff/triage")
    assert triage.status_code == 200 and "The lights on our street are out." in triage.text
    complaint_id = filed.json()["complaint_id"]
    action = f"/staff/triage/{complaint_id}/route"
    assert f'action="{action}"' in triage.text
    wrong = operator.post(action, {"agency": "Not A Slug", "unit": "x"})
    assert wrong.status_code == 422 and "Give the agency and unit as short ids" in wrong.text
    routed = operator.post(action, {"agency": AGENCY, "unit": "customer-service"})
    assert routed.status_code == 200 and complaint_id not in routed.text

    officer = people("officer.mjd", language="en")
    assert filed.json()["tracking_code"] in officer.get("/staff/complaints", unit="customer-service").text
    assert "Only agency admins and operators" in officer.get("/staff/complaints", sla="breached").text
    admin = people("admin.mjd", language="en")
    assert admin.get("/staff/escalations").status_code == 200
    assert admin.get("/staff/complaints", sla="breached").status_code == 200
