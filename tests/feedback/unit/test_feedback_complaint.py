"""The lifecycle of a complaint: filing, allowed transitions, sequence, history."""

from datetime import UTC, datetime, timedelta

import pytest

from feedback.domain.complaint import Complaint
from feedback.domain.status import NEXT, Status
from feedback.domain.text import Reply
from sharik.errors import Conflict, Invalid

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)


def filed(**overrides) -> Complaint:
    fields = dict(
        complaint_id="c1",
        tracking_code="7K2Q9XM4TR0B8ZC5VD3N",
        agency="muscat-municipality",
        kind="complaint",
        category="street-lighting",
        description="إنارة الشارع معطلة منذ أسبوع",
        channel="web",
        language="ar",
        reporter_id="p-1",
        governorate="muscat",
        wilayat="bawshar",
        now=NOW,
    )
    return Complaint.file(**{**fields, **overrides})


def routed(**overrides) -> Complaint:
    return filed(**overrides).route_to("muscat-municipality", "lighting", by="rule", now=NOW)


def walk(complaint: Complaint, *statuses: Status) -> Complaint:
    for hours, status in enumerate(statuses, start=1):
        reason = "duplicate of an earlier report" if status == "rejected" else None
        complaint = complaint.move_to(status, by="officer-1", now=NOW + timedelta(hours=hours), reason=reason)
    return complaint


def test_a_filed_complaint_is_submitted_with_one_history_step():
    complaint = filed()
    assert complaint.status == "submitted"
    assert complaint.sequence == 0
    assert [c.status for c in complaint.history] == ["submitted"]
    assert complaint.updated_at == NOW


@pytest.mark.parametrize("description", ["", "   ", "x" * 4001])
def test_the_description_must_have_1_to_4000_characters(description):
    with pytest.raises(Invalid) as error:
        filed(description=description)
    assert error.value.details == [{"field": "description"}]


def test_4000_characters_are_enough():
    assert filed(description="x" * 4000).description == "x" * 4000


def test_the_happy_path_counts_each_change_in_sequence():
    complaint = walk(routed(), "acknowledged", "in_progress", "resolved", "closed")
    assert complaint.status == "closed"
    assert complaint.sequence == 5
    assert [c.status for c in complaint.history] == [
        "submitted",
        "routed",
        "acknowledged",
        "in_progress",
        "resolved",
        "closed",
    ]
    assert complaint.updated_at == NOW + timedelta(hours=4)


@pytest.mark.parametrize(
    "path",
    [("rejected",), ("acknowledged", "rejected"), ("acknowledged", "in_progress", "rejected")],
)
def test_a_complaint_can_be_rejected_until_it_is_resolved_then_closed(path):
    complaint = walk(routed(), *path, "closed")
    assert complaint.history[-2].status == "rejected"
    assert complaint.history[-2].reason == "duplicate of an earlier report"
    assert complaint.status == "closed"
    assert complaint.sequence == len(path) + 2


def test_a_rejection_needs_a_reason():
    with pytest.raises(Invalid, match="needs a reason") as error:
        routed().move_to("rejected", by="officer-1", now=NOW, reason="  ")
    assert error.value.details == [{"field": "reason"}]


ALL: list[Status] = list(NEXT)


@pytest.mark.parametrize(
    ("current", "target"),
    [(c, t) for c in ALL for t in ALL if t not in NEXT[c]],
)
def test_every_other_transition_is_a_conflict_naming_both_states(current, target):
    paths = {
        "routed": (),
        "acknowledged": ("acknowledged",),
        "in_progress": ("acknowledged", "in_progress"),
        "waiting_for_citizen": ("acknowledged", "waiting_for_citizen"),
        "resolved": ("acknowledged", "in_progress", "resolved"),
        "rejected": ("rejected",),
        "closed": ("rejected", "closed"),
    }
    complaint = filed() if current == "submitted" else walk(routed(), *paths[current])
    with pytest.raises(Conflict) as error:
        complaint.move_to(target, by="officer-1", now=NOW, reason="because")
    assert f"from {current} to {target}" in error.value.message
    assert complaint.status == current


def test_the_agency_reply_and_who_acted_are_kept_in_the_history():
    reply = Reply(ar="تم إصلاح الإنارة", en="The lights were repaired")
    complaint = routed().move_to("acknowledged", by="officer-7", now=NOW, reply=reply)
    assert complaint.history[-1].reply == reply
    assert complaint.history[-1].by == "officer-7"


def test_only_the_reporter_pseudonym_owns_it():
    assert filed().is_filed_by("p-1")
    assert not filed().is_filed_by("p-2")
