"""Signing in at the OpenID provider: authorization code with PKCE (S256), and signing out there too."""

import secrets
import time
from urllib.parse import urlencode

import structlog
from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from portal.config import PortalSettings
from portal.web import redirect, render, safe_next

log = structlog.get_logger(__name__)
router = APIRouter()

# The id token's claims the pages need; nothing else about the person is kept.
KEPT_CLAIMS = ("sub", "name", "roles", "agency", "governorate", "wilayat")


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


@router.get("/signin")
async def sign_in(request: Request, next: str = "/") -> RedirectResponse:
    """Send the browser to the provider; it comes back to /signin/callback."""
    request.session["next"] = safe_next(next)
    return await _client(request).authorize_redirect(request, str(request.url_for("signed_in")))


@router.get("/signin/callback", name="signed_in")
async def signed_in(request: Request):
    try:
        token = await _client(request).authorize_access_token(request)
    except OAuthError as error:
        log.info("sign-in refused", error=error.error)
        return render(request, "error.html", status=400, title_key="signin_failed")
    claims = token.get("userinfo") or {}
    next_page = request.session.get("next", "/")
    language = request.session.get("lang")
    # A new session on sign-in, so nothing planted before it (a fixed session) survives.
    request.session.clear()
    if language:
        request.session["lang"] = language
    request.session["user"] = {k: claims[k] for k in KEPT_CLAIMS if k in claims}
    request.session["access_token"] = token["access_token"]
    request.session["expires_at"] = int(token.get("expires_at") or time.time() + 300)
    request.session["csrf"] = secrets.token_urlsafe(32)
    return redirect(safe_next(next_page))


@router.post("/signout")
async def sign_out(request: Request) -> RedirectResponse:
    """End the portal's session, then the provider's."""
    request.session.clear()
    metadata = await _client(request).load_server_metadata()
    end_session = metadata.get("end_session_endpoint")
    home = str(request.url_for("home"))
    if not end_session:
        return redirect("/")
    query = urlencode({"client_id": request.app.state.settings.oidc_client_id, "post_logout_redirect_uri": home})
    return redirect(f"{end_session}?{query}")
