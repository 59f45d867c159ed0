"""The services' public HTTP APIs, called with the signed-in user's bearer token."""

from typing import Any

import httpx
import structlog

log = structlog.get_logger(__name__)

SERVICES = ("consultation", "feedback", "voting", "notifier", "reporting")


class ServiceDown(Exception):
    """A service did not answer, or failed: the page says so instead of a stack trace."""

    def __init__(self, service: str) -> None:
        super().__init__(service)
        self.service = service


class ApiError(Exception):
    """A 4xx answer in the services' error shape."""

    def __init__(self, status: int, code: str, message: str, details: list[dict[str, Any]]) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def fields(self) -> dict[str, str]:
        """The service's message for each named field, e.g. {"description": "..."}."""
        return {d["field"]: d.get("message", "") for d in self.details if isinstance(d, dict) and d.get("field")}


class Services:
    """One pooled HTTP client for all five services."""

    def __init__(self, urls: dict[str, str], *, timeout: float, transport: httpx.AsyncBaseTransport | None = None):
        self.urls = urls
        self.client = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def close(self) -> None:
        await self.client.aclose()

    async def call(
        self,
        method: str,
        service: str,
        path: str,
        *,
        token: str | None = None,
        params: dict[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """Return the decoded JSON answer; raise ApiError on a 4xx, ServiceDown otherwise."""
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        params = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        try:
            response = await self.client.request(
                method, self.urls[service] + path, params=params, json=json, content=content, headers=sent
            )
        except httpx.HTTPError as error:
            # Only the service and the kind of failure: paths may hold tracking codes.
            log.warning("service unreachable", service=service, error=type(error).__name__)
            raise ServiceDown(service) from error
        if response.status_code >= 500:
            log.warning("service failed", service=service, status=response.status_code)
            raise ServiceDown(service)
        if response.status_code >= 400:
            raise _api_error(response)
        return response.json() if response.content else None

    async def get(self, service: str, path: str, **kwargs: Any) -> Any:
        return await self.call("GET", service, path, **kwargs)

    async def post(self, service: str, path: str, **kwargs: Any) -> Any:
        return await self.call("POST", service, path, **kwargs)


def _api_error(response: httpx.Response) -> ApiError:
    try:
        error = response.json()["error"]
        return ApiError(response.status_code, error["code"], error["message"], list(error.get("details") or []))
    except (ValueError, KeyError, TypeError):
        return ApiError(response.status_code, "error", response.reason_phrase, [])
