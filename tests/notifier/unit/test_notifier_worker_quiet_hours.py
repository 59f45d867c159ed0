"""The delivery worker holds email back during quiet hours (deferred to 07:00 Muscat,
no attempt counted), but not the confirmation link; messages carry their unsubscribe
link."""

from datetime import datetime

from notifier.domain.delivery import Cause, Delivery
from notifier.domain.messages import MUSCAT, Message
from notifier.domain.subscription import Subscription
from notifier.handlers import VERIFICATION
from notifier.worker import DeliveryWorker, RetryPolicy

NIGHT = datetime(2026, 12, 1, 23, 30, tzinfo=MUSCAT)
DAY = datetime(2026, 12, 2, 9, 0, tzinfo=MUSCAT)


class Subscriptions:
    def __init__(self, subscription: Subscription) -> None:
        self.subscription = subscription

    async def get(self, _subscription_id: str) -> Subscription:
        return self.subscription


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Message, str | None]] = []

    async def send(self, *, address, message, delivery_id, unsubscribe_url=None) -> None:
        self.sent.append((address, message, unsubscribe_url))


def subscription(quiet_hours: bool = True) -> Subscription:
    return Subscription(
        subscription_id="s1", owner="o", channel="email", address="a@example.om", language="en",
        topics=("campaigns",), agency=None, created_at=DAY, updated_at=DAY, quiet_hours=quiet_hours, verified_at=DAY,
    )


def delivery(cause_type: str = "om.sharik.consultation.CampaignLaunched.v1") -> Delivery:
    return Delivery.due(
        cause=Cause(event_type=cause_type, event_id="e1", subject="c1"), subscription_id="s1", channel="email",
        agency="mtcit", message=Message(language="en", subject="Hi", body="Body\n"), now=NIGHT,
    )


def worker(sub: Subscription, sender: Recorder, now: datetime) -> DeliveryWorker:
    return DeliveryWorker(
        None, Subscriptions(sub), {"email": sender}, policy=RetryPolicy(attempts=3, base_seconds=1),  # type: ignore[arg-type]
        poll_seconds=1, concurrency=1, unsubscribe_url=lambda s: f"https://sharik.om/u/{s.subscription_id}",
        clock=lambda: now,
    )


async def test_an_email_due_at_night_waits_until_seven_without_counting_an_attempt():
    sender = Recorder()
    outcome = await worker(subscription(), sender, NIGHT)._attempt(delivery())
    assert (outcome.state, outcome.attempts, outcome.next_attempt_at) == (
        "pending", 0, datetime(2026, 12, 2, 7, 0, tzinfo=MUSCAT),
    )
    assert sender.sent == []


async def test_the_confirmation_link_and_subscribers_without_quiet_hours_are_not_held_back():
    sender = Recorder()
    assert (await worker(subscription(), sender, NIGHT)._attempt(delivery(VERIFICATION))).state == "sent"
    assert sender.sent[0][2] is None, "no unsubscribe link in the confirmation"
    assert (await worker(subscription(quiet_hours=False), sender, NIGHT)._attempt(delivery())).state == "sent"


async def test_a_message_by_day_is_sent_with_its_unsubscribe_link():
    sender = Recorder()
    assert (await worker(subscription(), sender, DAY)._attempt(delivery())).state == "sent"
    [(_address, message, url)] = sender.sent
    assert url == "https://sharik.om/u/s1"
    assert message.body.endswith("Unsubscribe: https://sharik.om/u/s1\n")
