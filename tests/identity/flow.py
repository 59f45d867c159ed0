"""The authorization-code flow with PKCE, driven step by step over HTTP as a browser and
the portal's back end would drive it, for tests against the real provider."""

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx

REDIRECT_URI = "http://127.0.0.1:8765/auth/callback"


@dataclass
class Authorization:
    """A started sign-in: the browser's cookies, the PKCE verifier and where the login form posts."""

    browser: httpx.Client
    verifier: str
    state: str
    login_page: httpx.Response

    @property
    def form_action(self) -> str:
        action = re.search(r'<form method="post" action="([^"]+)"', self.login_page.text)
        assert action, self.login_page.text
        return urljoin(str(self.login_page.url), unescape(action.group(1)))


def challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def authorize(provider, *, redirect_uri: str = REDIRECT_URI, **params: str) -> Authorization:
    """GET the authorization endpoint as a browser would and follow it to the login page."""
    verifier, state = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    query = {
        "client_id": provider.client_id,
        "response_type": "code",
        "scope": "openid profile",
        "redirect_uri": redirect_uri,
        "state": state,
        "nonce": secrets.token_urlsafe(16),
        "code_challenge": challenge(verifier),
        "code_challenge_method": "S256",
        **params,
    }
    browser = httpx.Client(base_url=provider.issuer, timeout=10)
    page = follow(browser, browser.get(f"/auth?{urlencode(query)}"), provider.issuer)
    return Authorization(browser, verifier, state, page)


def follow(browser: httpx.Client, response: httpx.Response, within: str) -> httpx.Response:
    """Follow redirects while they stay at `within`: the first one leaving it is returned."""
    while response.is_redirect:
        location = urljoin(str(response.url), response.headers["location"])
        if not location.startswith(within):
            break
        response = browser.get(location)
    return response


def log_in(authorization: Authorization, username: str, password: str) -> httpx.Response:
    """POST the login form; on success follow the provider's redirects up to the client's redirect URI."""
    browser = authorization.browser
    response = browser.post(authorization.form_action, data={"username": username, "password": password})
    return follow(browser, response, str(browser.base_url).rstrip("/"))


def code_from(redirect: httpx.Response, state: str) -> str:
    """The authorization code in a redirect to the client, after checking its state."""
    assert redirect.status_code in (302, 303), redirect.text
    query = parse_qs(urlsplit(redirect.headers["location"]).query)
    assert query["state"] == [state], query
    return query["code"][0]


def exchange(provider, code: str, verifier: str | None, *, redirect_uri: str = REDIRECT_URI) -> httpx.Response:
    """Trade the code for tokens at the token endpoint, as the portal's back end does."""
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier is not None:
        form["code_verifier"] = verifier
    return httpx.post(
        f"{provider.issuer}/token", data=form, auth=(provider.client_id, provider.client_secret), timeout=10
    )


def sign_in(provider, username: str, password: str | None = None) -> dict:
    """The token response for a demo user after the whole flow."""
    authorization = authorize(provider)
    code = code_from(log_in(authorization, username, password or provider.password), authorization.state)
    response = exchange(provider, code, authorization.verifier)
    assert response.status_code == 200, response.text
    return response.json()


def authorize_silently(browser: httpx.Client, provider) -> dict:
    """An authorization request with prompt=none: a code while signed in, login_required after."""
    query = {
        "client_id": provider.client_id,
        "response_type": "code",
        "scope": "openid profile",
        "redirect_uri": REDIRECT_URI,
        "state": "silent",
        "code_challenge": challenge("v" * 43),
        "code_challenge_method": "S256",
        "prompt": "none",
    }
    response = follow(browser, browser.get(f"/auth?{urlencode(query)}"), provider.issuer)
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return {key: query[key][0] for key in ("code", "error") if key in query}
