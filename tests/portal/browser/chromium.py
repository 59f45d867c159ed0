"""Debian's Chromium driven by Selenium through Debian's chromedriver (no browser downloads),
with axe-core from the npm registry run on every page it shows."""

import shutil
import time
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from devstack.npm import installed

HERE = Path(__file__).parent
PAGE_BUDGET_BYTES = 150 * 1024
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_source() -> str:
    return (installed(HERE, "portal-axe") / "axe-core" / "axe.min.js").read_text()


def chromium() -> webdriver.Chrome:
    """A headless Chromium the size of a phone."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=412,915",
                     "--disable-gpu", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    return driver


class Visitor:
    """One person's browser: every page it lands on is checked by axe-core and weighed."""

    def __init__(self, driver: webdriver.Chrome, portal: str, axe: str) -> None:
        self.driver = driver
        self.portal = portal
        self.axe = axe
        self.checked: list[str] = []

    def open(self, path: str) -> None:
        self.driver.get(self.portal + path)
        self.check()

    def check(self) -> None:
        """0 serious or critical WCAG 2.1 A/AA violations, and under 150 KB transferred."""
        WebDriverWait(self.driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
        self.driver.execute_script(self.axe)
        violations = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            f"axe.run(document, {{runOnly: {WCAG!r}}}).then(r => done(r.violations), e => done([{{id: 'axe-failed', impact: 'critical', help: String(e), nodes: []}}]));"
        )
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n.get('target') for n in v['nodes']][:3]}"
            for v in violations if v["impact"] in ("serious", "critical")
        ]
        url = self.driver.current_url
        assert not serious, f"{url}:\n" + "\n".join(serious)
        if url.startswith(self.portal):
            weight = self.driver.execute_script(
                "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
                ".reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0)"
            )
            assert weight < PAGE_BUDGET_BYTES, f"{url} weighs {weight} bytes"
        self.checked.append(url)

    def fill(self, values: dict[str, str]) -> None:
        for name, value in values.items():
            field = self.driver.find_element(By.NAME, name)
            if field.tag_name == "select":
                field.find_element(By.CSS_SELECTOR, f'option[value="{value}"]').click()
            elif field.get_attribute("type") in ("radio", "checkbox"):
                self.driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{value}"]').click()
            else:
                field.clear()
                field.send_keys(value)

    def submit(self, css: str = "main form button[type=submit]") -> None:
        """Press a form's button and wait for the next page; check it."""
        before = self.driver.find_element(By.TAG_NAME, "html")
        for attempt in range(3):
            # Chromium can answer for a node of the page it is still replacing; find it again.
            try:
                self.driver.find_element(By.CSS_SELECTOR, css).click()
                break
            except WebDriverException as error:
                if attempt == 2 or "does not belong to the document" not in str(error):
                    raise
                time.sleep(0.5)
                before = self.driver.find_element(By.TAG_NAME, "html")
        WebDriverWait(self.driver, 30).until(expected_conditions.staleness_of(before))
        self.check()

    def sign_in(self, username: str, password: str) -> None:
        """At the OpenID provider's own page, then back to the portal."""
        self.open("/")
        self.driver.find_element(By.CSS_SELECTOR, 'a[href^="/signin"]').click()
        WebDriverWait(self.driver, 30).until(expected_conditions.presence_of_element_located((By.NAME, "password")))
        self.check()
        self.driver.find_element(By.NAME, "username").send_keys(username)
        self.driver.find_element(By.NAME, "password").send_keys(password)
        self.driver.find_element(By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]").click()
        WebDriverWait(self.driver, 30).until(lambda d: d.current_url.startswith(self.portal))
        self.check()

    def sign_out(self) -> None:
        self.driver.find_element(By.CSS_SELECTOR, 'form[action="/signout"] button').click()
        WebDriverWait(self.driver, 30).until(
            lambda d: d.current_url.rstrip("/") == self.portal and d.find_elements(By.CSS_SELECTOR, 'a[href^="/signin"]')
        )

    def text(self, css: str = "main") -> str:
        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def wait_for(self, check, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                return False
            time.sleep(1)
        return True
