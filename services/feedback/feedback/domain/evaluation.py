"""A mystery shopper's evaluation of a service on one channel, scored against a
checklist of quality standards (DOMAIN.md: service satisfaction)."""

from dataclasses import dataclass
from datetime import datetime

from feedback.domain.service import Channel, Service
from sharik.errors import Invalid

MAX_ITEMS = 200
NOTES_MAX_CHARS = 4000


@dataclass(frozen=True)
class CheckItem:
    item_id: str
    passed: bool
    weight: int = 1


@dataclass(frozen=True)
class Evaluation:
    evaluation_id: str
    service_code: str
    agency: str
    channel: Channel
    visited_at: datetime
    checklist: tuple[CheckItem, ...]
    notes: str | None
    evaluator_id: str
    """Pseudonym of the evaluator; reports name the visit, not the shopper."""
    evaluated_at: datetime
    version: int = 0

    @classmethod
    def file(
        cls,
        service: Service,
        *,
        evaluation_id: str,
        channel: Channel,
        visited_at: datetime,
        checklist: tuple[CheckItem, ...],
        notes: str | None,
        evaluator_id: str,
        now: datetime,
    ) -> "Evaluation":
        """An evaluation of a visit that already happened, on a channel the service offers."""
        service.require_channel(channel)
        if visited_at.tzinfo is None:
            raise Invalid("the visit time needs a time zone", details=[{"field": "visited_at"}])
        if visited_at > now:
            raise Invalid("the visit is in the future", details=[{"field": "visited_at"}])
        if not 0 < len(checklist) <= MAX_ITEMS:
            raise Invalid(f"the checklist has 1 to {MAX_ITEMS} items", details=[{"field": "checklist"}])
        ids = [item.item_id for item in checklist]
        if len(set(ids)) != len(ids):
            raise Invalid("each checklist item appears once", details=[{"field": "checklist"}])
        if any(item.weight < 1 for item in checklist):
            raise Invalid("weights are positive whole numbers", details=[{"field": "checklist"}])
        notes = (notes or "").strip() or None
        if notes is not None and len(notes) > NOTES_MAX_CHARS:
            raise Invalid(f"the notes are longer than {NOTES_MAX_CHARS} characters", details=[{"field": "notes"}])
        return cls(
            evaluation_id=evaluation_id,
            service_code=service.service_code,
            agency=service.agency,
            channel=channel,
            visited_at=visited_at,
            checklist=checklist,
            notes=notes,
            evaluator_id=evaluator_id,
            evaluated_at=now,
        )

    @property
    def items_passed(self) -> int:
        return sum(1 for item in self.checklist if item.passed)

    @property
    def score(self) -> float:
        """Weighted percentage of the checklist passed, to one decimal."""
        return weighted_score(self.checklist)


def weighted_score(checklist: tuple[CheckItem, ...]) -> float:
    """100 × (weight of the items passed) / (weight of all items), to one decimal."""
    total = sum(item.weight for item in checklist)
    passed = sum(item.weight for item in checklist if item.passed)
    return round(100 * passed / total, 1)
