"""A citizen's wish to be told about campaigns and results, on one channel, in one
language, optionally for one agency only. The address is personal data: it lives in
the subscription and nowhere else."""

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from notifier.alerts.places import WILAYATS
from sharik.errors import Invalid

Channel = Literal["email", "sms"]
Language = Literal["ar", "en"]
Topic = Literal["campaigns", "results", "alerts"]

CHANNELS: frozenset[str] = frozenset({"email", "sms"})
LANGUAGES: frozenset[str] = frozenset({"ar", "en"})
TOPICS: tuple[str, ...] = ("campaigns", "results", "alerts")
COMPLAINTS = "complaints"
ESCALATIONS = "escalations"
STAFF_SINCE = datetime(2000, 1, 1, tzinfo=UTC)
"""Configured recipients count as subscribed all along: an escalation replayed after a
restart still reaches them."""

# Deliberately plain: one @, no spaces or angle brackets (which would let an address
# smuggle extra headers or recipients), a dotted domain of letters, digits and hyphens.
_EMAIL = re.compile(r"^[^\s@<>(),;:\"\[\]\\]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
_MAX_EMAIL_LENGTH = 254


def normalize_address(channel: str, address: str) -> str:
    """The address as stored, or Invalid when the channel cannot deliver to it."""
    if channel not in CHANNELS:
        raise Invalid(f"unsupported channel {channel!r}", details=[{"field": "channel"}])
    if channel == "sms":
        return _omani_mobile(address)
    address = address.strip()
    if len(address) > _MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(address):
        raise Invalid("address is not a valid email address", details=[{"field": "address"}])
    local, _, domain = address.rpartition("@")
    if len(local) > 64:
        raise Invalid("address is not a valid email address", details=[{"field": "address"}])
    # The domain is case-insensitive; the local part, strictly speaking, is not.
    return f"{local}@{domain.lower()}"


_MOBILE = re.compile(r"^(?:\+|00)?(?:968)?([79]\d{7})$")


def _omani_mobile(address: str) -> str:
    """An Omani mobile number as +968 and eight digits (7 or 9 first)."""
    digits = re.sub(r"[\s\-()]", "", address)
    found = _MOBILE.fullmatch(digits)
    if not found:
        raise Invalid("address is not an Omani mobile number (+968 9XXXXXXX)", details=[{"field": "address"}])
    return f"+968{found.group(1)}"


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
    quiet_hours: bool = True
    """No message between 22:00 and 07:00 Muscat time (deferred to 07:00)."""
    verified_at: datetime | None = None
    """When the address was confirmed (the link sent to it was followed); nothing but
    that link is sent to an unconfirmed address."""
    complaint_id: str | None = None
    """A complaint's follower: told of that complaint's progress."""
    follower: str | None = None
    """Pseudonym of the signed-in citizen following the complaint; None if anonymous."""
    wilayat: str | None = None
    """Where the subscriber is: public alerts whose area covers it reach them."""

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
        quiet_hours: bool = True,
        wilayat: str | None = None,
    ) -> "Subscription":
        """A validated subscription; topics are kept once each, in catalogue order."""
        if language not in LANGUAGES:
            raise Invalid(f"unsupported language {language!r}", details=[{"field": "language"}])
        unknown = sorted(set(topics) - set(TOPICS))
        if unknown:
            raise Invalid(f"unknown topics: {', '.join(unknown)}", details=[{"field": "topics"}])
        if not topics:
            raise Invalid("choose at least one topic", details=[{"field": "topics"}])
        if "alerts" in topics and wilayat not in WILAYATS:
            raise Invalid("public alerts need the wilayat you are in", details=[{"field": "wilayat"}])
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
            quiet_hours=quiet_hours,
            wilayat=wilayat,
        )

    @classmethod
    def following(
        cls, *, subscription_id: str, complaint_id: str, follower: str | None, channel: str, address: str,
        language: str, quiet_hours: bool, now: datetime,
    ) -> "Subscription":
        """A complaint's filer (signed in, or anonymous) asking to be told of its progress."""
        if language not in LANGUAGES:
            raise Invalid(f"unsupported language {language!r}", details=[{"field": "language"}])
        return cls(
            subscription_id=subscription_id,
            # One follow per complaint, person and address.
            owner=f"complaint:{complaint_id}:{follower or 'anonymous'}",
            channel=channel,  # type: ignore[arg-type] - checked by normalize_address
            address=normalize_address(channel, address),
            language=language,  # type: ignore[arg-type]
            topics=(COMPLAINTS,),
            agency=None,
            created_at=now,
            updated_at=now,
            quiet_hours=quiet_hours,
            complaint_id=complaint_id,
            follower=follower,
        )

    @classmethod
    def staff(cls, *, agency: str | None, level: str, address: str) -> "Subscription":
        """A configured recipient of escalations at one rung (None: every agency's).
        Configured by the platform, so confirmed."""
        return cls(
            # A digest, not the address: the id travels in events.
            subscription_id="staff-" + hashlib.sha256(f"{agency}:{level}:{address}".encode()).hexdigest()[:24],
            owner=f"staff:{agency or '*'}:{level}",
            channel="email",
            address=normalize_address("email", address),
            language="ar",
            topics=(f"{ESCALATIONS}:{level}",),  # type: ignore[arg-type]
            agency=agency,
            created_at=STAFF_SINCE,
            updated_at=STAFF_SINCE,
            quiet_hours=False,
            verified_at=STAFF_SINCE,
        )
