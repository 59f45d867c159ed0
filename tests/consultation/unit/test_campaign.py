from datetime import UTC, datetime, timedelta

import pytest

from consultation.domain.campaign import Campaign, Text
from sharik.errors import Conflict, Invalid

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)


def draft(**overrides) -> Campaign:
    fields = dict(
        campaign_id="c1",
        agency="mtcit",
        kind="poll",
        title=Text(ar="اختر موضوع المنتدى", en="Choose the forum topic"),
        summary=Text(ar="ملخص", en="Summary"),
        opens_at=NOW,
        closes_at=NOW + timedelta(days=14),
        created_by="officer-1",
        now=NOW,
    )
    return Campaign.plan(**{**fields, **overrides})


def test_a_planned_campaign_is_a_draft_not_visible_to_the_public():
    campaign = draft()
    assert campaign.state == "draft"
    assert not campaign.is_public


def test_the_window_must_end_after_it_starts():
    with pytest.raises(Invalid, match="closes_at must be after opens_at"):
        draft(closes_at=NOW)


def test_launch_opens_the_campaign_once():
    launched = draft().launch(now=NOW + timedelta(hours=1))
    assert launched.state == "launched"
    assert launched.launched_at == NOW + timedelta(hours=1)
    with pytest.raises(Conflict, match="already launched"):
        launched.launch(now=NOW + timedelta(hours=2))


def test_a_campaign_whose_window_ended_cannot_be_launched():
    with pytest.raises(Conflict, match="window has already ended"):
        draft().launch(now=NOW + timedelta(days=15))
