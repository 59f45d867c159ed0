"""A draft regulation's phases, section outcomes and adopted version."""

from datetime import UTC, datetime, timedelta

import pytest

from consultation.draft_policy.document import Draft, DraftPolicy, Section
from sharik.errors import Conflict, Invalid
from sharik.events import LocalizedText as T

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=10)
AFTER = DEADLINE + timedelta(hours=1)


def section(number: int, en: str) -> Section:
    return Section(number=number, heading=T(ar=f"المادة {number}", en=f"Article {number}"), text=T(ar=en, en=en))


def published() -> DraftPolicy:
    draft = Draft(
        title=T(ar="لائحة", en="Regulation"),
        summary=T(ar="ملخص", en="Summary"),
        sections=(section(1, "Hours 8-20"), section(2, "Fee 50")),
        opens_at=NOW,
        closes_at=DEADLINE,
    )
    return DraftPolicy(document_id="d1", agency="mm", draft=draft, created_by="o", created_at=NOW).publish(now=NOW)


def test_phases_follow_the_clock_and_adoption():
    document = published()
    assert document.phase(NOW + timedelta(days=1)) == "open"
    assert document.phase(AFTER) == "closed"
    assert document.adopt((section(1, "Hours 8-20"),), now=AFTER).phase(AFTER) == "adopted"


def test_outcomes_and_adoption_come_after_the_deadline_once():
    document = published()
    with pytest.raises(Conflict):
        document.conclude(2, "accepted", T(ar="س", en="why"), now=NOW)
    concluded = document.conclude(2, "partly_accepted", T(ar="س", en="why"), now=AFTER)
    with pytest.raises(Conflict):
        concluded.conclude(2, "accepted", T(ar="س", en="why"), now=AFTER)
    with pytest.raises(Invalid):
        concluded.conclude(7, "accepted", T(ar="س", en="why"), now=AFTER)


def test_the_adopted_version_names_the_sections_that_changed_or_went():
    adopted = published().adopt((section(1, "Hours 8-20"), section(2, "Fee 20"), section(3, "New")), now=AFTER)
    assert adopted.adoption.changed_sections == (2, 3)
    dropped = published().adopt((section(2, "Fee 50"),), now=AFTER)
    assert dropped.adoption.changed_sections == (1,)


def test_a_published_draft_is_not_edited_and_sections_are_numbered_once():
    with pytest.raises(Conflict):
        published().edit(published().draft)
    with pytest.raises(ValueError, match="section number once"):
        Draft(
            title=T(ar="ع", en="t"), summary=T(ar="ع", en="s"), sections=(section(1, "a"), section(1, "b")),
            opens_at=NOW, closes_at=DEADLINE,
        )


def test_sections_are_concluded_after_the_adoption_too_but_adopted_once():
    adopted = published().adopt((section(1, "Hours 8-22"), section(2, "Fee 50")), now=AFTER)
    assert adopted.conclude(1, "accepted", T(ar="س", en="why"), now=AFTER).conclusions[0].section == 1
    with pytest.raises(Conflict):
        adopted.adopt((section(1, "x"),), now=AFTER)
