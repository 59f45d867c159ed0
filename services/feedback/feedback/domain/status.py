"""The lifecycle of a submission: which status may follow which, and how each reads."""

from typing import Literal

from feedback.domain.text import Text

Status = Literal["submitted", "acknowledged", "in_progress", "resolved", "rejected", "closed"]

# An agency may turn a submission down at any point before it is resolved; closing
# ends both outcomes. Routing and escalation will add their own steps here.
NEXT: dict[str, frozenset[str]] = {
    "submitted": frozenset({"acknowledged", "rejected"}),
    "acknowledged": frozenset({"in_progress", "rejected"}),
    "in_progress": frozenset({"resolved", "rejected"}),
    "resolved": frozenset({"closed"}),
    "rejected": frozenset({"closed"}),
    "closed": frozenset(),
}

LABELS: dict[str, Text] = {
    "submitted": Text(ar="مقدّمة", en="Submitted"),
    "acknowledged": Text(ar="تم الاستلام", en="Acknowledged"),
    "in_progress": Text(ar="قيد المعالجة", en="In progress"),
    "resolved": Text(ar="تمت المعالجة", en="Resolved"),
    "rejected": Text(ar="مرفوضة", en="Rejected"),
    "closed": Text(ar="مغلقة", en="Closed"),
}


def may_follow(current: str, target: str) -> bool:
    return target in NEXT[current]
