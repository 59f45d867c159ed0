"""The portal in a real headless Chromium against the whole stack, in Arabic and English,
with axe-core on every page visited (0 serious or critical violations) and every portal
page under 150 KB transferred."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from selenium.webdriver.common.by import By

from tests.portal.browser.chromium import Visitor, axe_source, chromium
from tests.portal.conftest import AGENCY

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


@pytest.fixture
def visitor(stack, axe):
    driver = chromium()
    try:
        yield Visitor(driver, stack.portal, axe)
    finally:
        driver.quit()


def choose_language(visitor: Visitor, language: str) -> None:
    visitor.open("/")
    if visitor.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") != language:
        visitor.submit('form[action="/language"] button')
    assert visitor.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == language


def open_ballot(stack, tokens) -> str:
    now = datetime.now(UTC)
    body = {
        "question": {"ar": "أين يُقام المنتدى القادم؟", "en": "Where should the next forum be held?"},
        "options": [
            {"option_id": "muscat", "label": {"ar": "مسقط", "en": "Muscat"}},
            {"option_id": "salalah", "label": {"ar": "صلالة", "en": "Salalah"}},
        ],
        "allow_write_in": True, "show_preliminary": True,
        "opens_at": now.isoformat(), "closes_at": (now + timedelta(days=7)).isoformat(),
    }
    officer = tokens.officer(AGENCY)
    ballot = httpx.post(f"{stack.services['voting']}/ballots", json=body, headers=officer).json()["ballot_id"]
    httpx.post(f"{stack.services['voting']}/ballots/{ballot}/open", headers=officer).raise_for_status()
    return ballot


@pytest.mark.parametrize("language", ["ar", "en"])
def test_public_pages_pass_axe(stack, tokens, visitor, language):
    ballot = open_ballot(stack, tokens)
    choose_language(visitor, language)
    for path in ("/", "/dashboard", "/complaints/new", "/track", f"/ballots/{ballot}",
                 f"/ballots/{ballot}/results", f"/ballots/{ballot}/board", "/no-such-page"):
        visitor.open(path)
    # A form sent with mistakes: the errors are beside their fields, in the page's language.
    visitor.open("/complaints/new")
    visitor.submit('main form button[type=submit]')
    error = visitor.driver.find_element(By.ID, "description-error")
    assert error.is_displayed()
    assert "description-error" in visitor.driver.find_element(By.ID, "description").get_attribute("aria-describedby")


EXPECTED = {
    "ar": {"on_board": "صوتك موجود في اللوحة العامة.", "resolved": "تمت المعالجة", "rated": "قيّمت المعالجة 5 من 5"},
    "en": {"on_board": "Your vote is on the board.", "resolved": "Resolved", "rated": "You rated the handling 5 of 5."},
}


@pytest.mark.parametrize("language", ["ar", "en"])
def test_citizen_votes_files_a_complaint_an_officer_resolves_it_and_the_citizen_rates_it(
    stack, tokens, visitor, language
):
    password = stack.provider.password
    expected = EXPECTED[language]
    ballot = open_ballot(stack, tokens)

    # The citizen signs in at the provider, votes, keeps the receipt, finds it on the board.
    choose_language(visitor, language)
    visitor.sign_in("citizen.muscat", password)
    visitor.open(f"/ballots/{ballot}")
    visitor.fill({"choice": "salalah"})
    visitor.submit("form.vote button[type=submit]")
    receipt = visitor.driver.find_element(By.ID, "receipt").text
    assert receipt and receipt not in visitor.driver.current_url

    def on_board() -> bool:
        visitor.open(f"/ballots/{ballot}/board")
        visitor.fill({"receipt": receipt})
        visitor.submit()
        return expected["on_board"] in visitor.text()

    assert visitor.wait_for(on_board)

    # ...files a complaint and follows it in "my cases".
    visitor.open("/complaints/new")
    visitor.fill({
        "category": f"{AGENCY}:office-service", "description": "انتظرت ثلاث ساعات في مكتب بوشر.",
        "governorate": "muscat", "wilayat": "bawshar",
    })
    visitor.submit()
    code = visitor.driver.find_element(By.ID, "tracking-code").text
    visitor.open("/complaints/mine")
    visitor.driver.find_element(By.LINK_TEXT, code).click()
    visitor.check()
    case_url = visitor.driver.current_url
    complaint_id = case_url.rsplit("/", 1)[1]
    visitor.sign_out()

    # The officer: the queue, the case, acknowledge, work on it, resolve with a reply.
    choose_language(visitor, language)
    visitor.sign_in("officer.mjd", password)
    visitor.open("/staff/complaints")
    assert code in visitor.text()
    visitor.open(f"/staff/complaints/{complaint_id}")
    for status in ("acknowledged", "in_progress"):
        visitor.fill({"status": status})
        visitor.submit('form[action$="/status"] button[type=submit]')
    visitor.fill({"status": "resolved", "reply_en": "We opened two more counters.",
                  "reply_ar": "افتتحنا نافذتين إضافيتين."})
    visitor.submit('form[action$="/status"] button[type=submit]')
    assert visitor.text("#case-status") == expected["resolved"]
    visitor.sign_out()

    # The citizen again: sees the resolution (the reply in the page's language) and rates it.
    choose_language(visitor, language)
    visitor.sign_in("citizen.muscat", password)
    visitor.open(f"/complaints/{complaint_id}")
    assert ("افتتحنا نافذتين إضافيتين." if language == "ar" else "We opened two more counters.") in visitor.text()
    visitor.fill({"score": "5"})
    visitor.submit('form[action$="/rate"] button[type=submit]')
    assert expected["rated"] in visitor.text()
