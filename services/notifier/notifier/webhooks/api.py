"""HTTP routes of webhooks: endpoints (registered by agency admins for their agency, by
platform operators for public topics), secret rotation, the failure log and replay."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from notifier.webhooks.delivery import WebhookDelivery, WebhookState
from notifier.webhooks.endpoint import Endpoint, EndpointState
from notifier.webhooks.handlers import WebhookHandlers
from sharik.http import CurrentUser

webhooks = APIRouter(prefix="/webhooks", tags=["webhooks"])


def _handlers(request: Request) -> WebhookHandlers:
    return request.app.state.webhooks


WebhooksDep = Annotated[WebhookHandlers, Depends(_handlers)]


class EndpointIn(BaseModel):
    url: str = Field(max_length=2000, description="https; private and loopback addresses are refused")
    event_types: list[str] = Field(min_length=1, max_length=50, description="CloudEvents types, e.g. om.sharik.notifier.AlertIssued.v1")


class EndpointOut(BaseModel):
    endpoint_id: str
    owner: str
    url: str
    event_types: list[str]
    state: EndpointState
    disabled_reason: str | None
    created_at: datetime
    secrets: list[str] = Field(description="whsec_ secrets deliveries are signed with, newest first")

    @classmethod
    def of(cls, e: Endpoint, *, now: datetime) -> "EndpointOut":
        return cls(
            endpoint_id=e.endpoint_id, owner=e.owner, url=e.url, event_types=list(e.event_types), state=e.state,
            disabled_reason=e.disabled_reason, created_at=e.created_at, secrets=list(e.signing_secrets(now)),
        )


class AttemptOut(BaseModel):
    at: datetime
    status_code: int | None
    error: str | None


class WebhookDeliveryOut(BaseModel):
    delivery_id: str
    event_id: str
    event_type: str
    state: WebhookState
    attempts: list[AttemptOut]
    next_attempt_at: datetime
    delivered_at: datetime | None
    failed_at: datetime | None
    replays: int

    @classmethod
    def of(cls, d: WebhookDelivery) -> "WebhookDeliveryOut":
        return cls(
            delivery_id=d.delivery_id, event_id=d.event_id, event_type=d.event_type, state=d.state,
            attempts=[AttemptOut(**a.__dict__) for a in d.attempts], next_attempt_at=d.next_attempt_at,
            delivered_at=d.delivered_at, failed_at=d.failed_at, replays=d.replays,
        )


def _now() -> datetime:
    return datetime.now(UTC)


@webhooks.post("", status_code=201)
async def register(body: EndpointIn, user: CurrentUser, handlers: WebhooksDep) -> EndpointOut:
    """Register an endpoint for the caller's agency (or, for an operator, the platform)."""
    endpoint = await handlers.register(url=body.url, event_types=tuple(body.event_types), by=user)
    return EndpointOut.of(endpoint, now=_now())


@webhooks.get("")
async def my_endpoints(user: CurrentUser, handlers: WebhooksDep) -> list[EndpointOut]:
    return [EndpointOut.of(e, now=_now()) for e in await handlers.mine(by=user)]


@webhooks.get("/{endpoint_id}")
async def get_endpoint(endpoint_id: str, user: CurrentUser, handlers: WebhooksDep) -> EndpointOut:
    return EndpointOut.of(await handlers.get(endpoint_id, by=user), now=_now())


@webhooks.post("/{endpoint_id}/rotate")
async def rotate(endpoint_id: str, user: CurrentUser, handlers: WebhooksDep) -> EndpointOut:
    """A new secret; the old one keeps signing too until its grace period ends."""
    return EndpointOut.of(await handlers.rotate(endpoint_id, by=user), now=_now())


@webhooks.post("/{endpoint_id}/enable")
async def enable(endpoint_id: str, user: CurrentUser, handlers: WebhooksDep) -> EndpointOut:
    """Re-enable an endpoint disabled by a 410 Gone."""
    return EndpointOut.of(await handlers.enable(endpoint_id, by=user), now=_now())


@webhooks.delete("/{endpoint_id}", status_code=204)
async def remove(endpoint_id: str, user: CurrentUser, handlers: WebhooksDep) -> Response:
    await handlers.remove(endpoint_id, by=user)
    return Response(status_code=204)


@webhooks.get("/{endpoint_id}/deliveries")
async def deliveries(
    endpoint_id: str,
    user: CurrentUser,
    handlers: WebhooksDep,
    state: WebhookState | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[WebhookDeliveryOut]:
    """The endpoint's deliveries, newest first; `state=failed` is the failure log."""
    found = await handlers.deliveries(endpoint_id, state=state, limit=limit, by=user)
    return [WebhookDeliveryOut.of(d) for d in found]


@webhooks.post("/{endpoint_id}/deliveries/{delivery_id}/replay")
async def replay(endpoint_id: str, delivery_id: str, user: CurrentUser, handlers: WebhooksDep) -> WebhookDeliveryOut:
    """Send a delivery again, with the whole retry schedule ahead of it."""
    return WebhookDeliveryOut.of(await handlers.replay(endpoint_id, delivery_id, by=user))
