"""Signing in at the OpenID provider: authorization code with PKCE (S256), and signing out there too."""

import secrets
import time
from urllib.parse import urlencode

import jwt
import structlog
from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from portal.config import PortalSettings
from portal.web import language_of, redirect, render, safe_next

log = structlog.get_logger(__name__)
router = APIRouter()

# What the pages need about the person; nothing else is kept in the session.
ACCESS_CLAIMS = ("sub", "roles", "agency", "governorate", "wilayat")
ID_CLAIMS = ("name", "name#ar", "name#en")


def provider(settings: PortalSettings) -> OAuth:
    oauth = OAuth()
    oauth.register(
        "provider",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value() or None,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": settings.oidc_scope, "code_challenge_method": "S256"},
    )
    return oauth


def _client(request: Request):
    return request.app.state.oauth.provider


def access_claims(access_token: str) -> dict:
    """Roles, agency and place as the access token states them.

    The token came straight from the provider's token endpoint, over a channel the
    portal authenticated with its client secret, so it is not verified again here; the
    portal uses these claims only to choose which links to show. Every service verifies
    the token's signature itself and decides what the caller may see and do."""
    try:
        claims = jwt.decode(access_token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return {}
    return {name: claims[name] for name in ACCESS_CLAIMS if name in claims}


@router.get("/signin")
async def sign_in(request: Request, next: str = "/") -> RedirectResponse:
    """Send the browser to the provider, in the user's language; it comes back to /auth/callback."""
    request.session["next"] = safe_next(next)
    callback = str(request.url_for("signed_in"))
    return await _client(request).authorize_redirect(request, callback, ui_locales=language_of(request))


@router.get("/auth/callback", name="signed_in")
async def signed_in(request: Request):
    try:
        token = await _client(request).authorize_access_token(request)
    except OAuthError as error:
        log.info("sign-in refused", error=error.error)
        return render(request, "error.html", status=400, title_key="signin_failed")
    identity = token.get("userinfo") or {}
    next_page = request.session.get("next", "/")
    # A new session on sign-in, so nothing planted before it (a fixed session) survives.
    request.session.clear()
    request.session["user"] = access_claims(token["access_token"]) | {
        name: identity[name] for name in ID_CLAIMS if name in identity
    }
    request.session["access_token"] = token["access_token"]
    request.session["id_token"] = token.get("id_token")
    request.session["expires_at"] = int(token.get("expires_at") or time.time() + 300)
    request.session["csrf"] = secrets.token_urlsafe(32)
    return redirect(safe_next(next_page))


@router.post("/signout")
async def sign_out(request: Request) -> RedirectResponse:
    """End the portal's session, then the provider's (RP-initiated logout)."""
    id_token = request.session.get("id_token")
    request.session.clear()
    metadata = await _client(request).load_server_metadata()
    end_session = metadata.get("end_session_endpoint")
    if not end_session:
        return redirect("/")
    query = {
        "client_id": request.app.state.settings.oidc_client_id,
        "post_logout_redirect_uri": str(request.url_for("signed_out")),
        "ui_locales": language_of(request),
    }
    if id_token:
        query["id_token_hint"] = id_token
    return redirect(f"{end_session}?{urlencode(query)}")


@router.get("/auth/signed-out", name="signed_out")
async def signed_out() -> RedirectResponse:
    return redirect("/")
