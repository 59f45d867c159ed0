"""Use cases: citizens manage their subscriptions; events become deliveries; operators
look after deliveries that failed."""

import hashlib
import hmac
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ulid import ULID

from notifier.domain.delivery import Cause, Delivery
from notifier.domain.messages import (
    AlertNotice,
    CampaignNotice,
    ComplaintNotice,
    EscalationNotice,
    Notice,
    OptionTally,
    ResultNotice,
    Text,
    VerificationNotice,
    render,
)
from notifier.domain.subscription import ESCALATIONS, Subscription
from notifier.store import DeliveryStore, ReporterStore, SubscriptionStore
from sharik.auth import Principal
from sharik.errors import Forbidden, NotFound
from sharik.events import Envelope, LocalizedText
from sharik.events.consultation import CampaignLaunched
from sharik.events.feedback import ComplaintEscalated, ComplaintFiled, ComplaintStatusChanged
from sharik.events.voting import ResultPublished
from sharik.pseudonym import pseudonym

VERIFICATION = "om.sharik.notifier.verification"
"""The cause of the message that asks to confirm an address; the only one sent to an
unconfirmed address, and not held back by quiet hours (the person just asked for it)."""

BATCH = 500


@dataclass(frozen=True)
class Subscribe:
    channel: str
    address: str
    language: str
    topics: tuple[str, ...]
    agency: str | None
    quiet_hours: bool = True
    wilayat: str | None = None


def link_token(key: str, purpose: str, subscription: Subscription) -> str:
    """The secret in a confirmation or unsubscribe link: bound to the subscription and
    (for confirmation) its address, so nothing needs storing and nothing is guessable."""
    message = f"{purpose}:{subscription.subscription_id}:{subscription.address}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()[:32]


