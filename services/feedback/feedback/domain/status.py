"""The lifecycle of a submission: which status may follow which, and how each reads."""

from typing import Literal

from feedback.domain.text import Text

Status = Literal[
    "submitted",
    "routed",
    "acknowledged",
    "in_progress",
    "waiting_for_citizen",
    "resolved",
    "rejected",
    "closed",
]

# The moves the agency's staff make with POST /status. Routing (submitted → routed),
# handing back (→ submitted), the citizen's answer (waiting_for_citizen → in_progress)
# and reopening (resolved/closed → in_progress) have their own commands and rules, so
# they are not here. An agency may turn a case down at any point before it is resolved.
NEXT: dict[str, frozenset[str]] = {
    "submitted": frozenset(),
    "routed": frozenset({"acknowledged", "rejected"}),
    "acknowledged": frozenset({"in_progress", "waiting_for_citizen", "rejected"}),
    "in_progress": frozenset({"resolved", "waiting_for_citizen", "rejected"}),
    "waiting_for_citizen": frozenset({"in_progress", "rejected"}),
    "resolved": frozenset({"closed"}),
    "rejected": frozenset({"closed"}),
    "closed": frozenset(),
}

LABELS: dict[str, Text] = {
    "submitted": Text(ar="مقدّمة", en="Submitted"),
    "routed": Text(ar="أحيلت إلى الجهة المختصة", en="Routed"),
    "acknowledged": Text(ar="تم الاستلام", en="Acknowledged"),
    "in_progress": Text(ar="قيد المعالجة", en="In progress"),
    "waiting_for_citizen": Text(ar="بانتظار رد المواطن", en="Waiting for your reply"),
    "resolved": Text(ar="تمت المعالجة", en="Resolved"),
    "rejected": Text(ar="مرفوضة", en="Rejected"),
    "closed": Text(ar="مغلقة", en="Closed"),
}


def may_follow(current: str, target: str) -> bool:
    return target in NEXT[current]
