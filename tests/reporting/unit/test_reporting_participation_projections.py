"""Consultation's events become idempotent, order-insensitive read-model changes."""

from datetime import UTC, datetime

from reporting.projections import project
from sharik.events import LocalizedText as T
from sharik.events.consultation import (
    CommentPosted,
    DecisionInput,
    DecisionProgressed,
    DecisionRecorded,
    KpiTargets,
    KpiTargetsSet,
    SurveyResponseSubmitted,
)

NOW = datetime(2026, 9, 1, 8, tzinfo=UTC)
TEXT = T(ar="نص", en="Text")


def test_a_decisions_current_status_is_guarded_by_its_sequence_and_set_first():
    recorded = DecisionRecorded(
        campaign_id="c1", agency="mm", decision_id="d1", text=TEXT,
        inputs=(DecisionInput(kind="idea", ref="i1", label=TEXT),), status="planned", progress=0, recorded_at=NOW,
    )
    current, facts = project(recorded)
    assert (current.collection, current.key, current.guard) == ("decisions", "d1", {"sequence": {"$lt": 0}})
    assert facts.update["$addToSet"]["history"]["sequence"] == 0 and facts.guard == {}
    step = DecisionProgressed(
        campaign_id="c1", agency="mm", decision_id="d1", sequence=2, status="done", progress=100, progressed_at=NOW
    )
    current, history = project(step)
    assert current.guard == {"sequence": {"$lt": 2}} and current.update["$set"]["status"] == "done"
    assert history.update == {"$addToSet": {"history": {"sequence": 2, "status": "done", "progress": 100, "note": None, "at": NOW}}}


def test_contributions_are_keyed_by_their_own_id_and_carry_no_text():
    [response] = project(
        SurveyResponseSubmitted(
            survey_id="s1", agency="mm", campaign_id="c1", response_id="r1", participant="p1", governorate="muscat",
            submitted_at=NOW,
        )
    )
    assert (response.collection, response.key) == ("contributions", "r1")
    assert response.update["$set"]["day"] == "2026-09-01"
    [comment] = project(
        CommentPosted(
            document_id="d1", agency="mm", campaign_id="c1", comment_id="k1", section=3, stance="for", participant="p1",
            posted_at=NOW,
        )
    )
    assert comment.update["$set"]["tool"] == "draft_policy" and comment.update["$set"]["section"] == 3


def test_kpi_targets_keep_the_highest_revision():
    [change] = project(
        KpiTargetsSet(
            agency="mm", period="2026-H2", revision=3, set_at=NOW,
            targets=KpiTargets(sessions_run=5, decisions_implemented_pct=90, results_published_pct=100),
        )
    )
    assert (change.key, change.guard) == ("mm:2026-H2", {"revision": {"$lt": 3}})
