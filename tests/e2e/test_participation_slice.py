"""The walking skeleton end to end: five separate processes, real Kafka, real store,
real SMTP. A campaign is launched, a forum-topic ballot is voted on and closed, a
complaint is filed and followed, subscribers are emailed, and the transparency read
model shows it all — and rebuilds the same answer from the topics."""

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from ulid import ULID

from sharik.events import Envelope, LocalizedText

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

TOPICS = [
    {"option_id": "human-and-society", "label": {"ar": "الإنسان والمجتمع", "en": "Human and society"}},
    {"option_id": "economy", "label": {"ar": "الاقتصاد", "en": "Economy"}},
    {"option_id": "governance", "label": {"ar": "الحوكمة", "en": "Governance"}},
]


def window() -> dict:
    now = datetime.now(UTC)
    return {"opens_at": (now - timedelta(minutes=1)).isoformat(), "closes_at": (now + timedelta(days=7)).isoformat()}


async def eventually(probe, *, timeout: float = 60, interval: float = 0.3):
    """Poll `probe()` until it returns something truthy; fail with its last answer."""
    deadline = time.monotonic() + timeout
    while True:
        answer = await probe()
        if answer:
            return answer
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting; last answer: {answer!r}")
        await asyncio.sleep(interval)


async def records(bootstrap: str, topic: str, *, where, at_least: int = 1, timeout: float = 30) -> list:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    found = []
    try:
        deadline = time.monotonic() + timeout
        while len(found) < at_least and time.monotonic() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                found += [r for r in batch if where(r)]
    finally:
        await consumer.stop()
    return found


def headers_of(record) -> dict[str, str]:
    return {k: v.decode() for k, v in record.headers}


