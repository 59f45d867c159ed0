"""Feedback events become idempotent, order-insensitive updates: first acknowledgement
and resolution kept with $min outside the status guard, the handling score on the
complaint, the latest revision of each service rating, evaluations by their id,
and escalations (where the catalog has them) as the deadline missed."""

from datetime import UTC, datetime, timedelta

import pytest

from reporting.projections import project
from sharik.events import CATALOG
from sharik.events.feedback import ComplaintRated, ComplaintStatusChanged, ServiceEvaluated, ServiceRated

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)
SEED = {"status": "submitted", "sequence": 0, "agency": "mm"}


def changed(sequence: int, status: str, previous: str) -> ComplaintStatusChanged:
    return ComplaintStatusChanged(
        complaint_id="k1", agency="mm", status=status, previous_status=previous, sequence=sequence,
        changed_at=NOW + timedelta(hours=sequence),
    )


def test_reaching_acknowledged_or_resolved_also_keeps_the_earliest_time_unguarded():
    for sequence, status, field in ((2, "acknowledged", "acknowledged_at"), (4, "resolved", "resolved_at")):
        guarded, first = project(changed(sequence, status, "routed"))
        assert guarded.guard == {"sequence": {"$lt": sequence}}
        assert (first.collection, first.key, first.guard) == ("complaints", "k1", {})
        assert first.update == {"$min": {field: NOW + timedelta(hours=sequence)}, "$setOnInsert": SEED}


def test_other_status_changes_keep_no_milestone():
    [only] = project(changed(3, "in_progress", "acknowledged"))
    assert only.guard == {"sequence": {"$lt": 3}}


def test_a_handling_rating_sets_the_score_and_seeds_a_document_status_changes_can_apply_over():
    [change] = project(
        ComplaintRated(complaint_id="k1", agency="mm", category="roads", governorate="Muscat", score=4, rated_at=NOW)
    )
    assert (change.collection, change.key, change.guard) == ("complaints", "k1", {})
    assert change.update == {
        "$set": {"rated_score": 4, "rated_at": NOW},
        "$setOnInsert": {**SEED, "category": "roads", "governorate": "Muscat"},
    }


def test_a_service_rating_is_kept_per_rating_id_only_over_a_lower_revision():
    [change] = project(
        ServiceRated(
            service_code="passport-renewal", agency="rop", rating_id="r1", revision=3, channel="app",
            overall=5, dimensions={"ease": 4, "speed": 5}, rated_at=NOW,
        )
    )
    assert (change.collection, change.key) == ("service_ratings", "r1")
    assert change.guard == {"revision": {"$lt": 3}}
    assert change.update["$set"] == {
        "service_code": "passport-renewal", "agency": "rop", "revision": 3, "channel": "app",
        "overall": 5, "dimensions": {"ease": 4, "speed": 5}, "rated_at": NOW,
    }


def test_an_evaluation_is_upserted_by_its_id():
    [change] = project(
        ServiceEvaluated(
            evaluation_id="e1", service_code="passport-renewal", agency="rop", channel="service_centre",
            score=87.5, items_passed=7, items_total=8, visited_at=NOW, evaluated_at=NOW,
        )
    )
    assert (change.collection, change.key, change.guard) == ("service_evaluations", "e1", {})
    assert change.update["$set"]["score"] == 87.5
    assert "evaluation_id" not in change.update["$set"]


ESCALATED = CATALOG.get("om.sharik.feedback.ComplaintEscalated.v1")


@pytest.mark.skipif(ESCALATED is None, reason="ComplaintEscalated is not in the catalog")
def test_an_escalation_marks_the_missed_deadline_on_the_complaint_whatever_the_rung():
    common = dict(complaint_id="k1", agency="mm", category="roads", target="resolve", deadline=NOW, escalated_at=NOW)
    rungs = [
        project(ESCALATED(level=level, breach_id=f"k1:resolve:{level}", **common))
        for level in ("unit_head", "agency_admin")
    ]
    assert rungs[0] == rungs[1]
    [change] = rungs[0]
    assert (change.collection, change.key, change.guard) == ("complaints", "k1", {})
    assert change.update == {"$set": {"resolve_missed": True}, "$setOnInsert": {**SEED, "category": "roads"}}
