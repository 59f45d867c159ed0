"""POSTing one delivery: signed per Standard Webhooks with the `standardwebhooks`
library (webhook-id, webhook-timestamp, webhook-signature with one signature per live
secret), no redirects followed, within a timeout."""

from datetime import UTC, datetime

import httpx
from standardwebhooks.webhooks import Webhook

from notifier.webhooks.address import Network, check_url
from notifier.webhooks.delivery import Attempt
from sharik.errors import Invalid

CLOUDEVENTS_JSON = "application/cloudevents+json"


def signed_headers(*, message_id: str, body: str, secrets: tuple[str, ...], now: datetime) -> dict[str, str]:
    signatures = " ".join(Webhook(secret).sign(message_id, now, body) for secret in secrets)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signatures,
        "content-type": CLOUDEVENTS_JSON,
    }


class WebhookSender:
    def __init__(self, *, timeout_seconds: float, allowed: tuple[Network, ...]) -> None:
        self._timeout = timeout_seconds
        self._allowed = allowed
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        self._client = httpx.AsyncClient(timeout=self._timeout, follow_redirects=False)

    async def stop(self) -> None:
        if self._client:
            await self._client.aclose()
        self._client = None

    async def send(self, *, url: str, message_id: str, body: str, secrets: tuple[str, ...]) -> Attempt:
        assert self._client is not None, "start() first"
        now = datetime.now(UTC)
        try:
            # Again at send time: the name may resolve elsewhere than at registration.
            await check_url(url, allowed=self._allowed)
        except Invalid as refused:
            return Attempt(at=now, status_code=None, error=refused.message)
        headers = signed_headers(message_id=message_id, body=body, secrets=secrets, now=now)
        try:
            response = await self._client.post(url, content=body.encode(), headers=headers)
        except httpx.HTTPError as error:
            return Attempt(at=now, status_code=None, error=f"{type(error).__name__}: {error}"[:300])
        error = None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
        return Attempt(at=now, status_code=response.status_code, error=error)
