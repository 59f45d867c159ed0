"""HTTP routes: citizens' subscriptions, and the operators' view of deliveries."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from notifier.domain.delivery import Delivery, DeliveryState
from notifier.domain.subscription import Channel, Language, Subscription, Topic
from notifier.handlers import DeliveryHandlers, Subscribe, SubscriptionHandlers
from sharik.http import CurrentUser

subscriptions = APIRouter(prefix="/subscriptions", tags=["subscriptions"])
deliveries = APIRouter(prefix="/deliveries", tags=["deliveries"])


def _subscription_handlers(request: Request) -> SubscriptionHandlers:
    return request.app.state.subscriptions


def _delivery_handlers(request: Request) -> DeliveryHandlers:
    return request.app.state.deliveries


SubscriptionsDep = Annotated[SubscriptionHandlers, Depends(_subscription_handlers)]
DeliveriesDep = Annotated[DeliveryHandlers, Depends(_delivery_handlers)]


class SubscriptionIn(BaseModel):
    channel: Channel
    address: str = Field(max_length=320)
    language: Language
    topics: list[Topic] = Field(min_length=1)
    agency: str | None = Field(default=None, min_length=1, max_length=64, description="only this agency's events")


class SubscriptionOut(BaseModel):
    subscription_id: str
    channel: Channel
    address: str
    language: Language
    topics: list[Topic]
    agency: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, s: Subscription) -> "SubscriptionOut":
        return cls(
            subscription_id=s.subscription_id,
            channel=s.channel,
            address=s.address,
            language=s.language,
            topics=list(s.topics),
            agency=s.agency,
            created_at=s.created_at,
            updated_at=s.updated_at,
        )


@subscriptions.post("", status_code=201, responses={200: {"description": "already subscribed: updated"}})
async def subscribe(
    body: SubscriptionIn, user: CurrentUser, handlers: SubscriptionsDep, response: Response
) -> SubscriptionOut:
    """Subscribe an address of the caller (a citizen) to campaigns and/or results."""
    subscription, created = await handlers.subscribe(
        Subscribe(
            channel=body.channel,
            address=body.address,
            language=body.language,
            topics=tuple(body.topics),
            agency=body.agency,
        ),
        by=user,
    )
    if not created:
        response.status_code = 200
    return SubscriptionOut.of(subscription)


@subscriptions.get("")
async def my_subscriptions(user: CurrentUser, handlers: SubscriptionsDep) -> list[SubscriptionOut]:
    """The caller's own subscriptions."""
    return [SubscriptionOut.of(s) for s in await handlers.mine(by=user)]


@subscriptions.delete("/{subscription_id}", status_code=204)
async def unsubscribe(subscription_id: str, user: CurrentUser, handlers: SubscriptionsDep) -> Response:
    """Delete one of the caller's subscriptions, address included."""
    await handlers.unsubscribe(subscription_id, by=user)
    return Response(status_code=204)


class CauseOut(BaseModel):
    event_type: str
    event_id: str
    subject: str


class DeliveryOut(BaseModel):
    """A delivery as an operator sees it: what and when, never the address."""

    delivery_id: str
    subscription_id: str
    channel: str
    agency: str
    state: DeliveryState
    attempts: int
    last_error: str | None
    cause: CauseOut
    language: Language
    subject: str
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    failed_at: datetime | None
    operator_retries: int

    @classmethod
    def of(cls, d: Delivery) -> "DeliveryOut":
        return cls(
            delivery_id=d.delivery_id,
            subscription_id=d.subscription_id,
            channel=d.channel,
            agency=d.agency,
            state=d.state,
            attempts=d.attempts,
            last_error=d.last_error,
            cause=CauseOut(event_type=d.cause.event_type, event_id=d.cause.event_id, subject=d.cause.subject),
            language=d.message.language,
            subject=d.message.subject,
            created_at=d.created_at,
            next_attempt_at=d.next_attempt_at,
            sent_at=d.sent_at,
            failed_at=d.failed_at,
            operator_retries=d.operator_retries,
        )


@deliveries.get("")
async def list_deliveries(
    user: CurrentUser,
    handlers: DeliveriesDep,
    state: DeliveryState | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryOut]:
    """Deliveries, newest first, optionally in one state (operators only)."""
    return [DeliveryOut.of(d) for d in await handlers.list(state=state, limit=limit, by=user)]


@deliveries.post("/{delivery_id}/retry")
async def retry_delivery(delivery_id: str, user: CurrentUser, handlers: DeliveriesDep) -> DeliveryOut:
    """Send a failed delivery again with a fresh set of attempts (operators only)."""
    return DeliveryOut.of(await handlers.retry(delivery_id, by=user))
