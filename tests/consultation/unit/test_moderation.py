"""One moderation mechanism: flags once per citizen, auto-hide, holds, restore."""

from datetime import UTC, datetime

import pytest

from consultation.moderation.content import Content
from consultation.moderation.personal_data import personal_data_kinds
from sharik.errors import Conflict

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def content(text: str = "أقترح توسيع المواقف") -> Content:
    return Content.submitted(content_id="c1", kind="comment", agency="mtcit", ref="d1/1", text=text, author="p1", now=NOW)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("اتصلوا بي على 99123456", ["phone"]),
        ("رقمي +968 9212 3456", ["phone"]),
        ("call 00968-24123456", ["phone"]),
        ("رقمي ٩٩١٢٣٤٥٦", ["phone"]),
        ("write to ali@example.om", ["email"]),
        ("my civil number is 12345678", ["civil_number"]),
        ("المادة 12 من القانون لعام 2026", []),
        ("نريد 3 حدائق جديدة", []),
    ],
)
def test_text_that_looks_like_personal_data(text, kinds):
    assert personal_data_kinds(text) == kinds


def test_text_with_personal_data_is_held_and_the_public_sees_a_notice():
    held = content("رقمي 99123456")
    assert held.visibility == "held"
    public = held.public()
    assert "text" not in public and public["notice"]["en"] and public["notice"]["ar"]


def test_the_third_flag_hides_and_a_citizen_flags_only_once():
    c = content()
    c = c.flag("a", "spam", threshold=3, now=NOW).flag("b", "offensive", threshold=3, now=NOW)
    assert c.visibility == "visible"
    with pytest.raises(Conflict):
        c.flag("a", "spam", threshold=3, now=NOW)
    c = c.flag("c", "off_topic", threshold=3, now=NOW)
    assert c.visibility == "hidden" and c.audit[-1].action == "hidden"


def test_a_moderator_restores_and_flag_counting_starts_over():
    c = content()
    for who in "abc":
        c = c.flag(who, "spam", threshold=3, now=NOW)
    restored = c.restore(reason="not spam", by="moderator-1", now=NOW)
    assert restored.visibility == "visible" and restored.flags_since_review == 0 and restored.total_flags == 3
    again = restored.flag("d", "spam", threshold=3, now=NOW)
    assert again.visibility == "visible"
    hidden = again.hide(reason="insults", by="moderator-1", now=NOW)
    assert [a.action for a in hidden.audit] == ["flagged"] * 3 + ["hidden", "restored", "flagged", "hidden"]
    assert hidden.audit[-1].by == "moderator-1"
    with pytest.raises(Conflict):
        hidden.hide(reason="again", by="moderator-1", now=NOW)
