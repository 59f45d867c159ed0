"""ETags for every public read: a route class that tags a GET's answer with the SHA-256
of its body and answers 304 to a matching If-None-Match, so the portal and harvesters
revalidate instead of downloading again."""

import hashlib
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


def not_modified(request: Request, response: Response) -> Response:
    """`response` with its ETag set, or an empty 304 when the client holds that ETag."""
    if request.method != "GET" or response.status_code != 200 or not hasattr(response, "body"):
        return response
    etag = response.headers.get("etag") or f'"{hashlib.sha256(response.body).hexdigest()}"'
    response.headers["etag"] = etag
    if etag in [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]:
        kept = {k: v for k, v in response.headers.items() if k in ("etag", "last-modified", "cache-control")}
        return Response(status_code=304, headers=kept)
    return response


class ETagRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def tagged(request: Request) -> Response:
            return not_modified(request, await handler(request))

        return tagged
