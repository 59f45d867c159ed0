"""Use cases: citizens manage their subscriptions; events become deliveries; operators
look after deliveries that failed."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ulid import ULID

from notifier.domain.delivery import Cause, Delivery
from notifier.domain.messages import CampaignNotice, Notice, OptionTally, ResultNotice, Text, render
from notifier.domain.subscription import Subscription
from notifier.store import DeliveryStore, SubscriptionStore
from sharik.auth import Principal
from sharik.errors import NotFound
from sharik.events import Envelope, LocalizedText
from sharik.events.consultation import CampaignLaunched
from sharik.events.voting import ResultPublished
from sharik.pseudonym import pseudonym

BATCH = 500


@dataclass(frozen=True)
class Subscribe:
    channel: str
    address: str
    language: str
    topics: tuple[str, ...]
    agency: str | None


class SubscriptionHandlers:
    def __init__(self, store: SubscriptionStore, *, pseudonym_key: str) -> None:
        self._store = store
        self._key = pseudonym_key

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
        )
        return await self._store.put(subscription)

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
        *,
        on_due: Callable[[], None] = lambda: None,
    ) -> None:
        self._subscriptions = subscriptions
        self._deliveries = deliveries
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
        await self._fan_out(envelope, topic="campaigns", agency=event.agency, notice=notice)

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
        await self._fan_out(envelope, topic="results", agency=event.agency, notice=notice)

    async def _fan_out(self, envelope: Envelope, *, topic: str, agency: str, notice: Notice) -> None:
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
        async for subscription in self._subscriptions.matching(topic=topic, agency=agency, subscribed_by=envelope.time):
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
