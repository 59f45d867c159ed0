"""Wiring: settings in, the portal's ASGI app out."""

import logging
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import structlog
import uvicorn
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from portal import auth
from portal.api import SERVICES, ApiError, ServiceDown, Services
from portal.config import PortalSettings
from portal.csrf import check_csrf
from portal.pages import ballots, complaints, dashboard, home, staff_ballots, staff_complaints
from portal.web import SignInNeeded, render, sign_in_redirect, use_language_of
from sharik.logging import configure_logging

log = structlog.get_logger(__name__)
STATIC = Path(__file__).parent / "static"



def security_headers(settings: PortalSettings) -> dict[str, str]:
    """Our own pages and assets only: no inline script, nothing from another origin; forms
    post here, and sign-out's redirect goes on to the provider."""
    provider = urlsplit(settings.oidc_issuer)
    return {
        "Content-Security-Policy": (
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
            f"form-action 'self' {provider.scheme}://{provider.netloc}"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }


def create_app(settings: PortalSettings | None = None, *, transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    settings = settings or PortalSettings()
    configure_logging("portal", settings.log_level)
    # httpx logs every request's URL at INFO, and service paths may hold a tracking code
    # or a receipt: those must not reach the logs.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    services = Services(
        {name: settings.service_url(name) for name in SERVICES},
        timeout=settings.service_timeout_seconds,
        transport=transport,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        await services.close()

    app = FastAPI(
        title="Sharik portal", lifespan=lifespan, dependencies=[Depends(check_csrf)], docs_url=None, redoc_url=None
    )
    app.state.settings = settings
    app.state.services = services
    app.state.oauth = auth.provider(settings)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret.get_secret_value(),
        session_cookie="sharik_session",
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.secure_cookies,
    )

    headers = security_headers(settings)

    @app.middleware("http")
    async def add_headers(request: Request, call_next):
        use_language_of(request)
        response = await call_next(request)
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "public, max-age=3600"
        else:
            response.headers["Cache-Control"] = "no-store"
        return response

    _install_error_pages(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(auth.router)
    for pages in (home, ballots, complaints, staff_complaints, staff_ballots, dashboard):
        app.include_router(pages.router)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        """Ready once the OpenID provider answers: without it nobody can sign in."""
        try:
            await app.state.oauth.provider.load_server_metadata()
        except Exception as error:  # any failure to reach the provider means not ready
            return JSONResponse({"ready": False, "provider": type(error).__name__}, status_code=503)
        return JSONResponse({"ready": True})

    return app


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(ServiceDown)
    async def service_down(request: Request, error: ServiceDown):
        return render(request, "error.html", status=503, title_key="service_down", service=error.service)

    @app.exception_handler(SignInNeeded)
    async def needs_sign_in(request: Request, error: SignInNeeded):
        return sign_in_redirect(request)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError):
        if error.status == 401:
            request.session.pop("access_token", None)
            return sign_in_redirect(request)
        key = {403: "forbidden", 404: "not_found", 429: "too_many"}.get(error.status, "refused")
        return render(request, "error.html", status=error.status, title_key=key, message=error.message)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError):
        return render(request, "error.html", status=400, title_key="bad_request")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException):
        key = {404: "not_found", 403: "forbidden", 405: "not_found"}.get(error.status_code, "bad_request")
        if error.detail == "csrf":
            key = "csrf"
        return render(request, "error.html", status=error.status_code, title_key=key)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception):
        log.exception("page failed", path_template=request.scope.get("route") and request.scope["route"].path)
        return render(request, "error.html", status=500, title_key="unexpected")



def run() -> None:
    """Console script `sharik-portal`."""
    settings = PortalSettings()
    uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, proxy_headers=True)
