"""Rendering a page in the user's language, who the user is, and the pages for failures."""

import secrets
import time
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from portal import i18n

TEMPLATES = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
)
_language: ContextVar[str] = ContextVar("language", default=i18n.DEFAULT_LANGUAGE)


def _gettext(message: str) -> str:
    return i18n.translations(_language.get()).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.translations(_language.get()).ngettext(singular, plural, n)


def _pgettext(context: str, message: str) -> str:
    return i18n.translations(_language.get()).pgettext(context, message)


def _npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return i18n.translations(_language.get()).npgettext(context, singular, plural, n)


# Contexts (pgettext) where Arabic needs them: a ballot is "مغلق", a complaint "مغلقة".
TEMPLATES.env.install_gettext_callables(_gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext)
TEMPLATES.env.globals["localized"] = lambda text: i18n.localized(text, _language.get())


def gettext(message: str, **values: Any) -> str:
    """Translate a message in Python code (form errors) into the current request's language."""
    text = _gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
    """The plural form for `n` in the current request's language (Arabic has six)."""
    return _ngettext(singular, plural, n) % {"num": n, **values}


@dataclass(frozen=True)
class User:
    """The signed-in person, as the OpenID provider's id token describes them."""

    subject: str
    name: str
    roles: frozenset[str]
    agency: str | None
    governorate: str | None
    wilayat: str | None
    token: str

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_staff(self) -> bool:
        return self.has("officer", "agency_admin", "operator", "auditor")


class SignInNeeded(Exception):
    """The page needs a signed-in user (or a fresh token)."""


def language_of(request: Request) -> str:
    return i18n.chosen(request.cookies.get(i18n.COOKIE))


def use_language_of(request: Request) -> None:
    """Messages made while handling `request` (form errors too) are in its user's language."""
    _language.set(language_of(request))


def current_user(request: Request) -> User | None:
    signed_in = request.session.get("user")
    token = request.session.get("access_token")
    if not signed_in or not token or request.session.get("expires_at", 0) < time.time():
        return None
    return User(
        subject=signed_in["sub"],
        name=signed_in.get(f"name#{language_of(request)}") or signed_in.get("name") or "",
        roles=frozenset(signed_in.get("roles") or ()),
        agency=signed_in.get("agency"),
        governorate=signed_in.get("governorate"),
        wilayat=signed_in.get("wilayat"),
        token=token,
    )


def signed_in_user(request: Request) -> User:
    user = current_user(request)
    if user is None:
        raise SignInNeeded
    return user


MaybeUser = Annotated[User | None, Depends(current_user)]
SignedIn = Annotated[User, Depends(signed_in_user)]


def csrf_token(request: Request) -> str:
    """The session's anti-forgery token, made on first use; every form carries it."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """Render `template` in the user's language."""
    language = language_of(request)
    _language.set(language)
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "lang": language,
            "dir": i18n.direction(language),
            "other_lang": "en" if language == "ar" else "ar",
            "fmt": i18n.Formats(language),
            "user": current_user(request),
            "csrf_token": csrf_token(request),
            "errors": {},
            "values": {},
            **context,
        },
        status_code=status,
    )


def redirect(url: str) -> RedirectResponse:
    """After a successful POST: see the result with a GET (303)."""
    return RedirectResponse(url, status_code=303)


def sign_in_redirect(request: Request) -> RedirectResponse:
    """To the provider and back: to this page, or for a form, to the page that sent it."""
    back = request.url.path
    if request.method != "GET":
        referer = urlsplit(request.headers.get("referer", ""))
        back = referer.path if referer.netloc == request.url.netloc and referer.path else "/"
    return RedirectResponse("/signin?next=" + quote(back), status_code=303)


def safe_next(target: str | None) -> str:
    """Only a path of this portal, never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
