"""Complaints: current status, first acknowledgement and resolution, and the
reporter's rating of the handling, one document per complaint.

Status changes carry a per-complaint `sequence`; a change applies only over a lower
one, so repeated or stale deliveries change nothing. Any event of a complaint may
arrive first (a rebuild racing the live consumer), so each one that can create the
document seeds it with status submitted and sequence 0, which later status changes
then apply over, and the filing adds only what the others did not know. The first
times a complaint was acknowledged and resolved are kept with `$min`, outside the
sequence guard: a stale change still tells when a status was first reached. An
escalation marks the deadline (acknowledge or resolve) the complaint missed."""

from datetime import datetime
from typing import Literal, Protocol

from reporting.projections.change import COMPLAINTS, Change
from sharik.events.feedback import ComplaintFiled, ComplaintRated, ComplaintStatusChanged

# Status → the field keeping the first time a complaint reached it.
MILESTONES = {"acknowledged": "acknowledged_at", "resolved": "resolved_at"}


def complaint_filed(event: ComplaintFiled) -> list[Change]:
    """A new complaint, submitted; the reporter's pseudonymous id is not kept."""
    facts = {
        "kind": event.kind,
        "category": event.category,
        "governorate": event.governorate,
        "wilayat": event.wilayat,
        "filed_at": event.filed_at,
    }
    # Status, sequence and agency belong to the latest status change once there is one.
    return [Change(COMPLAINTS, event.complaint_id, {"$set": facts, "$setOnInsert": _seed(event.agency)})]


def complaint_status_changed(event: ComplaintStatusChanged) -> list[Change]:
    """The complaint's status, if this change is newer than the stored one; and the
    time it first reached acknowledged or resolved."""
    fields = {
        "status": event.status,
        "sequence": event.sequence,
        "agency": event.agency,
        "status_changed_at": event.changed_at,
    }
    changes = [Change(COMPLAINTS, event.complaint_id, {"$set": fields}, guard={"sequence": {"$lt": event.sequence}})]
    if event.status in MILESTONES:
        changes.append(_first(event.complaint_id, event.agency, MILESTONES[event.status], event.changed_at))
    return changes


def complaint_rated(event: ComplaintRated) -> list[Change]:
    """The reporter's score (1..5) for how the complaint was handled; given once."""
    seed = {**_seed(event.agency), "category": event.category, "governorate": event.governorate}
    update = {"$set": {"rated_score": event.score, "rated_at": event.rated_at}, "$setOnInsert": seed}
    return [Change(COMPLAINTS, event.complaint_id, update)]


class Escalation(Protocol):
    """What the projection reads of a ComplaintEscalated, which is looked up in the
    catalog rather than imported (see `reporting.projections`)."""

    complaint_id: str
    agency: str
    category: str
    target: Literal["acknowledge", "resolve"]


def complaint_escalated(event: Escalation) -> list[Change]:
    """The complaint missed its acknowledge or resolve deadline (business time); every
    rung of the ladder says the same, so repeats change nothing."""
    seed = {**_seed(event.agency), "category": event.category}
    update = {"$set": {f"{event.target}_missed": True}, "$setOnInsert": seed}
    return [Change(COMPLAINTS, event.complaint_id, update)]


def _first(complaint_id: str, agency: str, field: str, at: datetime) -> Change:
    return Change(COMPLAINTS, complaint_id, {"$min": {field: at}, "$setOnInsert": _seed(agency)})


def _seed(agency: str) -> dict[str, object]:
    return {"status": "submitted", "sequence": 0, "agency": agency}
