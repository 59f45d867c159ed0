"""Events become emails, on the real Kafka, store and SMTP server: exactly once per
subscriber, retried with backoff, kept when they fail, and poison messages set aside."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from ulid import ULID

from devstack.smtp import free_port
from sharik.events import Envelope, LocalizedText
from sharik.events.consultation import CampaignLaunched
from sharik.events.voting import OptionCount, ResultPublished
from tests.notifier.integration.conftest import eventually

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)


def unique(prefix: str) -> str:
    return f"{prefix}-{str(ULID()).lower()}"


def launched(agency: str, *, campaign_id: str | None = None, title_en: str = "Choose the forum topic") -> Envelope:
    return Envelope(
        source="consultation",
        agency=agency,
        event=CampaignLaunched(
            campaign_id=campaign_id or str(ULID()),
            agency=agency,
            kind="poll",
            title=LocalizedText(ar="اختر موضوع منتدى معاً نتقدم", en=title_en),
            summary=LocalizedText(ar="ثلاثة مواضيع مقترحة", en="Three proposed topics"),
            opens_at=NOW,
            closes_at=NOW + timedelta(days=14),
            launched_at=NOW,
        ),
    )


async def subscribe(
    client, tokens, confirm_address, *, agency: str, language: str = "ar", topics=("campaigns",)
) -> tuple[str, str]:
    address = f"{unique('citizen')}@example.om"
    response = await client.post(
        "/subscriptions",
        json={
            "channel": "email",
            "address": address,
            "language": language,
            "topics": list(topics),
            "agency": agency,
            # The suite runs at any hour; quiet hours have their own tests.
            "quiet_hours": False,
        },
        headers=tokens.citizen(),
    )
    assert response.status_code == 201, response.text
    await confirm_address(client, address)
    return address, response.json()["subscription_id"]


async def caused_by_events(client, operator) -> list[dict]:
    """The deliveries, but the confirmation links every new address gets first."""
    deliveries = (await client.get("/deliveries", headers=operator)).json()
    return [d for d in deliveries if d["cause"]["event_type"] != "om.sharik.notifier.verification"]


async def test_a_launched_campaign_is_emailed_to_matching_subscribers_only(
    notifier, settings, tokens, bus, mail_to, confirm_address
):
    agency = unique("agency")
    async with notifier(settings) as client:
        address, subscription_id = await subscribe(client, tokens, confirm_address, agency=agency, language="ar")
        other_agency, _ = await subscribe(client, tokens, confirm_address, agency=unique("agency"))
        results_only, _ = await subscribe(client, tokens, confirm_address, agency=agency, topics=("results",))
        envelope = launched(agency)
        since = await bus.end_offsets("notifier.deliveries")
        await bus.publish(envelope)

        [email] = await eventually(lambda: mail_to(address), what="the campaign email")
        assert email["Subject"] == "استطلاع رأي: اختر موضوع منتدى معاً نتقدم"
        assert email["Content-Language"] == "ar"
        body = email.get_content()
        assert body.index("ثلاثة مواضيع مقترحة") < body.index("Three proposed topics")

        delivery_id = f"{envelope.id}:{subscription_id}"
        [record] = await bus.records("notifier.deliveries", key=delivery_id, since=since)
        headers = {k: v.decode() for k, v in record.headers}
        assert headers["ce_type"] == "om.sharik.notifier.NotificationSent.v1"
        assert headers["ce_causationid"] == envelope.id
        assert headers["ce_correlationid"] == envelope.id
        sent = json.loads(record.value)
        assert sent["subscription_id"] == subscription_id
        assert (sent["cause_type"], sent["cause_id"]) == (envelope.type, envelope.event.campaign_id)
        assert sent["attempts"] == 1
        assert address not in record.value.decode() and address not in str(headers)

        # The event was handled as a whole before its email went out, so this is final.
        operator = tokens.of(["operator"])
        deliveries = await caused_by_events(client, operator)
        assert [(d["delivery_id"], d["state"]) for d in deliveries] == [(delivery_id, "sent")]
        assert mail_to(other_agency) == [] and mail_to(results_only) == []


async def test_an_event_older_than_the_subscription_is_not_mailed(
    notifier, settings, tokens, bus, mail_to, confirm_address
):
    """Replaying history (a new consumer group, a rebuilt service) must not mail people
    about what happened before they subscribed."""
    agency = unique("agency")
    before = launched(agency, title_en="Before subscribing")
    async with notifier(settings) as client:
        address, _ = await subscribe(client, tokens, confirm_address, agency=agency, language="en")
        await bus.publish(before)
        await bus.publish(launched(agency, campaign_id=before.event.campaign_id, title_en="After subscribing"))

        [email] = await eventually(lambda: mail_to(address), what="the email of the later event")
        assert email["Subject"] == "Poll: After subscribing"
        deliveries = await caused_by_events(client, tokens.of(["operator"]))
        assert [d["cause"]["event_id"] for d in deliveries] != [before.id]
        assert len(deliveries) == 1


async def test_an_event_delivered_twice_sends_one_email(
    notifier, settings, tokens, bus, mail_to, confirm_address
):
    agency = unique("agency")
    async with notifier(settings) as client:
        address, _ = await subscribe(client, tokens, confirm_address, agency=agency, language="en")
        envelope = launched(agency, title_en="Duplicated")
        await bus.publish(envelope)
        await bus.publish(envelope)
        # Same campaign, so same key and partition: handled after both copies.
        await bus.publish(launched(agency, campaign_id=envelope.event.campaign_id, title_en="After"))

        emails = await eventually(lambda: len(mail_to(address)) >= 2 and mail_to(address), what="both emails")
        assert sorted(e["Subject"] for e in emails) == ["Poll: After", "Poll: Duplicated"]
        deliveries = await caused_by_events(client, tokens.of(["operator"]))
        assert len(deliveries) == 2 and {d["state"] for d in deliveries} == {"sent"}
        assert [d["cause"]["event_id"] for d in deliveries].count(envelope.id) == 1


async def test_a_published_result_is_emailed_with_the_counts_and_the_winner(
    notifier, settings, tokens, bus, mail_to, confirm_address
):
    agency = unique("agency")
    envelope = Envelope(
        source="voting",
        agency=agency,
        event=ResultPublished(
            ballot_id=str(ULID()),
            agency=agency,
            question=LocalizedText(ar="اسم منظومة المشتريات", en="Name of the procurement system"),
            counts=(
                OptionCount(option_id="a", label=LocalizedText(ar="إسناد", en="Isnad"), votes=820, percent=82.0),
                OptionCount(option_id="b", label=LocalizedText(ar="مناقصة", en="Munaqasa"), votes=180, percent=18.0),
            ),
            total_votes=1000,
            outcome="winner",
            winners=("a",),
            published_at=NOW,
        ),
    )
    async with notifier(settings) as client:
        address, _ = await subscribe(client, tokens, confirm_address, agency=agency, language="en", topics=("results",))
        # Published after subscribing: only later events are mailed.
        await bus.publish(replace(envelope, time=datetime.now(UTC)))

        [email] = await eventually(lambda: mail_to(address), what="the result email")
        assert email["Subject"] == "Result: Name of the procurement system"
        body = email.get_content()
        assert "- Isnad: 820 votes (82%)" in body
        assert "- Munaqasa: 180 votes (18%)" in body
        assert "Winner: Isnad" in body
        assert "الخيار الفائز: إسناد" in body


async def test_unreachable_smtp_is_retried_then_failed_and_kept_for_an_operator_to_retry(
    notifier, settings, tokens, bus, mail_to, smtp_sink, confirm_address
):
    agency = unique("agency")
    closed = settings.model_copy(update={"smtp_port": free_port("127.0.0.1")})
    operator = tokens.of(["operator"])
    async with notifier(settings) as client:
        address, subscription_id = await subscribe(client, tokens, confirm_address, agency=agency, language="en")
    async with notifier(closed) as client:
        envelope = launched(agency)
        since = await bus.end_offsets("notifier.deliveries")
        await bus.publish(envelope)

        delivery_id = f"{envelope.id}:{subscription_id}"
        [record] = await bus.records("notifier.deliveries", key=delivery_id, since=since)
        headers = {k: v.decode() for k, v in record.headers}
        assert headers["ce_type"] == "om.sharik.notifier.NotificationFailed.v1"
        failure = json.loads(record.value)
        assert failure["attempts"] == settings.delivery_attempts
        assert failure["error"]
        assert address not in record.value.decode()

        [kept] = (await client.get("/deliveries", params={"state": "failed"}, headers=operator)).json()
        assert (kept["delivery_id"], kept["attempts"]) == (delivery_id, settings.delivery_attempts)
        assert kept["last_error"] == failure["error"]
        assert mail_to(address) == []
        assert (await client.post(f"/deliveries/{delivery_id}/retry", headers=tokens.citizen())).status_code == 403

    # The mail server is back (same database, same consumer group): an operator retries.
    async with notifier(settings) as client:
        retried = await client.post(f"/deliveries/{delivery_id}/retry", headers=operator)
        assert retried.status_code == 200, retried.text
        [email] = await eventually(lambda: mail_to(address), what="the email after the retry")
        assert email["Subject"] == "Poll: Choose the forum topic"
        _, sent = await bus.records("notifier.deliveries", key=delivery_id, since=since, count=2)
        assert dict(sent.headers)["ce_type"] == b"om.sharik.notifier.NotificationSent.v1"
        again = await client.post(f"/deliveries/{delivery_id}/retry", headers=operator)
        assert again.status_code == 409


async def test_a_malformed_message_is_dead_lettered_and_the_next_event_still_delivered(
    notifier, settings, tokens, bus, mail_to, confirm_address
):
    agency = unique("agency")
    poison_key = unique("poison")
    async with notifier(settings) as client:
        address, _ = await subscribe(client, tokens, confirm_address, agency=agency, language="en")
        since = await bus.end_offsets("consultation.campaigns.dlq")
        await bus.publish_raw(
            "consultation.campaigns",
            b"{not json",
            key=poison_key,
            headers={
                "ce_specversion": "1.0",
                "ce_id": poison_key,
                "ce_source": "test",
                "ce_type": "om.sharik.consultation.CampaignLaunched.v1",
                "ce_time": NOW.isoformat(),
            },
        )
        await bus.publish(launched(agency))

        await eventually(lambda: mail_to(address), what="the email of the valid event")
        group = settings.consumer_group
        dead = await bus.records("consultation.campaigns.dlq", key=poison_key, since=since)
        mine = [r for r in dead if dict(r.headers)["dlq_consumer_group"] == group.encode()]
        assert mine, "the notifier's group dead-lettered the poison message"
        headers = dict(mine[0].headers)
        assert headers["dlq_origin_topic"] == b"consultation.campaigns"
        assert mine[0].value == b"{not json"