async def test_the_participation_slice_across_five_services(platform, tokens, http, smtp_sink, kafka_bootstrap_servers):
    agency = f"mjd-{str(ULID()).lower()}"
    officer = tokens.officer(agency)
    outsider = tokens.officer("another-agency")
    citizen_address = f"citizen-{ULID()}@example.om"

    # notifier: a citizen subscribes before anything is announced
    subscription = await http.post(
        f"{platform['notifier']}/subscriptions",
        json={
            "channel": "email",
            "address": citizen_address,
            "language": "ar",
            "topics": ["campaigns", "results"],
            "agency": agency,
        },
        headers=tokens.citizen(),
    )
    assert subscription.status_code == 201, subscription.text

    # consultation: plan and launch; another agency's officer is refused
    planned = await http.post(
        f"{platform['consultation']}/campaigns",
        json={
            "kind": "poll",
            "title": {"ar": "معاً نتقدم: اختر موضوع المنتدى", "en": "Together We Progress: choose the forum topic"},
            "summary": {"ar": "ثلاثة مواضيع مقترحة", "en": "Three proposed topics"},
            **window(),
        },
        headers=officer,
    )
    assert planned.status_code == 201, planned.text
    campaign_id = planned.json()["campaign_id"]
    refused = await http.post(f"{platform['consultation']}/campaigns/{campaign_id}/launch", headers=outsider)
    assert refused.status_code == 403
    launched = await http.post(f"{platform['consultation']}/campaigns/{campaign_id}/launch", headers=officer)
    assert launched.status_code == 200, launched.text

    # voting: open a single-choice ballot, vote, refuse a double vote, close
    created = await http.post(
        f"{platform['voting']}/ballots",
        json={
            "question": {"ar": "ما موضوع المنتدى؟", "en": "Which topic should the forum discuss?"},
            "options": TOPICS,
            "campaign_id": campaign_id,
            **window(),
        },
        headers=officer,
    )
    assert created.status_code == 201, created.text
    ballot_id = created.json()["ballot_id"]
    assert (await http.post(f"{platform['voting']}/ballots/{ballot_id}/open", headers=outsider)).status_code == 403
    opened = await http.post(f"{platform['voting']}/ballots/{ballot_id}/open", headers=officer)
    assert opened.status_code == 200, opened.text

    voters = [tokens.citizen() for _ in range(5)]
    choices = ["human-and-society", "human-and-society", "human-and-society", "economy", "governance"]
    for voter, choice in zip(voters, choices):
        vote = await http.post(f"{platform['voting']}/ballots/{ballot_id}/votes", json={"choice": choice}, headers=voter)
        assert vote.status_code == 201, vote.text
        assert vote.json()["receipt"]
    again = await http.post(f"{platform['voting']}/ballots/{ballot_id}/votes", json={"choice": "economy"}, headers=voters[0])
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_voted"

    closed = await http.post(f"{platform['voting']}/ballots/{ballot_id}/close", headers=officer)
    assert closed.status_code == 200, closed.text

    [published] = await records(
        kafka_bootstrap_servers,
        "voting.ballots",
        where=lambda r: r.key == ballot_id.encode() and headers_of(r)["ce_type"].endswith("ResultPublished.v1"),
    )
    vote_records = await records(
        kafka_bootstrap_servers, "voting.votes", where=lambda r: headers_of(r)["ce_subject"] == ballot_id
    )
    assert len(vote_records) == 5
    assert all(b"citizen-" not in r.value and b"voter" not in r.value for r in vote_records), "VoteCast names no voter"

    # feedback: the agency's catalogue routes "roads" to its unit; a citizen files a
    # complaint, follows it by tracking code, and the agency acknowledges it
    category = await http.post(
        f"{platform['feedback']}/categories",
        json={"category": "roads", "name": {"ar": "الطرق", "en": "Roads"}, "unit": "roads-unit"},
        headers=tokens.officer(agency, role="agency_admin"),
    )
    assert category.status_code == 201, category.text
    filed = await http.post(
        f"{platform['feedback']}/complaints",
        json={
            "kind": "complaint",
            "agency": agency,
            "category": "roads",
            "description": "حفرة كبيرة في الطريق قرب السوق المركزي",
            "governorate": "muscat",
            "wilayat": "bawshar",
        },
        headers=tokens.citizen(),
    )
    assert filed.status_code == 201, filed.text
    complaint = filed.json()
    tracked = await http.get(f"{platform['feedback']}/complaints/track/{complaint['tracking_code']}")
    assert tracked.status_code == 200
    assert tracked.json()["status"] == "routed"
    acknowledged = await http.post(
        f"{platform['feedback']}/complaints/{complaint['complaint_id']}/status",
        json={"status": "acknowledged"},
        headers=officer,
    )
    assert acknowledged.status_code == 200, acknowledged.text

    # reporting: the transparency view shows the campaign, the result and the complaint
    reporting = platform["reporting"]

    async def ballot_result():
        response = await http.get(f"{reporting}/transparency/ballots/{ballot_id}")
        return response.status_code == 200 and response.json().get("result") and response.json()

    ballot = await eventually(ballot_result)
    counts = {row["option_id"]: row["votes"] for row in ballot["result"]["counts"]}
    assert counts == {"human-and-society": 3, "economy": 1, "governance": 1}
    assert ballot["result"]["winners"] == ["human-and-society"]

    async def complaint_summary():
        response = await http.get(f"{reporting}/transparency/complaints/summary", params={"agency": agency})
        body = response.json()
        return body if body.get("by_status", {}).get("acknowledged") == 1 else None

    await eventually(complaint_summary)

    async def campaigns():
        response = await http.get(f"{reporting}/transparency/campaigns", params={"agency": agency})
        return [c for c in response.json() if c["campaign_id"] == campaign_id]

    await eventually(campaigns)

    # notifier: the subscriber got a real email for the launch and for the result
    def mail_to_citizen():
        return [m for m in smtp_sink.messages() if citizen_address in m["To"]]

    async def two_mails():
        return len(mail_to_citizen()) >= 2 and mail_to_citizen()

    mails = await eventually(two_mails)
    assert len(mails) == 2
    sent = await records(
        kafka_bootstrap_servers,
        "notifier.deliveries",
        where=lambda r: headers_of(r)["ce_type"].endswith("NotificationSent.v1") and campaign_id.encode() in r.value,
    )
    assert sent and all(citizen_address.encode() not in r.value for r in sent), "events never carry the address"

    # at-least-once delivery: the launch record again verbatim, then a malformed record,
    # then a later launch of the same campaign, all on the campaign's key, so one
    # partition orders them: once the later launch is handled, so were the other two.
    [launch_record] = await records(
        kafka_bootstrap_servers,
        "consultation.campaigns",
        where=lambda r: r.key == campaign_id.encode() and headers_of(r)["ce_type"].endswith("CampaignLaunched.v1"),
    )
    original = Envelope.parse(headers_of(launch_record), launch_record.value)
    later = Envelope(
        event=original.event.model_copy(update={"title": LocalizedText(ar="عنوان محدث", en="Updated title")}),
        source="consultation",
        agency=agency,
    )
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers)
    await producer.start()
    try:
        key = campaign_id.encode()
        await producer.send_and_wait("consultation.campaigns", launch_record.value, key=key, headers=list(launch_record.headers))
        poison_headers = {**original.headers(), "ce_id": f"poison-{campaign_id}"}
        await producer.send_and_wait(
            "consultation.campaigns", b'{"campaign_id": 42}', key=key, headers=[(k, v.encode()) for k, v in poison_headers.items()]
        )
        await producer.send_and_wait(
            "consultation.campaigns", later.body(), key=key, headers=[(k, v.encode()) for k, v in later.headers().items()]
        )
    finally:
        await producer.stop()

    async def updated_title():
        response = await http.get(f"{reporting}/transparency/campaigns", params={"agency": agency})
        return [c for c in response.json() if c["title"]["en"] == "Updated title"]

    [campaign] = await eventually(updated_title)
    assert campaign["campaign_id"] == campaign_id

    async def three_mails():
        return len(mail_to_citizen()) >= 3 and mail_to_citizen()

    await eventually(three_mails)
    deliveries = (await http.get(f"{platform['notifier']}/deliveries", headers=tokens.of(["operator"]))).json()
    causes = [d["cause"]["event_id"] for d in deliveries]
    assert causes.count(original.id) == 1, "the replayed launch sent no second email"
    assert causes.count(later.id) == 1
    assert len(mail_to_citizen()) == 3

    dead = await records(
        kafka_bootstrap_servers,
        "consultation.campaigns.dlq",
        where=lambda r: headers_of(r).get("ce_id") == f"poison-{campaign_id}",
        at_least=2,
    )
    assert {headers_of(r)["dlq_consumer_group"].rsplit(".", 1)[-1] for r in dead} == {"notifier", "reporting"}

    # replay: drop the read model and rebuild it from the topics: the same answers
    before = {
        "ballot": (await http.get(f"{reporting}/transparency/ballots/{ballot_id}")).json(),
        "complaints": (await http.get(f"{reporting}/transparency/complaints/summary", params={"agency": agency})).json(),
        "campaigns": (await http.get(f"{reporting}/transparency/campaigns", params={"agency": agency})).json(),
    }
    rebuilt = await http.post(f"{reporting}/admin/rebuild", headers=tokens.of(["operator"]))
    assert rebuilt.status_code == 200, rebuilt.text
    after = {
        "ballot": (await http.get(f"{reporting}/transparency/ballots/{ballot_id}")).json(),
        "complaints": (await http.get(f"{reporting}/transparency/complaints/summary", params={"agency": agency})).json(),
        "campaigns": (await http.get(f"{reporting}/transparency/campaigns", params={"agency": agency})).json(),
    }
    assert after == before
