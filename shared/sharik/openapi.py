"""The error responses of every operation in a service's OpenAPI, derived from the
route itself instead of written by hand on each: its body (400, 413, 422), its
parameters (422), its path parameters (404), its bearer token (401, 403), whether it
changes state (409), whether anonymous callers reach it (429)."""

from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from sharik.http import current_user, optional_user
from sharik.messages import CATALOGUE

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
REASONS = {
    400: "The body is not JSON",
    401: "No bearer token, or one that is not valid",
    403: "The caller's roles or agency do not allow it",
    404: "Nothing with this id (or not visible to the caller)",
    409: "It conflicts with the current state",
    413: "The body is larger than this route's limit",
    422: "A field, parameter or uploaded line is not valid",
    429: "Too many requests from this caller or for this code",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string", "examples": sorted(CATALOGUE)},
                "message": {"type": "string", "description": "In the language of Accept-Language (en, ar)"},
                "details": {"type": "array", "items": {"type": "object"}},
            },
        }
    },
}


def error_statuses(route: APIRoute, method: str, openapi_extra: dict | None = None) -> set[int]:
    """The 4xx statuses this operation can answer."""
    statuses: set[int] = set()
    calls = set(_calls(route.dependant))
    takes_body = route.body_field is not None or "requestBody" in (openapi_extra or route.openapi_extra or {})
    if takes_body:
        statuses |= {413, 422}
        if route.body_field is not None:
            statuses.add(400)
    if route.dependant.query_params or route.dependant.path_params or route.dependant.header_params:
        statuses.add(422)
    if route.dependant.path_params:
        statuses.add(404)
    if current_user in calls or optional_user in calls:
        statuses |= {401, 403}
    if method in WRITES:
        statuses.add(409)
    if current_user not in calls and (takes_body or route.dependant.path_params):
        statuses.add(429)
    return statuses


def document_errors(app: FastAPI) -> None:
    """Make `app.openapi()` list each operation's error responses in the one error shape."""

    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        reference = {"$ref": "#/components/schemas/Error"}
        for context in iter_route_contexts(app.routes):
            route = context.original_route
            if not isinstance(route, APIRoute) or not context.include_in_schema:
                continue
            for method in context.methods:
                operation = schema["paths"].get(context.path_format, {}).get(method.lower())
                if operation is None:
                    continue
                responses = operation.setdefault("responses", {})
                statuses = error_statuses(route, method, context.openapi_extra)
                documented = statuses | {int(status) for status in responses if status.startswith("4")}
                for status in sorted(documented):
                    # A route that documents an error body of its own (a standard's error
                    # document) keeps it; one that only describes when an error happens
                    # keeps its words and gets the error shape; FastAPI's validation
                    # model is replaced.
                    declared = responses.get(str(status), {})
                    if "content" in declared and "HTTPValidationError" not in str(declared):
                        continue
                    own_words = "content" not in declared and declared.get("description")
                    responses[str(status)] = {
                        "description": own_words or REASONS.get(status, "Refused"),
                        "content": {"application/json": {"schema": reference}},
                    }
        # FastAPI's own validation-error models describe a shape this API never sends.
        for unused in ("HTTPValidationError", "ValidationError"):
            schema["components"]["schemas"].pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi


def _calls(dependant: Dependant) -> Iterator:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)

