"""The guard every request passes before a route parses it: a size limit per route
(413), JSON that parses (400), and no control characters in any text the caller sends
— JSON strings and keys, query and path values (422 naming the field).

One ASGI middleware, so every service and every route gets the same rules without a
validator on each model; upload routes (CSV, .pb) only get a larger limit and check
their own lines."""

import json
import re
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl, unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sharik.http import error_response

# C0 controls except tab, line feed and carriage return, DEL, and C1 controls: nothing a
# person types, and a NUL or an escape sequence in a name breaks whoever reads it next.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class RequestBodyGuard:
    """`limit_for(method, path)` gives a route's body limit in bytes; JSON bodies are
    parsed once here to refuse what no model should see, then passed on unchanged."""

    def __init__(self, app: ASGIApp, *, limit_for: Callable[[str, str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if problem := _control_in_url(scope):
            return await _refuse(scope, send, 422, *problem)
        if scope["method"] not in BODY_METHODS:
            return await self.app(scope, receive, send)
        limit = self.limit_for(scope["method"], scope["path"])
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return await _refuse(scope, send, 413, *_too_large(limit))
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                return await _refuse(scope, send, 413, *_too_large(limit))
        if body and _is_json(headers.get("content-type", "")):
            try:
                document = json.loads(body)
            except (ValueError, UnicodeDecodeError) as error:
                return await _refuse(scope, send, 400, "malformed_body", f"the body is not JSON: {error}", [])
            if field := next(_control_fields(document, ""), None):
                return await _refuse(scope, send, 422, *_control(field))
        await self.app(scope, _replay(bytes(body), receive), send)


def _is_json(content_type: str) -> bool:
    # FastAPI reads a body without a content type as JSON too.
    media = content_type.split(";")[0].strip().lower()
    return media in ("", "application/json") or media.endswith("+json")


def _control_fields(value, path: str) -> Iterator[str]:
    if isinstance(value, str):
        if CONTROL.search(value):
            yield path or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if CONTROL.search(key):
                yield here
            yield from _control_fields(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _control_fields(item, f"{path}.{index}" if path else str(index))


def _control_in_url(scope: Scope) -> tuple[str, str, list] | None:
    if CONTROL.search(unquote(scope["path"])):
        return _control("path")
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if CONTROL.search(name) or CONTROL.search(value):
            return _control(name)
    return None


def _control(field: str) -> tuple[str, str, list]:
    message = f"{field} contains a control character"
    return "control_character", message, [{"field": field, "message": message}]


def _too_large(limit: int) -> tuple[str, str, list]:
    return "body_too_large", f"the request body is larger than this route's limit of {limit} bytes", [
        {"limit_bytes": limit}
    ]


async def _refuse(scope: Scope, send: Send, status: int, code: str, message: str, details: list) -> None:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    response = error_response(headers.get("accept-language"), status, code, message, details)
    await response(scope, _no_receive, send)


async def _no_receive() -> Message:
    # A JSON error response never reads the request.
    return {"type": "http.disconnect"}


def _replay(body: bytes, receive: Receive) -> Receive:
    # The body once, then the client's own messages: a streaming response waits on them
    # to learn of a disconnect.
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed
