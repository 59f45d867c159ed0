"""What every service's HTTP API shares: one JSON error shape in the caller's language,
bearer authentication, and the /healthz, /readyz and /metrics endpoints."""

from typing import Annotated

import structlog
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.routing import iter_route_contexts
from starlette.concurrency import run_in_threadpool
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from sharik.auth.principal import Principal
from sharik.errors import DomainError, Unauthenticated
from sharik.messages import BY_STATUS, language, message_for

log = structlog.get_logger(__name__)


def error_body(code: str, message: str, details: list | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or []}}


def error_response(
    accept_language: str | None,
    status: int,
    code: str,
    message: str,
    details: list | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The one error shape, its message in the caller's language (the code stays)."""
    lang = language(accept_language)
    return JSONResponse(
        error_body(code, message_for(code, status, message, lang), details),
        status_code=status,
        headers={**(headers or {}), "Content-Language": lang},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, validation errors and HTTP errors (unknown routes, methods a
    path does not have) to the one error shape."""

    def respond(request: Request, status: int, code: str, message: str, details=None, headers=None):
        return error_response(request.headers.get("accept-language"), status, code, message, details, headers)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> JSONResponse:
        headers = {**error.headers, **({"WWW-Authenticate": "Bearer"} if error.status == 401 else {})}
        return respond(request, error.status, error.code, error.message, error.details, headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = error.errors()
        if any(item["type"] == "json_invalid" for item in problems):
            return respond(request, 400, "malformed_body", "the body is not JSON")
        details = [
            {"field": ".".join(str(part) for part in item["loc"][1:]) or str(item["loc"][0]), "message": item["msg"]}
            for item in problems
        ]
        fields = ", ".join(d["field"] for d in details)
        return respond(request, 422, "invalid_request", f"invalid fields: {fields}", details)

    @app.exception_handler(ValidationError)
    async def _invalid_model(request: Request, error: ValidationError) -> JSONResponse:
        # A domain model built from a request the route had accepted (its fields together
        # break a rule): the caller's input, so 422 naming the fields, not a 500.
        details = [
            {"field": ".".join(str(part) for part in item["loc"]) or error.title, "message": item["msg"]}
            for item in error.errors()
        ]
        fields = ", ".join(d["field"] for d in details)
        return respond(request, 422, "invalid_request", f"invalid fields: {fields}", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        status = error.status_code
        headers = dict(error.headers or {})
        if status == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        code = BY_STATUS.get(status, f"http_{status}")
        return respond(request, status, code, str(error.detail), headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", error=repr(error))
        return respond(request, 500, "internal", "internal error")


def allowed_methods(request: Request) -> list[str]:
    """Every method of every route on the request's path (Starlette names only the first
    route's)."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        if route.methods and route.path_regex.match(request.scope["path"]):
            methods |= route.methods
    return sorted(methods)


async def current_user(request: Request) -> Principal:
    """The verified caller; 401 when the bearer token is missing or invalid."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("a bearer token is required")
    # In a worker thread: verifying may fetch the identity provider's new keys.
    return await run_in_threadpool(request.app.state.runtime.verifier.verify, token)


async def optional_user(request: Request) -> Principal | None:
    """The verified caller, or None for an anonymous request (a bad token is still 401)."""
    if "authorization" not in request.headers:
        return None
    return await current_user(request)


CurrentUser = Annotated[Principal, Depends(current_user)]
OptionalUser = Annotated[Principal | None, Depends(optional_user)]


def install_operational_routes(app: FastAPI) -> None:
    """/healthz (the process answers), /readyz (broker and store reachable), /metrics."""

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        problems = await request.app.state.runtime.readiness_problems()
        if problems:
            return error_response(
                request.headers.get("accept-language"), 503, "not_ready", "; ".join(problems)
            )
        return JSONResponse({"status": "ready"})

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> PlainTextResponse:
        runtime = request.app.state.runtime
        await runtime.metrics.refresh_consumer_lag(runtime.broker)
        return PlainTextResponse(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)
