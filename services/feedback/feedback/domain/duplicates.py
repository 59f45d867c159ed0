"""Likely duplicates: open cases of the same agency and category, filed within 30 days
of each other near the same place, whose descriptions share enough words.

Deliberately simple, so an officer can predict it: "near" is the same wilayat, or within
500 m when both cases have coordinates; "similar" is the Jaccard index of the two
descriptions' word sets (after sharik_verify.text.normalize) being at least 0.4. A confidential
case is only ever compared with confidential ones, an ordinary case with ordinary ones."""

from dataclasses import dataclass
from datetime import timedelta
from math import asin, cos, radians, sin, sqrt

from feedback.domain.complaint import Complaint
from feedback.domain.status import Status
from sharik_verify.text import normalize

WINDOW = timedelta(days=30)
NEAR_METRES = 500.0
SIMILAR = 0.4
OPEN: frozenset[Status] = frozenset({"submitted", "routed", "acknowledged", "in_progress", "waiting_for_citizen"})
EARTH_RADIUS_METRES = 6_371_000.0


@dataclass(frozen=True)
class LikelyDuplicate:
    complaint: Complaint
    similarity: float
    distance_m: float | None
    """None when either case has no coordinates (it matched by wilayat)."""


def words(text: str) -> frozenset[str]:
    """The description's distinct words, normalised."""
    return frozenset(normalize(text).split())


def similarity(a: str, b: str) -> float:
    """Jaccard index of the two texts' word sets: 0 (nothing shared) to 1 (same words)."""
    first, second = words(a), words(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def distance_m(lat1: float, long1: float, lat2: float, long2: float) -> float:
    """Great-circle (haversine) distance in metres; plenty for 500 m at Oman's latitudes."""
    dlat, dlong = radians(lat2 - lat1), radians(long2 - long1)
    h = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlong / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * asin(sqrt(h))


def likely_duplicates(case: Complaint, candidates: list[Complaint]) -> list[LikelyDuplicate]:
    """The candidates that are likely duplicates of `case`, most similar first."""
    found = []
    for other in candidates:
        if not _comparable(case, other):
            continue
        distance = _distance(case, other)
        near = (case.wilayat is not None and case.wilayat == other.wilayat) or (
            distance is not None and distance <= NEAR_METRES
        )
        score = similarity(case.description, other.description)
        if near and score >= SIMILAR:
            found.append(LikelyDuplicate(complaint=other, similarity=round(score, 3), distance_m=distance))
    return sorted(found, key=lambda d: (-d.similarity, d.complaint.filed_at))


def _comparable(case: Complaint, other: Complaint) -> bool:
    return (
        other.complaint_id != case.complaint_id
        and case.agency is not None
        and other.agency == case.agency
        and other.category == case.category
        and other.confidential == case.confidential
        and other.status in OPEN
        and abs(other.filed_at - case.filed_at) <= WINDOW
    )


def _distance(case: Complaint, other: Complaint) -> float | None:
    if None in (case.latitude, case.longitude, other.latitude, other.longitude):
        return None
    return round(distance_m(case.latitude, case.longitude, other.latitude, other.longitude), 1)
