"""Each event becomes one idempotent single-document update of the read model."""

from datetime import UTC, datetime

from reporting.projections import TOPICS, project
from reporting.projections.deliveries import FAILED, SENT
from sharik.events import LocalizedText
from sharik.events.consultation import CampaignLaunched
from sharik.events.feedback import ComplaintFiled, ComplaintStatusChanged
from sharik.events.notifier import NotificationFailed, NotificationSent
from sharik.events.voting import BallotClosed, BallotOpened, BallotOption, OptionCount, ResultPublished

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)
QUESTION = LocalizedText(ar="ما موضوع المنتدى؟", en="Which forum topic?")


def test_every_public_topic_but_votes_is_consumed():
    assert TOPICS == [
        "consultation.campaigns",
        "consultation.competitions",
        "consultation.documents",
        "consultation.initiatives",
        "consultation.moderation",
        "consultation.plans",
        "consultation.sessions",
        "consultation.surveys",
        "feedback.complaints",
        "feedback.services",
        "notifier.alerts",
        "notifier.deliveries",
        "voting.ballots",
    ]


def test_a_launched_campaign_is_upserted_by_its_id_with_its_labels_as_received():
    [change] = project(
        CampaignLaunched(
            campaign_id="c1",
            agency="mtcit",
            kind="poll",
            title=LocalizedText(ar="اختر الموضوع", en="Choose the topic"),
            summary=LocalizedText(ar="ملخص", en="Summary"),
            opens_at=NOW,
            closes_at=NOW,
            launched_at=NOW,
        )
    )
    assert (change.collection, change.key, change.guard) == ("campaigns", "c1", {})
    assert change.update["$set"]["title"] == {"ar": "اختر الموضوع", "en": "Choose the topic"}
    assert "campaign_id" not in change.update["$set"]


def test_the_events_of_a_ballot_set_disjoint_fields_so_their_order_does_not_matter():
    [opened] = project(
        BallotOpened(
            ballot_id="b1",
            agency="mtcit",
            kind="single_choice",
            question=QUESTION,
            options=(BallotOption(option_id="o1", label=LocalizedText(ar="أ", en="A")),),
            opens_at=NOW,
            closes_at=NOW,
        )
    )
    [closed] = project(BallotClosed(ballot_id="b1", agency="mtcit", closed_at=NOW, votes_cast=3))
    [result] = project(
        ResultPublished(
            ballot_id="b1",
            agency="mtcit",
            question=QUESTION,
            counts=(OptionCount(option_id="o1", label=LocalizedText(ar="أ", en="A"), votes=3, percent=100),),
            total_votes=3,
            outcome="winner",
            winners=("o1",),
            published_at=NOW,
        )
    )
    fields = [set(c.update["$set"]) - {"agency", "question"} for c in (opened, closed, result)]
    assert not (fields[0] & fields[1] or fields[0] & fields[2] or fields[1] & fields[2])
    assert [c.key for c in (opened, closed, result)] == ["b1", "b1", "b1"]
    assert opened.update["$set"]["question"] == result.update["$set"]["question"]
    assert closed.update["$set"]["votes_cast"] == 3
    assert result.update["$set"]["result"]["counts"][0]["percent"] == 100


def test_a_filing_sets_status_only_on_insert_and_keeps_no_reporter_id():
    [change] = project(
        ComplaintFiled(
            complaint_id="k1",
            agency="mm",
            kind="complaint",
            category="roads",
            governorate="Muscat",
            reporter_id="pseudo-1",
            filed_at=NOW,
        )
    )
    assert change.update["$setOnInsert"] == {"status": "submitted", "sequence": 0, "agency": "mm"}
    assert change.update["$set"]["governorate"] == "Muscat"
    stored = str(change.update)
    assert "pseudo-1" not in stored


def test_a_status_change_applies_only_over_a_lower_sequence():
    [change] = project(
        ComplaintStatusChanged(
            complaint_id="k1", agency="mm", status="routed", previous_status="submitted", sequence=4, changed_at=NOW
        )
    )
    assert change.guard == {"sequence": {"$lt": 4}}
    assert change.update == {
        "$set": {"status": "routed", "sequence": 4, "agency": "mm", "status_changed_at": NOW}
    }


def test_deliveries_are_keyed_by_delivery_id_and_their_outcome_only_rises():
    common = dict(delivery_id="d1", subscription_id="s1", channel="sms", cause_type="BallotOpened", cause_id="b1")
    [sent] = project(NotificationSent(**common, attempts=1, sent_at=NOW))
    [failed] = project(NotificationFailed(**common, attempts=3, error="timeout", failed_at=NOW))
    assert sent.key == failed.key == "d1"
    assert sent.update["$max"] == {"outcome": SENT}
    assert failed.update["$max"] == {"outcome": FAILED}
    assert SENT > FAILED


def test_a_campaign_cancelled_before_its_launch_never_reaches_the_public_read_model():
    from sharik.events.consultation import CampaignCancelled

    reason = LocalizedText(ar="ألغيت", en="Called off")
    assert project(CampaignCancelled(campaign_id="c1", agency="mm", reason=reason, was_launched=False, cancelled_at=NOW)) == []
    [change] = project(CampaignCancelled(campaign_id="c1", agency="mm", reason=reason, was_launched=True, cancelled_at=NOW))
    assert change.update["$set"]["cancel_reason"] == {"ar": "ألغيت", "en": "Called off"}
