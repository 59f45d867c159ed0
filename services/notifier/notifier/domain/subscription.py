"""A citizen's wish to be told about campaigns and results, on one channel, in one
language, optionally for one agency only. The address is personal data: it lives in
the subscription and nowhere else."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sharik.errors import Invalid

Channel = Literal["email"]
Language = Literal["ar", "en"]
Topic = Literal["campaigns", "results"]

CHANNELS: frozenset[str] = frozenset({"email"})
LANGUAGES: frozenset[str] = frozenset({"ar", "en"})
TOPICS: tuple[str, ...] = ("campaigns", "results")

# Deliberately plain: one @, no spaces or angle brackets (which would let an address
# smuggle extra headers or recipients), a dotted domain of letters, digits and hyphens.
_EMAIL = re.compile(r"^[^\s@<>(),;:\"\[\]\\]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
_MAX_EMAIL_LENGTH = 254


def normalize_address(channel: str, address: str) -> str:
    """The address as stored, or Invalid when the channel cannot deliver to it."""
    if channel not in CHANNELS:
        raise Invalid(f"unsupported channel {channel!r}", details=[{"field": "channel"}])
    address = address.strip()
    if len(address) > _MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(address):
        raise Invalid("address is not a valid email address", details=[{"field": "address"}])
    local, _, domain = address.rpartition("@")
    if len(local) > 64:
        raise Invalid("address is not a valid email address", details=[{"field": "address"}])
    # The domain is case-insensitive; the local part, strictly speaking, is not.
    return f"{local}@{domain.lower()}"


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    owner: str
    """Pseudonym of the citizen who subscribed."""
    channel: Channel
    address: str
    language: Language
    topics: tuple[Topic, ...]
    agency: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def create(
        cls,
        *,
        subscription_id: str,
        owner: str,
        channel: str,
        address: str,
        language: str,
        topics: tuple[str, ...] | list[str],
        agency: str | None,
        now: datetime,
    ) -> "Subscription":
        """A validated subscription; topics are kept once each, in catalogue order."""
        if language not in LANGUAGES:
            raise Invalid(f"unsupported language {language!r}", details=[{"field": "language"}])
        unknown = sorted(set(topics) - set(TOPICS))
        if unknown:
            raise Invalid(f"unknown topics: {', '.join(unknown)}", details=[{"field": "topics"}])
        if not topics:
            raise Invalid("choose at least one topic", details=[{"field": "topics"}])
        return cls(
            subscription_id=subscription_id,
            owner=owner,
            channel=channel,  # type: ignore[arg-type] - checked by normalize_address
            address=normalize_address(channel, address),
            language=language,  # type: ignore[arg-type]
            topics=tuple(t for t in TOPICS if t in topics),  # type: ignore[misc]
            agency=agency or None,
            created_at=now,
            updated_at=now,
        )
