"""What every service's HTTP API shares: one JSON error shape, bearer authentication,
and the /healthz, /readyz and /metrics endpoints."""

from typing import Annotated

import structlog
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from sharik.auth.principal import Principal
from sharik.errors import DomainError, Unauthenticated

log = structlog.get_logger(__name__)


def error_body(code: str, message: str, details: list | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or []}}


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, validation errors and HTTP errors to the one error shape."""

    @app.exception_handler(DomainError)
    async def _domain(_request: Request, error: DomainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        return JSONResponse(
            error_body(error.code, error.message, error.details), status_code=error.status, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        details = [
            {"field": ".".join(str(part) for part in item["loc"][1:]) or str(item["loc"][0]), "message": item["msg"]}
            for item in error.errors()
        ]
        fields = ", ".join(d["field"] for d in details)
        return JSONResponse(
            error_body("invalid_request", f"invalid fields: {fields}", details), status_code=422
        )

    @app.exception_handler(HTTPException)
    async def _http(_request: Request, error: HTTPException) -> JSONResponse:
        return JSONResponse(
            error_body(f"http_{error.status_code}", str(error.detail)), status_code=error.status_code
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", error=repr(error))
        return JSONResponse(error_body("internal", "internal error"), status_code=500)


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
            return JSONResponse(error_body("not_ready", "; ".join(problems)), status_code=503)
        return JSONResponse({"status": "ready"})

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> PlainTextResponse:
        runtime = request.app.state.runtime
        await runtime.metrics.refresh_consumer_lag(runtime.broker)
        return PlainTextResponse(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)
