"""One read-model change: an upsert of one document, optionally guarded."""

from dataclasses import dataclass, field
from typing import Any

CAMPAIGNS = "campaigns"
BALLOTS = "ballots"
COMPLAINTS = "complaints"
DELIVERIES = "deliveries"
SERVICE_RATINGS = "service_ratings"
SERVICE_EVALUATIONS = "service_evaluations"


@dataclass(frozen=True)
class Change:
    """Upsert document `key` of `collection` with `update`, only where `guard` holds.

    When the guard fails on an existing document the change is stale and does nothing."""

    collection: str
    key: str
    update: dict[str, Any]
    guard: dict[str, Any] = field(default_factory=dict)
