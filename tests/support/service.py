"""Run one service's ASGI app in-process, with its real lifespan (topics, broker,
store, relay), and talk to it over HTTP through httpx."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from asgi_lifespan import LifespanManager
from ulid import ULID

from sharik.auth import mint_token


def unique_database(service: str) -> str:
    """A fresh database per test run: random ids instead of teardown."""
    return f"test_{service}_{str(ULID()).lower()}"


@asynccontextmanager
async def running(app) -> AsyncIterator[httpx.AsyncClient]:
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client


class Tokens:
    """Bearer headers for test callers, signed with the dev key."""

    def __init__(self, private_pem: str) -> None:
        self._key = private_pem

    def officer(self, agency: str, subject: str | None = None, role: str = "officer") -> dict[str, str]:
        return self._bearer(subject or f"officer-{ULID()}", [role], agency=agency)

    def citizen(self, subject: str | None = None, **claims: str) -> dict[str, str]:
        return self._bearer(subject or f"citizen-{ULID()}", ["citizen"], **claims)

    def of(self, roles: list[str], subject: str | None = None, **claims: str) -> dict[str, str]:
        return self._bearer(subject or f"user-{ULID()}", roles, **claims)

    def _bearer(self, subject: str, roles: list[str], **claims: str) -> dict[str, str]:
        return {"authorization": f"Bearer {mint_token(self._key, subject=subject, roles=roles, **claims)}"}
