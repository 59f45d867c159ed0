"""Public alerts keep only what the public was told; a comment's moderation keeps the
latest decision whatever the order, and survey answers' moderation changes nothing."""

from datetime import UTC, datetime, timedelta

from reporting.projections import project
from sharik.events import LocalizedText
from sharik.events.consultation import ContentHidden, ContentRestored
from sharik.events.notifier import AlertUpdated

NOW = datetime(2026, 9, 1, 8, tzinfo=UTC)


def test_an_alert_keeps_its_public_facts_and_its_message_type_only():
    update = AlertUpdated(
        alert_id="a2", agency="pacdm", identifier="a2", sender="pacdm@example.om", sent=NOW, status="Actual",
        references=("a1",), categories=("Met",), urgency="Immediate", severity="Severe", certainty="Likely",
        headline=LocalizedText(ar="أمطار", en="Rain"), onset=NOW, expires=NOW + timedelta(hours=3),
        geocodes=("wilayat:seeb",), polygons=1, circles=0, operators=("omantel", "ooredoo"),
    )
    [change] = project(update)
    assert (change.collection, change.key, change.guard) == ("alerts", "a2", {})
    fields = change.update["$set"]
    assert fields["message_type"] == "Update" and fields["references"] == ("a1",)
    assert not {"sender", "operators", "identifier", "polygons", "circles"} & set(fields)


def test_a_comment_s_moderation_applies_only_over_an_older_one():
    [hidden] = project(ContentHidden(content_id="c1", content_kind="comment", agency="mm", cause="flags",
                                     reason="flags", hidden_at=NOW))
    assert (hidden.collection, hidden.key) == ("contributions", "c1")
    assert hidden.update == {"$set": {"hidden": True, "moderated_at": NOW}}
    assert hidden.guard == {"$or": [{"moderated_at": {"$exists": False}}, {"moderated_at": {"$lt": NOW}}]}
    later = NOW + timedelta(hours=1)
    [restored] = project(ContentRestored(content_id="c1", content_kind="comment", agency="mm", reason="ok",
                                         restored_at=later))
    assert restored.update == {"$set": {"hidden": False, "moderated_at": later}}
    assert project(ContentHidden(content_id="r1-q1", content_kind="survey_answer", agency="mm", cause="moderator",
                                 reason="x", hidden_at=NOW)) == []
