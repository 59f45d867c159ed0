"""A registered webhook endpoint: its owner, URL, the event types it wants, and its
signing secrets (two while one is being rotated out)."""

import base64
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from sharik.errors import Conflict, Forbidden, Invalid

EndpointState = Literal["active", "disabled"]
PLATFORM = "platform"
"""The owner of the platform operator's endpoints, which receive public topics only."""


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@dataclass(frozen=True)
class Secret:
    value: str
    created_at: datetime
    expires_at: datetime | None = None
    """Set on the old secret when a new one replaces it."""


@dataclass(frozen=True)
class Endpoint:
    endpoint_id: str
    owner: str
    """An agency, or PLATFORM."""
    url: str
    event_types: tuple[str, ...]
    secrets: tuple[Secret, ...]
    created_at: datetime
    state: EndpointState = "active"
    disabled_reason: str | None = None
    version: int = 0

    @classmethod
    def register(
        cls, *, endpoint_id: str, owner: str, url: str, event_types: tuple[str, ...], allowed: frozenset[str],
        now: datetime,
    ) -> "Endpoint":
        unknown = sorted(set(event_types) - allowed)
        if unknown:
            raise Invalid(f"event types not offered to this owner: {', '.join(unknown)}", details=[{"field": "event_types"}])
        if not event_types:
            raise Invalid("choose at least one event type", details=[{"field": "event_types"}])
        return cls(
            endpoint_id=endpoint_id,
            owner=owner,
            url=url,
            event_types=tuple(sorted(set(event_types))),
            secrets=(Secret(new_secret(), created_at=now),),
            created_at=now,
        )

    def signing_secrets(self, now: datetime) -> tuple[str, ...]:
        """The secrets every delivery is signed with: the current one, and the previous
        one until its grace period ends, so receivers can switch without a gap."""
        return tuple(s.value for s in self.secrets if s.expires_at is None or s.expires_at > now)

    def rotated(self, *, now: datetime, grace: timedelta) -> "Endpoint":
        current = self.secrets[0]
        return replace(
            self, secrets=(Secret(new_secret(), created_at=now), replace(current, expires_at=now + grace))
        )

    def disabled(self, reason: str) -> "Endpoint":
        return replace(self, state="disabled", disabled_reason=reason)

    def enabled(self) -> "Endpoint":
        if self.state == "active":
            raise Conflict("the endpoint is active")
        return replace(self, state="active", disabled_reason=None)

    def require_owner(self, owner: str) -> None:
        if owner != self.owner:
            raise Forbidden("an endpoint is managed by its owner only")
