"""HTTP routes: citizens' subscriptions, and the operators' view of deliveries."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from notifier.domain.delivery import Delivery, DeliveryState, ReceiptState
from notifier.domain.subscription import Channel, Language, Subscription, Topic
from notifier.handlers import DeliveryHandlers, Subscribe, SubscriptionHandlers
from sharik.http import CurrentUser, OptionalUser

subscriptions = APIRouter(prefix="/subscriptions", tags=["subscriptions"])
complaints = APIRouter(prefix="/complaints", tags=["complaint followers"])
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
    quiet_hours: bool = Field(default=True, description="nothing between 22:00 and 07:00 Muscat time (alerts excepted)")
    wilayat: str | None = Field(default=None, max_length=64, description="where you are; needed for public alerts")


class SubscriptionOut(BaseModel):
    subscription_id: str
    channel: Channel
    address: str
    language: Language
    topics: list[Topic]
    agency: str | None
    quiet_hours: bool
    wilayat: str | None
    confirmed: bool = Field(description="the link sent to the address was followed; until then nothing else is sent")
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
            quiet_hours=s.quiet_hours,
            wilayat=s.wilayat,
            confirmed=s.verified_at is not None,
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
            quiet_hours=body.quiet_hours,
            wilayat=body.wilayat,
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


@subscriptions.get("/{subscription_id}/confirm", response_class=HTMLResponse)
async def confirm(subscription_id: str, token: str, handlers: SubscriptionsDep) -> HTMLResponse:
    """The link sent to a new address: following it confirms the address."""
    await handlers.confirm(subscription_id, token)
    return _page("تم تأكيد عنوانك.", "Your address is confirmed.")


@subscriptions.get("/{subscription_id}/unsubscribe", response_class=HTMLResponse)
async def unsubscribe_page(subscription_id: str, token: str) -> HTMLResponse:
    """The unsubscribe link of a message: a button, so a mail scanner's visit changes nothing."""
    form = (
        f'<form method="post" action="/subscriptions/{subscription_id}/unsubscribe?token={token}">'
        '<button>إلغاء الاشتراك · Unsubscribe</button></form>'
    )
    return _page("هل تريد إيقاف هذه الرسائل؟", "Stop these messages?", extra=form)


@subscriptions.post("/{subscription_id}/unsubscribe", response_class=HTMLResponse)
async def unsubscribe_one_click(subscription_id: str, token: str, handlers: SubscriptionsDep) -> HTMLResponse:
    """One-click unsubscribe (RFC 8058): the subscription and its address are deleted."""
    await handlers.unsubscribe_by_link(subscription_id, token)
    return _page("تم إلغاء اشتراكك وحذف عنوانك.", "You are unsubscribed and your address is deleted.")


def _page(arabic: str, english: str, *, extra: str = "") -> HTMLResponse:
    return HTMLResponse(
        f'<!doctype html><html lang="ar" dir="rtl"><meta charset="utf-8"><title>Sharik · شارك</title>'
        f'<p>{arabic}</p><p lang="en" dir="ltr">{english}</p>{extra}</html>'
    )


class FollowIn(BaseModel):
    channel: Channel
    address: str = Field(max_length=320)
    language: Language
    quiet_hours: bool = True


class FollowOut(BaseModel):
    subscription_id: str
    complaint_id: str
    channel: Channel
    address: str
    language: Language
    quiet_hours: bool
    confirmed: bool = Field(description="false until the link sent to the address is followed")
    created_at: datetime


@complaints.post("/{complaint_id}/followers", status_code=201)
async def follow(
    complaint_id: Annotated[str, Field(max_length=64)], body: FollowIn, user: OptionalUser, handlers: SubscriptionsDep
) -> FollowOut:
    """Be told of a complaint's progress, signed in (the filer) or anonymously. The
    address is kept here only, never by the feedback service; a link confirms it first."""
    subscription, _created = await handlers.follow(
        complaint_id, channel=body.channel, address=body.address, language=body.language,
        quiet_hours=body.quiet_hours, by=user,
    )
    return FollowOut(
        subscription_id=subscription.subscription_id,
        complaint_id=complaint_id,
        channel=subscription.channel,
        address=subscription.address,
        language=subscription.language,
        quiet_hours=subscription.quiet_hours,
        confirmed=subscription.verified_at is not None,
        created_at=subscription.created_at,
    )


class CauseOut(BaseModel):
    event_type: str
    event_id: str
    subject: str


class StepOut(BaseModel):
    at: datetime
    step: str


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
    receipt: ReceiptState | None = Field(description="SMS: submitted, then delivered or failed by the receipts")
    history: list[StepOut]

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
            receipt=d.receipt,
            history=[StepOut(at=at, step=step) for at, step in d.history],
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
