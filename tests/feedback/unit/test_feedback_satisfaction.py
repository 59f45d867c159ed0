"""Satisfaction with the handling of a complaint: who may rate, when, and what."""

from datetime import UTC, datetime, timedelta

import pytest

from feedback.domain.complaint import Complaint
from feedback.domain.satisfaction import Satisfaction
from sharik.errors import Conflict, Forbidden, Invalid

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)


def complaint(*statuses: str) -> Complaint:
    filed = Complaint.file(
        complaint_id="c1",
        tracking_code="7K2Q9XM4TR0B8ZC5VD3N",
        agency="muscat-municipality",
        kind="complaint",
        category="street-lighting",
        description="إنارة الشارع معطلة",
        channel="web",
        language="ar",
        reporter_id="p-1",
        governorate="muscat",
        wilayat="bawshar",
        now=NOW,
    ).route_to("muscat-municipality", "lighting", by="rule", now=NOW)
    for hours, status in enumerate(statuses, start=1):
        filed = filed.move_to(status, by="officer-1", now=NOW + timedelta(hours=hours), reason="duplicate")
    return filed


RESOLVED = ("acknowledged", "in_progress", "resolved")


@pytest.mark.parametrize("path", [RESOLVED, (*RESOLVED, "closed"), ("rejected", "closed")])
def test_the_reporter_rates_a_resolved_or_closed_complaint(path):
    rated = Satisfaction.rate(complaint(*path), reporter_id="p-1", score=4, comment="  شكراً  ", now=NOW)
    assert (rated.complaint_id, rated.agency, rated.category, rated.governorate) == (
        "c1",
        "muscat-municipality",
        "street-lighting",
        "muscat",
    )
    assert rated.score == 4
    assert rated.comment == "شكراً"


@pytest.mark.parametrize("path", [(), ("acknowledged",), ("acknowledged", "in_progress"), ("rejected",)])
def test_an_open_or_merely_rejected_complaint_cannot_be_rated_yet(path):
    with pytest.raises(Conflict, match="resolved or closed"):
        Satisfaction.rate(complaint(*path), reporter_id="p-1", score=4, comment=None, now=NOW)


def test_only_the_reporter_may_rate():
    with pytest.raises(Forbidden):
        Satisfaction.rate(complaint(*RESOLVED), reporter_id="p-2", score=4, comment=None, now=NOW)


@pytest.mark.parametrize("score", [0, 6, -1])
def test_the_score_is_1_to_5(score):
    with pytest.raises(Invalid) as error:
        Satisfaction.rate(complaint(*RESOLVED), reporter_id="p-1", score=score, comment=None, now=NOW)
    assert error.value.details == [{"field": "score"}]


def test_the_comment_is_at_most_1000_characters_and_blank_is_none():
    with pytest.raises(Invalid) as error:
        Satisfaction.rate(complaint(*RESOLVED), reporter_id="p-1", score=3, comment="x" * 1001, now=NOW)
    assert error.value.details == [{"field": "comment"}]
    kept = Satisfaction.rate(complaint(*RESOLVED), reporter_id="p-1", score=3, comment="x" * 1000, now=NOW)
    assert len(kept.comment) == 1000
    assert Satisfaction.rate(complaint(*RESOLVED), reporter_id="p-1", score=3, comment="  ", now=NOW).comment is None
