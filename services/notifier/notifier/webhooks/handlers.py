"""Use cases of webhooks: owners register, rotate, re-enable and remove endpoints and
look after failed deliveries; each consumed event becomes one delivery per endpoint
that wants it."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from ulid import ULID

from notifier.webhooks.address import Network, check_url
from notifier.webhooks.delivery import WebhookDelivery
from notifier.webhooks.endpoint import PLATFORM, Endpoint
from notifier.webhooks.store import EndpointStore, WebhookDeliveryStore
from sharik.auth import Principal
from sharik.errors import NotFound
from sharik.events import CATALOG, Envelope

AGENCY_TOPICS = ("consultation.campaigns", "voting.ballots", "feedback.complaints", "feedback.services", "notifier.alerts")
"""Topics an agency's endpoints may receive, for events of that agency."""
PUBLIC_TOPICS = ("consultation.campaigns", "voting.ballots", "notifier.alerts")
"""Topics the platform operator's endpoints may receive, for every agency."""
WEBHOOK_TOPICS = AGENCY_TOPICS


def offered(topics: tuple[str, ...]) -> frozenset[str]:
    return frozenset(name for name, cls in CATALOG.items() if cls.topic in topics)


def structured(envelope: Envelope) -> str:
    """The CloudEvent in structured mode (CloudEvents JSON format)."""
    attributes = {
        key.removeprefix("ce_"): value
        for key, value in envelope.headers().items()
        if key.startswith("ce_")
    }
    return json.dumps(
        {**attributes, "datacontenttype": "application/json", "data": json.loads(envelope.body())},
        ensure_ascii=False,
        separators=(",", ":"),
    )


class WebhookHandlers:
    def __init__(
        self,
        endpoints: EndpointStore,
        deliveries: WebhookDeliveryStore,
        *,
        allowed: tuple[Network, ...],
        secret_grace: timedelta,
        on_due: Callable[[], None] = lambda: None,
    ) -> None:
        self._endpoints = endpoints
        self._deliveries = deliveries
        self._allowed = allowed
        self._grace = secret_grace
        self._on_due = on_due

    async def register(self, *, url: str, event_types: tuple[str, ...], by: Principal) -> Endpoint:
        owner = self._owner(by)
        await check_url(url, allowed=self._allowed)
        endpoint = Endpoint.register(
            endpoint_id=str(ULID()), owner=owner, url=url, event_types=event_types,
            allowed=offered(PUBLIC_TOPICS if owner == PLATFORM else AGENCY_TOPICS), now=datetime.now(UTC),
        )
        return await self._endpoints.add(endpoint)

    async def mine(self, *, by: Principal) -> list[Endpoint]:
        return await self._endpoints.of_owner(self._owner(by))

    async def get(self, endpoint_id: str, *, by: Principal) -> Endpoint:
        endpoint = await self._endpoints.get(endpoint_id)
        if endpoint.owner != self._owner(by):
            raise NotFound(f"no webhook endpoint {endpoint_id}")
        return endpoint

    async def rotate(self, endpoint_id: str, *, by: Principal) -> Endpoint:
        endpoint = await self.get(endpoint_id, by=by)
        return await self._endpoints.save(endpoint.rotated(now=datetime.now(UTC), grace=self._grace))

    async def enable(self, endpoint_id: str, *, by: Principal) -> Endpoint:
        endpoint = await self.get(endpoint_id, by=by)
        await check_url(endpoint.url, allowed=self._allowed)
        return await self._endpoints.save(endpoint.enabled())

    async def remove(self, endpoint_id: str, *, by: Principal) -> None:
        await self.get(endpoint_id, by=by)
        await self._endpoints.remove(endpoint_id)

    async def deliveries(self, endpoint_id: str, *, state: str | None, limit: int, by: Principal):
        await self.get(endpoint_id, by=by)
        return await self._deliveries.of_endpoint(endpoint_id, state=state, limit=limit)

    async def replay(self, endpoint_id: str, delivery_id: str, *, by: Principal) -> WebhookDelivery:
        await self.get(endpoint_id, by=by)
        delivery = await self._deliveries.get(delivery_id)
        if delivery.endpoint_id != endpoint_id:
            raise NotFound(f"no webhook delivery {delivery_id}")
        saved = await self._deliveries.save(delivery.replayed(now=datetime.now(UTC)), [])
        self._on_due()
        return saved

    async def event(self, envelope: Envelope) -> None:
        """One delivery per endpoint wanting this event: its agency's, and the
        platform operator's for public topics."""
        owners = [envelope.agency] if envelope.agency else []
        if envelope.event.topic in PUBLIC_TOPICS:
            owners.append(PLATFORM)
        endpoints = await self._endpoints.wanting(envelope.type, owners)
        if not endpoints:
            return
        body = structured(envelope)
        now = datetime.now(UTC)
        await self._deliveries.add_new(
            [
                WebhookDelivery(
                    # Deterministic, so an event consumed twice is delivered once; it
                    # is also the webhook-id receivers deduplicate by.
                    delivery_id=f"{envelope.id}:{e.endpoint_id}",
                    endpoint_id=e.endpoint_id,
                    owner=e.owner,
                    event_id=envelope.id,
                    event_type=envelope.type,
                    body=body,
                    correlation_id=envelope.correlation_id or envelope.id,
                    created_at=now,
                    next_attempt_at=now,
                )
                for e in endpoints
            ]
        )
        self._on_due()

    def _owner(self, by: Principal) -> str:
        """Agency admins manage their agency's endpoints; platform operators the platform's."""
        if by.has("operator"):
            return PLATFORM
        by.require("agency_admin")
        assert by.agency, "staff tokens name their agency"
        return by.agency