class SubscriptionHandlers:
    def __init__(
        self,
        store: SubscriptionStore,
        deliveries: DeliveryStore,
        *,
        pseudonym_key: str,
        public_url: str,
        on_due: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._deliveries = deliveries
        self._key = pseudonym_key
        self._public_url = public_url.rstrip("/")
        self._on_due = on_due

    async def subscribe(self, command: Subscribe, *, by: Principal) -> tuple[Subscription, bool]:
        """A citizen subscribes an address; subscribing it again updates the subscription.
        Returns the subscription and whether it is new."""
        by.require("citizen")
        subscription = Subscription.create(
            subscription_id=str(ULID()),
            owner=self._owner(by),
            channel=command.channel,
            address=command.address,
            language=command.language,
            topics=command.topics,
            agency=command.agency,
            now=datetime.now(UTC),
            quiet_hours=command.quiet_hours,
            wilayat=command.wilayat,
        )
        return await self._put(subscription)

    async def follow(
        self, complaint_id: str, *, channel: str, address: str, language: str, quiet_hours: bool, by: Principal | None
    ) -> tuple[Subscription, bool]:
        """A complaint's filer asks to be told of its progress: signed in, or anonymous.
        The feedback service never sees the address; the notifier keeps it here."""
        if by is not None and not by.has("citizen"):
            raise Forbidden("complaints are followed by the citizens who filed them")
        subscription = Subscription.following(
            subscription_id=str(ULID()),
            complaint_id=complaint_id,
            follower=self._owner(by) if by else None,
            channel=channel,
            address=address,
            language=language,
            quiet_hours=quiet_hours,
            now=datetime.now(UTC),
        )
        return await self._put(subscription)

    async def _put(self, subscription: Subscription) -> tuple[Subscription, bool]:
        """Store it; an unconfirmed address gets the confirmation link, and nothing else
        until it is followed."""
        stored, created = await self._store.put(subscription)
        if stored.verified_at is None:
            await self._ask_to_confirm(stored)
        return stored, created

    async def _ask_to_confirm(self, subscription: Subscription) -> None:
        token = link_token(self._key, "confirm", subscription)
        link = f"{self._public_url}/subscriptions/{subscription.subscription_id}/confirm?token={token}"
        now = datetime.now(UTC)
        cause = Cause(
            event_type=VERIFICATION,
            event_id=f"confirm-{int(subscription.updated_at.timestamp() * 1000)}",
            subject=subscription.subscription_id,
        )
        delivery = Delivery.due(
            cause=cause,
            subscription_id=subscription.subscription_id,
            channel=subscription.channel,
            agency="platform",
            message=render(VerificationNotice(link=link), subscription.language),
            now=now,
        )
        if await self._deliveries.add_new([delivery]):
            self._on_due()

    async def confirm(self, subscription_id: str, token: str) -> None:
        subscription = await self._by_token(subscription_id, token, "confirm")
        await self._store.confirm(subscription.subscription_id, now=datetime.now(UTC))

    async def unsubscribe_by_link(self, subscription_id: str, token: str) -> None:
        """One click in a message: the subscription and its address are deleted."""
        subscription = await self._by_token(subscription_id, token, "unsubscribe")
        await self._store.delete(subscription.subscription_id)

    def unsubscribe_url(self, subscription: Subscription) -> str:
        token = link_token(self._key, "unsubscribe", subscription)
        return f"{self._public_url}/subscriptions/{subscription.subscription_id}/unsubscribe?token={token}"

    async def _by_token(self, subscription_id: str, token: str, purpose: str) -> Subscription:
        subscription = await self._store.get(subscription_id)
        if subscription is None or not hmac.compare_digest(token, link_token(self._key, purpose, subscription)):
            raise NotFound("this link is not valid (any more)")
        return subscription

    async def mine(self, *, by: Principal) -> list[Subscription]:
        return await self._store.of_owner(self._owner(by))

    async def unsubscribe(self, subscription_id: str, *, by: Principal) -> None:
        """Delete the caller's own subscription, address included; another's is not found."""
        if not await self._store.remove(subscription_id, owner=self._owner(by)):
            raise NotFound(f"no subscription {subscription_id}")

    def _owner(self, by: Principal) -> str:
        return pseudonym(self._key, by.subject)


class DeliveryHandlers:
    def __init__(
        self,
        subscriptions: SubscriptionStore,
        deliveries: DeliveryStore,
        reporters: ReporterStore,
        *,
        on_due: Callable[[], None] = lambda: None,
    ) -> None:
        self._subscriptions = subscriptions
        self._deliveries = deliveries
        self._reporters = reporters
        self._on_due = on_due

    async def campaign_launched(self, envelope: Envelope) -> None:
        """Tell the subscribers to campaigns of this agency."""
        event: CampaignLaunched = envelope.event  # type: ignore[assignment]
        notice = CampaignNotice(
            kind=event.kind,
            title=_text(event.title),
            summary=_text(event.summary),
            opens_at=event.opens_at,
            closes_at=event.closes_at,
        )
        subscribers = self._subscriptions.matching(topic="campaigns", agency=event.agency, subscribed_by=envelope.time)
        await self._fan_out(envelope, subscribers, agency=event.agency, notice=notice)

    async def result_published(self, envelope: Envelope) -> None:
        """Tell the subscribers to results of this agency."""
        event: ResultPublished = envelope.event  # type: ignore[assignment]
        notice = ResultNotice(
            question=_text(event.question),
            counts=tuple(
                OptionTally(option_id=c.option_id, label=_text(c.label), votes=c.votes, percent=c.percent)
                for c in event.counts
            ),
            total_votes=event.total_votes,
            outcome=event.outcome,
            winners=event.winners,
            rule=event.rule,
        )
        subscribers = self._subscriptions.matching(topic="results", agency=event.agency, subscribed_by=envelope.time)
        await self._fan_out(envelope, subscribers, agency=event.agency, notice=notice)

    async def complaint_filed(self, envelope: Envelope) -> None:
        """Remember who filed it (a pseudonym, or None), to check who may follow it."""
        event: ComplaintFiled = envelope.event  # type: ignore[assignment]
        await self._reporters.record(event.complaint_id, reporter_id=event.reporter_id)

    async def complaint_status_changed(self, envelope: Envelope) -> None:
        """Tell the complaint's followers: a signed-in follower only if they filed it."""
        event: ComplaintStatusChanged = envelope.event  # type: ignore[assignment]
        reporter = await self._reporters.reporter_of(event.complaint_id)

        async def entitled() -> AsyncIterator[Subscription]:
            async for follower in self._subscriptions.followers(event.complaint_id):
                if reporter is None or follower.follower == reporter:
                    yield follower

        notice = ComplaintNotice(complaint_id=event.complaint_id, status=event.status)
        await self._fan_out(envelope, entitled(), agency=event.agency, notice=notice)

    async def complaint_escalated(self, envelope: Envelope) -> None:
        """Email the rung the complaint reached: its agency's unit head or admin, or the
        platform's operators (configured per agency)."""
        event: ComplaintEscalated = envelope.event  # type: ignore[assignment]
        recipients = self._subscriptions.matching(
            topic=f"{ESCALATIONS}:{event.level}", agency=event.agency, subscribed_by=envelope.time
        )
        notice = EscalationNotice(
            complaint_id=event.complaint_id, category=event.category, target=event.target, level=event.level,
            deadline=event.deadline,
        )
        await self._fan_out(envelope, recipients, agency=event.agency, notice=notice)

    async def alert_issued(self, envelope: Envelope, notice: AlertNotice, wilayats: frozenset[str]) -> None:
        """Tell the subscribers to public alerts registered in the area (by SMS or email,
        quiet hours or not)."""
        subscribers = self._subscriptions.in_wilayats(wilayats, subscribed_by=envelope.time)
        await self._fan_out(envelope, subscribers, agency=envelope.agency or "", notice=notice)

    async def _fan_out(
        self, envelope: Envelope, subscribers: AsyncIterator[Subscription], *, agency: str, notice: Notice
    ) -> None:
        # One delivery per subscriber, with an id derived from the event's id: an event
        # delivered again (or a pass cut short and redone) adds only what is missing.
        cause = Cause(
            event_type=envelope.type,
            event_id=envelope.id,
            subject=envelope.event.subject(),
            correlation_id=envelope.correlation_id or envelope.id,
        )
        messages = {language: render(notice, language) for language in ("ar", "en")}
        now = datetime.now(UTC)
        batch: list[Delivery] = []
        async for subscription in subscribers:
            batch.append(
                Delivery.due(
                    cause=cause,
                    subscription_id=subscription.subscription_id,
                    channel=subscription.channel,
                    agency=agency,
                    message=messages[subscription.language],
                    now=now,
                )
            )
            if len(batch) == BATCH:
                await self._add(batch)
                batch = []
        await self._add(batch)

    async def _add(self, batch: list[Delivery]) -> None:
        if await self._deliveries.add_new(batch):
            self._on_due()

    async def list(self, *, state: str | None, limit: int, by: Principal) -> list[Delivery]:
        """Deliveries, newest first, for an operator."""
        by.require("operator")
        return await self._deliveries.list(state=state, limit=limit)

    async def retry(self, delivery_id: str, *, by: Principal) -> Delivery:
        """An operator sends a failed delivery again."""
        by.require("operator")
        delivery = await self._deliveries.get(delivery_id)
        saved = await self._deliveries.save(delivery.retried(now=datetime.now(UTC)), [])
        self._on_due()
        return saved


def _text(text: LocalizedText) -> Text:
    return Text(ar=text.ar, en=text.en)
