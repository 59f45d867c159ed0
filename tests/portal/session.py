"""A person using the portal over HTTP, as a browser without JavaScript would: follows
redirects, keeps cookies, and sends each form with the page's anti-forgery token."""

import re
from html import unescape
from urllib.parse import urljoin

import httpx

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LOGIN_FORM = re.compile(r'<form method="post" action="([^"]+)"')


class PortalSession:
    def __init__(self, portal: str, *, language: str = "ar") -> None:
        self.portal = portal
        self.http = httpx.Client(base_url=portal, follow_redirects=True, timeout=30)
        self.http.cookies.set("lang", language)
        self.page: httpx.Response | None = None

    def get(self, path: str, **params) -> httpx.Response:
        self.page = self.http.get(path, params=params)
        return self.page

    def post(self, path: str, data: dict | None = None, files=None) -> httpx.Response:
        """Send a form as the last page would: with its anti-forgery token."""
        token = CSRF.search(self.page.text if self.page is not None else "") or CSRF.search(self.get("/").text)
        self.page = self.http.post(path, data={**(data or {}), "csrf_token": token.group(1)}, files=files)
        return self.page

    def sign_in(self, username: str, password: str, *, next: str = "/") -> httpx.Response:
        """Through the provider's login page and back to the portal."""
        login = self.http.get("/signin", params={"next": next})
        action = LOGIN_FORM.search(login.text)
        assert action, login.text
        target = urljoin(str(login.url), unescape(action.group(1)))
        self.page = self.http.post(target, data={"username": username, "password": password})
        assert str(self.page.url).startswith(self.portal), self.page.url
        return self.page

    def close(self) -> None:
        self.http.close()
