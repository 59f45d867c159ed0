"""A government service in the catalogue an agency keeps, so citizens can rate it and
mystery shoppers can evaluate it on each channel it is offered through."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from feedback.domain.text import Text
from sharik.errors import Invalid

Channel = Literal["web", "app", "call_centre", "service_centre"]
DEFAULT_DIMENSIONS = ("ease", "speed", "staff")
MAX_DIMENSIONS = 10
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


@dataclass(frozen=True)
class Service:
    service_code: str
    agency: str
    name: Text
    channels: tuple[Channel, ...]
    dimensions: tuple[str, ...]
    registered_at: datetime
    version: int = 0

    @classmethod
    def register(
        cls,
        *,
        service_code: str,
        agency: str,
        name: Text,
        channels: tuple[Channel, ...],
        dimensions: tuple[str, ...] = DEFAULT_DIMENSIONS,
        now: datetime,
    ) -> "Service":
        """A new catalogue entry; it needs at least one channel and one rating dimension."""
        if not _SLUG.match(service_code):
            raise Invalid("the service code is a lower-case slug", details=[{"field": "service_code"}])
        if not name.ar.strip() or not name.en.strip():
            raise Invalid("the name needs Arabic and English", details=[{"field": "name"}])
        if not channels or len(set(channels)) != len(channels):
            raise Invalid("channels must be distinct and at least one", details=[{"field": "channels"}])
        if not 0 < len(dimensions) <= MAX_DIMENSIONS or len(set(dimensions)) != len(dimensions):
            raise Invalid(
                f"dimensions must be distinct, 1 to {MAX_DIMENSIONS}", details=[{"field": "dimensions"}]
            )
        if not all(_SLUG.match(d) for d in dimensions):
            raise Invalid("each dimension is a lower-case slug", details=[{"field": "dimensions"}])
        return cls(
            service_code=service_code,
            agency=agency,
            name=name,
            channels=channels,
            dimensions=dimensions,
            registered_at=now,
        )

    def require_channel(self, channel: str) -> None:
        """Raise Invalid unless the service is offered through `channel`."""
        if channel not in self.channels:
            offered = ", ".join(self.channels)
            raise Invalid(
                f"{self.service_code} is not offered through {channel} (offered: {offered})",
                details=[{"field": "channel"}],
            )
