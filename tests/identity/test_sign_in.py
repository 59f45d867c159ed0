"""Signing in at the devstack's real OpenID provider: the authorization-code flow with
PKCE, the login page in both languages, the tokens' claims, and signing out."""

import re
from html import unescape
from urllib.parse import parse_qs, urljoin, urlsplit

import jwt
import pytest

from tests.identity import flow
from tests.identity.flow import REDIRECT_URI


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_discovery_names_the_endpoints_and_requires_s256(oidc_provider):
    import httpx

    discovery = httpx.get(oidc_provider.discovery_url).json()
    assert discovery["issuer"] == oidc_provider.issuer
    assert discovery["jwks_uri"] == oidc_provider.jwks_url
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["end_session_endpoint"] == f"{oidc_provider.issuer}/session/end"
    published = httpx.get(oidc_provider.jwks_url).json()["keys"]
    assert {key["kty"] for key in published} == {"EC", "RSA"} and all(key["kid"] for key in published)
    assert not [key for key in published if {"d", "p", "q"} & set(key)]  # public halves only


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("citizen.muscat", {"roles": ["citizen"], "governorate": "muscat", "wilayat": "bawshar", "birthdate": "1990-04-12"}),
        ("citizen.dhofar", {"roles": ["citizen"], "governorate": "dhofar", "wilayat": "salalah"}),
        ("officer.mtcit", {"roles": ["officer"], "agency": "mtcit"}),
        ("admin.mjd", {"roles": ["agency_admin"], "agency": "mjd"}),
        ("moderator", {"roles": ["moderator"]}),
        ("alerts", {"roles": ["alert_authority"]}),
    ],
)
def test_a_demo_user_signs_in_and_gets_an_access_token_for_the_services(oidc_provider, username, expected):
    tokens = flow.sign_in(oidc_provider, username)
    access = claims_of(tokens["access_token"])
    user = oidc_provider.user(username)
    assert access["iss"] == oidc_provider.issuer
    assert access["aud"] == "sharik"
    assert access["sub"] == user.sub
    assert expected.items() <= access.items()
    assert jwt.get_unverified_header(tokens["access_token"])["kid"]
    identity = claims_of(tokens["id_token"])
    assert identity["aud"] == oidc_provider.client_id
    assert (identity["name"], identity["locale"]) == (user.name[user.locale], user.locale)
    assert identity["name#en"] == user.name["en"]


def test_the_login_page_is_arabic_and_right_to_left_by_default_and_english_on_request(oidc_provider):
    arabic = flow.authorize(oidc_provider).login_page
    assert '<html lang="ar" dir="rtl">' in arabic.text
    assert '<label for="username">اسم المستخدم</label>' in arabic.text
    assert "<main>" in arabic.text and "<header>" in arabic.text
    english = flow.authorize(oidc_provider, ui_locales="en").login_page
    assert '<html lang="en" dir="ltr">' in english.text
    assert '<label for="password">Password</label>' in english.text
    authorization = flow.authorize(oidc_provider)
    switched = authorization.browser.get(f"{urlsplit(str(authorization.login_page.url)).path}?lang=en")
    assert '<html lang="en" dir="ltr">' in switched.text
    assert "?lang=en" in switched.text  # the form posts in the language chosen


def test_an_expired_or_foreign_interaction_gets_a_page_not_a_stack_trace(oidc_provider):
    page = flow.authorize(oidc_provider).login_page
    stranger = flow.authorize(oidc_provider, ui_locales="en").browser
    response = stranger.get(str(page.url))
    assert response.status_code == 400
    assert '<html lang="ar" dir="rtl">' in response.text and 'role="alert"' in response.text
    english = stranger.get(str(page.url), headers={"accept-language": "en-GB,en;q=0.8"})
    assert '<html lang="en" dir="ltr">' in english.text


def test_a_wrong_password_is_refused_with_the_error_next_to_the_form(oidc_provider):
    authorization = flow.authorize(oidc_provider, ui_locales="en")
    response = flow.log_in(authorization, "citizen.muscat", "not-the-password")
    assert response.status_code == 401
    assert 'role="alert"' in response.text and "The username or password is not right" in response.text
    assert 'value="citizen.muscat"' in response.text  # kept, so only the password is typed again
    unknown = flow.log_in(flow.authorize(oidc_provider), "nobody", oidc_provider.password)
    assert unknown.status_code == 401
    # The same interaction still accepts the right password afterwards.
    assert flow.code_from(flow.log_in(authorization, "citizen.muscat", oidc_provider.password), authorization.state)


def test_an_authorization_request_without_a_pkce_challenge_is_refused(oidc_provider):
    authorization = flow.authorize(oidc_provider, code_challenge="", code_challenge_method="")
    refused = authorization.login_page
    location = refused.headers.get("location", "")
    assert location.startswith(REDIRECT_URI), (refused.status_code, refused.text[:500])
    query = parse_qs(urlsplit(location).query)
    assert query["error"] == ["invalid_request"]
    assert "PKCE" in query["error_description"][0]


def test_a_plain_pkce_challenge_is_refused(oidc_provider):
    authorization = flow.authorize(oidc_provider, code_challenge_method="plain")
    location = authorization.login_page.headers["location"]
    assert parse_qs(urlsplit(location).query)["error"] == ["invalid_request"]


def test_a_code_exchanged_without_the_verifier_or_with_another_is_refused(oidc_provider):
    for verifier in (None, "x" * 64):
        authorization = flow.authorize(oidc_provider)
        code = flow.code_from(flow.log_in(authorization, "citizen.dhofar", oidc_provider.password), authorization.state)
        response = flow.exchange(oidc_provider, code, verifier)
        assert response.status_code == 400
        assert response.json()["error"] in ("invalid_grant", "invalid_request")


def test_a_redirect_uri_off_loopback_or_on_another_path_is_refused(oidc_provider):
    for uri in ("https://evil.example/auth/callback", "http://127.0.0.1:8765/elsewhere"):
        page = flow.authorize(oidc_provider, redirect_uri=uri).login_page
        assert page.status_code == 400
        assert "redirect_uri" in page.text
        assert '<html lang="ar" dir="rtl">' in page.text


def test_signing_out_ends_the_session_at_the_provider(oidc_provider):
    authorization = flow.authorize(oidc_provider)
    code = flow.code_from(flow.log_in(authorization, "officer.mjd", oidc_provider.password), authorization.state)
    id_token = flow.exchange(oidc_provider, code, authorization.verifier).json()["id_token"]
    browser = authorization.browser
    # Still signed in: a new authorization needs no login.
    assert flow.authorize_silently(browser, oidc_provider).get("code")

    page = browser.get(
        "/session/end",
        params={"id_token_hint": id_token, "post_logout_redirect_uri": "http://127.0.0.1:8765/", "state": "bye"},
    )
    assert page.status_code == 200 and "requestSubmit" in page.text
    form = re.search(r'<form id="op.logoutForm" method="post" action="([^"]+)">(.*?)</form>', page.text, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(2)))
    done = browser.post(urljoin(str(page.url), unescape(form.group(1))), data={**fields, "logout": "yes"})
    while done.is_redirect and "/session/end" in done.headers["location"]:
        done = browser.get(urljoin(str(done.url), done.headers["location"]))
    assert done.headers["location"] == "http://127.0.0.1:8765/?state=bye"

    assert flow.authorize_silently(browser, oidc_provider) == {"error": "login_required"}
