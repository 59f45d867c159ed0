"""The category catalogue and the rule that routes a submission by its category."""

from dataclasses import dataclass
from datetime import datetime

from feedback.domain.text import Text


@dataclass(frozen=True)
class Category:
    """One agency's category: the unit that handles it and the governorates it covers."""

    agency: str
    category: str
    name: Text
    unit: str
    areas: tuple[str, ...] = ()
    """Governorates covered; empty means all of Oman."""
    confidential: bool = False
    registered_at: datetime | None = None

    def covers(self, governorate: str | None) -> bool:
        # An area-limited category cannot take a case that names no governorate.
        return not self.areas or governorate in self.areas


def route_by_category(
    candidates: list[Category],
    *,
    agency: str | None,
    governorate: str | None,
    excluding: tuple[str, ...] = (),
) -> Category | None:
    """The one catalogue entry that takes the case, or None when it goes to triage:
    none matches, or (no agency named) several agencies' entries do. An entry limited
    to the case's governorate is more specific than a nationwide one and wins over it."""
    matching = [
        c
        for c in candidates
        if (agency is None or c.agency == agency) and c.agency not in excluding and c.covers(governorate)
    ]
    local = [c for c in matching if c.areas]
    chosen = local or matching
    return chosen[0] if len(chosen) == 1 else None
