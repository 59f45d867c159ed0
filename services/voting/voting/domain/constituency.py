"""Constituency elections: the wilayats that elect, and the candidacies an officer of
the ballot's agency approves before the ballot opens (DOMAIN.md: elections)."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from sharik import places
from sharik.errors import Conflict, Invalid, NotFound
from sharik.places import check_place, wilayat_named

if TYPE_CHECKING:
    from voting.domain.ballot import Text

CandidacyStatus = Literal["pending", "approved", "rejected"]

MAX_CONSTITUENCIES, MAX_SEATS = 100, 20
MAX_CANDIDACIES = 500
"""Candidacies live on the ballot's document; this keeps it far below a document's size limit."""
MAX_PLACE, MAX_NAME, MAX_REASON = 100, 200, 500


class CandidacyNotFound(NotFound):
    code = "candidacy_not_found"


class CandidacyDecided(Conflict):
    code = "candidacy_decided"


class ConstituencyWithoutCandidates(Conflict):
    code = "constituency_without_candidates"


@dataclass(frozen=True)
class Constituency:
    wilayat: str
    governorate: str
    seats: int = 1


@dataclass(frozen=True)
class Candidacy:
    """A candidate standing in one wilayat; the name is public, as candidates' names are."""

    candidacy_id: str
    wilayat: str
    name: "Text"
    applied_by: str
    applied_at: datetime
    status: CandidacyStatus = "pending"
    reason: str | None = None
    """Why it was rejected; shown to the agency's staff only."""
    decided_by: str | None = None
    decided_at: datetime | None = None


def constituencies(given: Sequence[Constituency]) -> tuple[Constituency, ...]:
    """`given` with names tidied, checked: 1 to MAX_CONSTITUENCIES distinct wilayats, 1 to MAX_SEATS seats each."""
    if not 1 <= len(given) <= MAX_CONSTITUENCIES:
        raise Invalid(
            f"a constituency election has 1 to {MAX_CONSTITUENCIES} constituencies",
            details=[{"field": "constituencies"}],
        )
    tidy = tuple(replace(c, wilayat=place(c.wilayat), governorate=place(c.governorate)) for c in given)
    for c in tidy:
        if not (0 < len(c.wilayat) <= MAX_PLACE and 0 < len(c.governorate) <= MAX_PLACE):
            raise Invalid(
                f"wilayat and governorate are 1 to {MAX_PLACE} characters", details=[{"field": "constituencies"}]
            )
        check_place(c.governorate, c.wilayat, field="constituencies")
        if not 1 <= c.seats <= MAX_SEATS:
            raise Invalid(f"seats are 1 to {MAX_SEATS} per constituency", details=[{"field": "constituencies"}])
    wilayats = [wilayat_named(c.wilayat).code for c in tidy]
    if len(set(wilayats)) != len(wilayats):
        raise Invalid("each wilayat is one constituency; it is listed twice", details=[{"field": "constituencies"}])
    return tidy


def check_candidacies_for_open(races: Sequence[Constituency], candidacies: Sequence[Candidacy]) -> None:
    """Raise unless every constituency has at least one approved candidate."""
    staffed = {c.wilayat for c in candidacies if c.status == "approved"}
    if empty := [r.wilayat for r in races if r.wilayat not in staffed]:
        raise ConstituencyWithoutCandidates(
            f"cannot open: no approved candidate in {', '.join(empty)}; approve at least one in each constituency",
            details=[{"wilayat": w} for w in empty],
        )


def decide(candidacy: Candidacy, *, approve: bool, reason: str | None, by: str, now: datetime) -> Candidacy:
    """The candidacy approved, or rejected with a reason; a decision is final."""
    if candidacy.status != "pending":
        raise CandidacyDecided(f"candidacy {candidacy.candidacy_id} is already {candidacy.status}")
    reason = " ".join((reason or "").split()) or None
    if not approve and (reason is None or len(reason) > MAX_REASON):
        raise Invalid(f"give the reason for rejecting, 1 to {MAX_REASON} characters", details=[{"field": "reason"}])
    return replace(
        candidacy,
        status="approved" if approve else "rejected",
        reason=None if approve else reason,
        decided_by=by,
        decided_at=now,
    )


def place(name: str) -> str:
    """A place name with its spacing tidied."""
    return " ".join(name.split())


def same_place(a: str | None, b: str | None) -> bool:
    """Place names compared as places: the roll and tokens spell them apart (case,
    spacing, article, Arabic or English)."""
    return a is not None and b is not None and places.same_place(a, b)
