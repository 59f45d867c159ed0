"""The operators' cell broadcast centres: an alert is POSTed to each as a CAP document,
and the centre answers with a CAP message of type Ack (taken) or Error."""

from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from pydantic import BaseModel, HttpUrl

from notifier.alerts.broadcast import Endpoint, Step
from notifier.alerts.cap import acknowledgement

CAP_MEDIA_TYPE = "application/cap+xml"


class CentreEndpoints(BaseModel):
    """One operator's centre, as configured (NOTIFIER_CELL_BROADCAST_CENTRES)."""

    primary: HttpUrl
    secondary: HttpUrl


@dataclass(frozen=True)
class HandOff:
    acknowledged: bool
    steps: tuple[Step, ...]


class CellBroadcastCentres:
    def __init__(self, centres: dict[str, CentreEndpoints], *, timeout_seconds: float) -> None:
        self.centres = centres
        self._timeout = timeout_seconds
        self._client: httpx.AsyncClient | None = None

    @property
    def operators(self) -> tuple[str, ...]:
        return tuple(sorted(self.centres))

    async def start(self) -> None:
        self._client = httpx.AsyncClient(timeout=self._timeout, headers={"content-type": CAP_MEDIA_TYPE})

    async def stop(self) -> None:
        if self._client:
            await self._client.aclose()
        self._client = None

    async def hand_off(self, operator: str, document: str) -> HandOff:
        """Try the primary endpoint, then the secondary; stop at the first Ack."""
        endpoints = self.centres[operator]
        steps: list[Step] = []
        for name, url in (("primary", endpoints.primary), ("secondary", endpoints.secondary)):
            step = await self._post(name, str(url), document)
            steps.append(step)
            if step.outcome == "acknowledged":
                return HandOff(acknowledged=True, steps=tuple(steps))
        return HandOff(acknowledged=False, steps=tuple(steps))

    async def _post(self, endpoint: Endpoint, url: str, document: str) -> Step:
        assert self._client is not None, "start() first"
        try:
            response = await self._client.post(url, content=document.encode())
        except httpx.HTTPError as error:
            return _failed(endpoint, f"{type(error).__name__}: {error}"[:300])
        if response.status_code >= 300:
            return _failed(endpoint, f"HTTP {response.status_code}: {response.text[:200]}")
        try:
            msg_type, note = acknowledgement(response.content)
        except Exception as error:  # noqa: BLE001 - any unreadable answer is a failure of that endpoint
            return _failed(endpoint, f"unreadable answer: {error}"[:300])
        if msg_type != "Ack":
            return _failed(endpoint, f"{msg_type or 'no msgType'}: {note or ''}"[:300])
        return Step(at=datetime.now(UTC), endpoint=endpoint, outcome="acknowledged", detail=note)


def _failed(endpoint: Endpoint, detail: str) -> Step:
    return Step(at=datetime.now(UTC), endpoint=endpoint, outcome="failed", detail=detail)
