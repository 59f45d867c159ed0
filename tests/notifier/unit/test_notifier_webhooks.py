"""Webhooks, pure: the retry schedule, 410, replay, structured CloudEvents and the
Standard Webhooks signature checked with the same library a receiver uses."""

import json
from datetime import UTC, datetime, timedelta

from standardwebhooks.webhooks import Webhook

from notifier.webhooks.delivery import Attempt, WebhookDelivery
from notifier.webhooks.endpoint import Endpoint
from notifier.webhooks.handlers import structured
from notifier.webhooks.sender import signed_headers
from tests.notifier.integration.test_notifier_deliveries import launched

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)
SCHEDULE = (5, 300, 1800)


def delivery() -> WebhookDelivery:
    return WebhookDelivery(
        delivery_id="evt:ep", endpoint_id="ep", owner="ncem", event_id="evt", event_type="t", body="{}",
        correlation_id="evt", created_at=NOW, next_attempt_at=NOW,
    )


def failed_at(at: datetime, status: int = 500) -> Attempt:
    return Attempt(at=at, status_code=status, error=f"HTTP {status}")


def test_retries_follow_the_growing_schedule_then_fail():
    d = delivery()
    waits = []
    for _ in SCHEDULE:
        d = d.attempt_failed(failed_at(NOW), schedule=SCHEDULE)
        waits.append((d.next_attempt_at - NOW).total_seconds())
    assert waits == [5, 300, 1800] and d.state == "pending"
    d = d.attempt_failed(failed_at(NOW), schedule=SCHEDULE)
    assert (d.state, len(d.attempts)) == ("failed", 4)


def test_410_fails_at_once_and_a_replay_gets_the_whole_schedule_again():
    d = delivery().attempt_failed(failed_at(NOW, 410), schedule=SCHEDULE, gone=True)
    assert d.state == "failed"
    replayed = d.replayed(now=NOW + timedelta(hours=1))
    assert (replayed.state, replayed.tries, replayed.replays) == ("pending", 0, 1)
    again = replayed.attempt_failed(failed_at(NOW), schedule=SCHEDULE)
    assert again.state == "pending" and len(again.attempts) == 2


def test_the_body_is_the_cloudevent_in_structured_mode():
    envelope = launched("ncem")
    event = json.loads(structured(envelope))
    assert event["specversion"] == "1.0"
    assert (event["id"], event["type"], event["source"]) == (envelope.id, envelope.type, "consultation")
    assert event["datacontenttype"] == "application/json"
    assert event["data"]["campaign_id"] == envelope.event.campaign_id
    assert event["agency"] == "ncem"


def test_both_secrets_sign_during_a_rotation_and_a_receiver_with_either_verifies():
    endpoint = Endpoint.register(
        endpoint_id="ep", owner="ncem", url="https://example.om/hook", event_types=("t",), allowed=frozenset({"t"}),
        now=NOW,
    )
    old = endpoint.secrets[0].value
    rotated = endpoint.rotated(now=NOW, grace=timedelta(hours=24))
    new = rotated.secrets[0].value
    now = datetime.now(UTC)
    secrets = rotated.signing_secrets(NOW + timedelta(hours=1))
    assert secrets == (new, old)
    headers = signed_headers(message_id="evt:ep", body='{"a":1}', secrets=secrets, now=now)
    for secret in (old, new):
        assert Webhook(secret).verify('{"a":1}', headers) == {"a": 1}
    assert rotated.signing_secrets(NOW + timedelta(hours=25)) == (new,)
