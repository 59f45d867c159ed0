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
    retired_at: datetime | None = None
    """When the agency stopped taking new filings of it; its old cases keep it."""

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
    """The catalogue entry that takes the case, or None when it goes to triage: none
    matches, or the slug has entries of several agencies and the citizen named none.

    A slug belongs to one agency: registering another agency's slug is refused. A
    catalogue written before that rule may still hold several agencies' entries for one
    slug; then no rule chooses between them (a hand-back included), so no agency can
    capture another's cases by registering its slug."""
    if agency is None and len({c.agency for c in candidates}) > 1:
        return None
    matching = [
        c
        for c in candidates
        if (agency is None or c.agency == agency)
        and c.agency not in excluding
        and c.retired_at is None
        and c.covers(governorate)
    ]
    return matching[0] if len(matching) == 1 else None


def confidential_by_category(candidates: list[Category]) -> bool:
    """Any agency's entry marking the slug confidential makes its cases confidential:
    another agency's entry can add confidentiality, never take it away."""
    return any(c.confidential for c in candidates)
