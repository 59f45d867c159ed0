"""Anonymous and confidential reports in the domain: secrets, reporter replies, guessing windows."""

from datetime import UTC, datetime

import pytest

from feedback.domain.complaint import MESSAGE_MAX_CHARS, Complaint
from feedback.domain.guessing import window_of
from feedback.domain.secret import hash_secret, matches, new_secret
from feedback.domain.status import Status
from feedback.domain.tracking import grouped
from sharik.errors import Conflict, Invalid

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)


def anonymous(secret: str, **overrides) -> Complaint:
    fields = dict(
        complaint_id="c1",
        tracking_code="7K2Q9XM4TR0B8ZC5VD3N",
        agency="royal-oman-police",
        kind="report",
        category="blackmail",
        description="someone threatens to publish my photos",
        channel="web",
        language="en",
        reporter_id=None,
        governorate=None,
        wilayat=None,
        now=NOW,
        confidential=True,
        secret_hash=hash_secret(secret),
    )
    return Complaint.file(**{**fields, **overrides})


def test_a_secret_is_stored_salted_and_matches_only_itself():
    secret = new_secret()
    stored = hash_secret(secret)
    assert secret not in stored and stored.startswith("scrypt$")
    assert hash_secret(secret) != stored, "each hash has its own salt"
    assert matches(secret, stored)
    assert matches(grouped(secret).lower(), stored), "typed as shown, in any case"
    assert not matches(new_secret(), stored)
    assert not matches("not-a-secret", stored)
    assert not matches(secret, None)


def test_fresh_secrets_are_long_random_and_distinct():
    secrets = {new_secret() for _ in range(200)}
    assert len(secrets) == 200
    assert all(len(s) == 20 for s in secrets)


def test_an_anonymous_case_opens_with_its_secret_and_has_no_reporter():
    secret = new_secret()
    complaint = anonymous(secret)
    assert complaint.reporter_id is None
    assert complaint.opens_with(secret)
    assert not complaint.opens_with(new_secret())
    assert not complaint.is_filed_by("p-1")


def test_a_case_filed_signed_in_never_opens_with_a_secret():
    complaint = anonymous("x", secret_hash=None, confidential=False, reporter_id="p-1", category="roads")
    assert not complaint.opens_with("x")
    assert complaint.is_filed_by("p-1")


def test_a_confidential_case_does_not_name_its_reporter():
    with pytest.raises(ValueError):
        anonymous(new_secret(), reporter_id="p-1")


def test_reporter_replies_are_kept_apart_from_the_status_history():
    complaint = anonymous(new_secret())
    replied = complaint.reply_from_reporter("  I have more evidence  ", now=NOW)
    assert [(m.message, m.from_reporter) for m in replied.messages] == [("I have more evidence", True)]
    assert replied.status == "submitted" and replied.sequence == 0


@pytest.mark.parametrize("message", ["", "   ", "x" * (MESSAGE_MAX_CHARS + 1)])
def test_a_reporter_reply_has_1_to_2000_characters(message):
    with pytest.raises(Invalid):
        anonymous(new_secret()).reply_from_reporter(message, now=NOW)


def test_a_closed_case_takes_no_more_replies():
    complaint = anonymous(new_secret()).route_to("royal-oman-police", "cybercrime", by="rule", now=NOW)
    path: list[Status] = ["acknowledged", "in_progress", "resolved", "closed"]
    for status in path:
        complaint = complaint.move_to(status, by="officer-1", now=NOW)
    with pytest.raises(Conflict):
        complaint.reply_from_reporter("hello?", now=NOW)


def test_guessing_windows_are_fixed_and_say_when_to_retry():
    window = window_of(datetime(2026, 11, 22, 8, 10, tzinfo=UTC), 900)
    assert window.start == window_of(datetime(2026, 11, 22, 8, 14, 59, tzinfo=UTC), 900).start
    assert window.start % 900 == 0
    assert window.retry_after == 300
    assert window_of(datetime(2026, 11, 22, 8, 15, tzinfo=UTC), 900).start == window.start + 900
