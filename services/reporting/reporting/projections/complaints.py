"""Complaints and their current status, one document per complaint.

Status changes carry a per-complaint `sequence`; a change applies only over a lower
one, so repeated or stale deliveries change nothing. A status change may arrive before
the filing (a rebuild racing the live consumer): it creates the document, and the
filing then adds only what the change did not know."""

from reporting.projections.change import COMPLAINTS, Change
from sharik.events.feedback import ComplaintFiled, ComplaintStatusChanged


def complaint_filed(event: ComplaintFiled) -> Change:
    """A new complaint, submitted; the reporter's pseudonymous id is not kept."""
    facts = {
        "kind": event.kind,
        "category": event.category,
        "governorate": event.governorate,
        "wilayat": event.wilayat,
        "filed_at": event.filed_at,
    }
    # Status, sequence and agency belong to the latest status change once there is one.
    initial = {"status": "submitted", "sequence": 0, "agency": event.agency}
    return Change(COMPLAINTS, event.complaint_id, {"$set": facts, "$setOnInsert": initial})


def complaint_status_changed(event: ComplaintStatusChanged) -> Change:
    """The complaint's status, if this change is newer than the stored one."""
    fields = {
        "status": event.status,
        "sequence": event.sequence,
        "agency": event.agency,
        "status_changed_at": event.changed_at,
    }
    return Change(COMPLAINTS, event.complaint_id, {"$set": fields}, guard={"sequence": {"$lt": event.sequence}})
