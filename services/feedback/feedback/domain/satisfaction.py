"""How satisfied the citizen was with the handling of their complaint: one rating,
given after the agency resolved or closed it (DOMAIN.md: satisfaction analysis)."""

from dataclasses import dataclass
from datetime import datetime

from feedback.domain.complaint import Complaint
from sharik.errors import Conflict, Forbidden, Invalid

SCORES = range(1, 6)
COMMENT_MAX_CHARS = 1000
# A rejected case is only rated once it is closed: until then the citizen may still
# hear more from the agency.
RATEABLE = frozenset({"resolved", "closed"})


@dataclass(frozen=True)
class Satisfaction:
    complaint_id: str
    agency: str
    category: str
    governorate: str | None
    reporter_id: str
    score: int
    comment: str | None
    rated_at: datetime
    version: int = 0

    @classmethod
    def rate(
        cls, complaint: Complaint, *, reporter_id: str, score: int, comment: str | None, now: datetime
    ) -> "Satisfaction":
        """The reporter rates the handling; only their own complaint, once it is resolved or closed."""
        if not complaint.is_filed_by(reporter_id):
            raise Forbidden("only the citizen who filed it may rate its handling")
        if complaint.status not in RATEABLE:
            raise Conflict(
                f"a {complaint.kind} can be rated once it is resolved or closed; it is {complaint.status}",
                details=[{"status": complaint.status}],
            )
        if score not in SCORES:
            raise Invalid("the score is from 1 to 5", details=[{"field": "score"}])
        comment = (comment or "").strip() or None
        if comment is not None and len(comment) > COMMENT_MAX_CHARS:
            raise Invalid(f"the comment is longer than {COMMENT_MAX_CHARS} characters", details=[{"field": "comment"}])
        return cls(
            complaint_id=complaint.complaint_id,
            agency=complaint.agency,
            category=complaint.category,
            governorate=complaint.governorate,
            reporter_id=reporter_id,
            score=score,
            comment=comment,
            rated_at=now,
        )
