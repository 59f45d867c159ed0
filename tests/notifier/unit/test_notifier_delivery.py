from datetime import UTC, datetime, timedelta

import pytest

from notifier.domain.delivery import Cause, Delivery, delivery_id, retry_delay
from notifier.domain.messages import Message
from sharik.errors import Conflict

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)
CAUSE = Cause(event_type="om.sharik.consultation.CampaignLaunched.v1", event_id="E1", subject="C1")


def pending() -> Delivery:
    return Delivery.due(
        cause=CAUSE,
        subscription_id="S1",
        channel="email",
        agency="mtcit",
        message=Message(language="en", subject="s", body="b"),
        now=NOW,
    )


def fail(delivery: Delivery, *, permanent: bool = False, jitter: float = 0.0) -> Delivery:
    return delivery.attempt_failed(
        error="refused", permanent=permanent, now=NOW, max_attempts=5, base_seconds=2.0, jitter=jitter
    )


def test_the_same_event_and_subscriber_always_give_the_same_delivery_id():
    assert pending().delivery_id == delivery_id("E1", "S1") == "E1:S1"


def test_backoff_doubles_from_the_base():
    delays = [retry_delay(n, base_seconds=2.0, jitter=0.0) for n in range(1, 5)]
    assert delays == [timedelta(seconds=s) for s in (2, 4, 8, 16)]


def test_jitter_adds_at_most_a_tenth():
    assert retry_delay(3, base_seconds=2.0, jitter=0.999) < timedelta(seconds=8 * 1.1)
    assert retry_delay(3, base_seconds=2.0, jitter=0.5) == timedelta(seconds=8.4)


def test_each_failure_schedules_the_next_attempt_until_the_last_one_fails_the_delivery():
    delivery = pending()
    waits = []
    for _ in range(4):
        delivery = fail(delivery)
        assert delivery.state == "pending"
        waits.append(delivery.next_attempt_at - NOW)
    assert waits == [timedelta(seconds=s) for s in (2, 4, 8, 16)]

    delivery = fail(delivery)
    assert delivery.state == "failed"
    assert delivery.attempts == 5
    assert delivery.last_error == "refused"
    assert delivery.failed_at == NOW


def test_a_permanent_refusal_fails_at_once():
    failed = fail(pending(), permanent=True)
    assert (failed.state, failed.attempts) == ("failed", 1)


def test_an_operator_retry_gives_a_failed_delivery_fresh_attempts():
    failed = fail(pending(), permanent=True)
    retried = failed.retried(now=NOW + timedelta(hours=1))
    assert (retried.state, retried.attempts, retried.operator_retries) == ("pending", 0, 1)
    assert retried.next_attempt_at == NOW + timedelta(hours=1)
    sent = retried.delivered(now=NOW + timedelta(hours=1))
    assert (sent.state, sent.attempts, sent.last_error) == ("sent", 1, None)


def test_only_failed_deliveries_can_be_retried_and_only_pending_ones_sent():
    with pytest.raises(Conflict, match="delivery is pending, not failed"):
        pending().retried(now=NOW)
    sent = pending().delivered(now=NOW)
    with pytest.raises(Conflict, match="delivery is sent, not pending"):
        sent.delivered(now=NOW)
