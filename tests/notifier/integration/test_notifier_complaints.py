"""A complaint's filer is told of each step by email, on the real broker, store and
SMTP server: only the filer (or, for an anonymous complaint, whoever opted in with its
id), only once their address is confirmed, until they unsubscribe in one click; and
escalations reach the configured unit head and agency admin."""

import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from ulid import ULID

from devstack.smsc import SmsCentre
from devstack.smsc import serve as serve_smsc
from sharik.events import Envelope
from sharik.events.feedback import ComplaintEscalated, ComplaintFiled, ComplaintStatusChanged
from sharik.pseudonym import pseudonym
from tests.notifier.integration.conftest import eventually
from tests.notifier.integration.test_notifier_deliveries import unique

pytestmark = pytest.mark.integration


def filed(agency: str, complaint_id: str, reporter_id: str | None) -> Envelope:
    return Envelope(
        source="feedback",
        agency=agency,
        event=ComplaintFiled(
            complaint_id=complaint_id, agency=agency, kind="complaint", category="roads", reporter_id=reporter_id,
            filed_at=datetime.now(UTC),
        ),
    )


def changed(agency: str, complaint_id: str, previous: str, status: str, sequence: int) -> Envelope:
    return Envelope(
        source="feedback",
        agency=agency,
        event=ComplaintStatusChanged(
            complaint_id=complaint_id, agency=agency, status=status, previous_status=previous, sequence=sequence,
            changed_at=datetime.now(UTC),
        ),
    )


async def follow(client, confirm_address, complaint_id: str, *, headers=None, language="ar") -> tuple[str, str]:
    address = f"{unique('filer')}@example.om"
    response = await client.post(
        f"/complaints/{complaint_id}/followers",
        json={"channel": "email", "address": address, "language": language, "quiet_hours": False},
        headers=headers or {},
    )
    assert response.status_code == 201, response.text
    assert response.json()["confirmed"] is False
    await confirm_address(client, address)
    return address, response.json()["subscription_id"]


async def test_the_filer_is_told_of_each_step_and_no_one_else(
    notifier, settings, tokens, bus, mail_to, confirm_address
):
    agency = unique("agency")
    complaint_id = str(ULID())
    filer = f"citizen-{ULID()}"
    key = settings.pseudonym_key.get_secret_value()
    async with notifier(settings) as client:
        await bus.publish(filed(agency, complaint_id, pseudonym(key, filer)))
        address, subscription_id = await follow(
            client, confirm_address, complaint_id, headers=tokens.citizen(subject=filer)
        )
        stranger, _ = await follow(client, confirm_address, complaint_id, headers=tokens.citizen(), language="en")
        unconfirmed = f"{unique('filer')}@example.om"
        await client.post(
            f"/complaints/{complaint_id}/followers",
            json={"channel": "email", "address": unconfirmed, "language": "en", "quiet_hours": False},
            headers=tokens.citizen(subject=filer),
        )
        since = await bus.end_offsets("notifier.deliveries")
        steps = [("submitted", "routed"), ("routed", "in_progress"), ("in_progress", "resolved")]
        envelopes = [changed(agency, complaint_id, p, s, n) for n, (p, s) in enumerate(steps, start=1)]
        for envelope in envelopes:
            await bus.publish(envelope)

        emails = await eventually(lambda: len(mail_to(address)) == 3 and mail_to(address), what="three updates")
        bodies = [e.get_content() for e in emails]
        assert {e["Subject"] for e in emails} == {f"تحديث على بلاغك {complaint_id[-8:]}"}
        for text in ("أُحيلت إلى الجهة المختصة", "قيد المعالجة", "تم حلها"):
            assert any(text in body for body in bodies)
        assert any("is now resolved" in body for body in bodies), "English below the Arabic"
        assert all(e["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for e in emails)
        assert mail_to(stranger) == [], "only the filer of a named complaint is told"
        assert mail_to(unconfirmed) == [], "nothing but the confirmation link before confirming"

        [record] = await bus.records("notifier.deliveries", key=f"{envelopes[0].id}:{subscription_id}", since=since)
        sent = json.loads(record.value)
        assert sent["cause_type"] == ComplaintStatusChanged.type_name() and sent["cause_id"] == complaint_id
        assert address not in record.value.decode()

        # One click in the message: no more updates, and the address is gone. The
        # filer's other address, confirmed now, shows the next update was handled.
        link = urlsplit(emails[0]["List-Unsubscribe"].strip("<>"))
        gone = await client.post(f"{link.path}?{link.query}")
        assert gone.status_code == 200
        await confirm_address(client, unconfirmed)
        await bus.publish(changed(agency, complaint_id, "resolved", "closed", 4))
        [closed] = await eventually(lambda: mail_to(unconfirmed), what="the update to the other address")
        assert "is now closed" in closed.get_content()
        assert len(mail_to(address)) == 3
        assert (await client.post(f"{link.path}?{link.query}")).status_code == 404


async def test_an_anonymous_filer_can_opt_in_with_the_complaint_id(
    notifier, settings, bus, mail_to, confirm_address
):
    agency = unique("agency")
    complaint_id = str(ULID())
    async with notifier(settings) as client:
        await bus.publish(filed(agency, complaint_id, None))
        address, _ = await follow(client, confirm_address, complaint_id, language="en")
        await bus.publish(changed(agency, complaint_id, "submitted", "waiting_for_citizen", 1))
        [email] = await eventually(lambda: mail_to(address), what="the update")
        assert "is now waiting for your reply" in email.get_content()


async def test_an_escalation_reaches_the_configured_rung_by_email(notifier, settings, bus, mail_to):
    agency = unique("agency")
    unit_head, admin, operator = (f"{unique(role)}@example.om" for role in ("head", "admin", "operator"))
    configured = settings.model_copy(
        update={
            "escalation_recipients": {
                agency: {"unit_head": [unit_head], "agency_admin": [admin]},
                "*": {"platform_operator": [operator]},
            }
        }
    )
    complaint_id = str(ULID())
    async with notifier(configured) as client:
        assert client
        for level in ("unit_head", "agency_admin"):
            await bus.publish(
                Envelope(
                    source="feedback",
                    agency=agency,
                    event=ComplaintEscalated(
                        complaint_id=complaint_id, agency=agency, category="roads", target="resolve", level=level,
                        breach_id=f"{complaint_id}:resolve:{level}", deadline=datetime.now(UTC) - timedelta(hours=1),
                        escalated_at=datetime.now(UTC),
                    ),
                )
            )
        [to_head] = await eventually(lambda: mail_to(unit_head), what="the unit head's email")
        [to_admin] = await eventually(lambda: mail_to(admin), what="the agency admin's email")
        assert "escalated to the unit head" in to_head.get_content()
        assert "escalated to the agency administrator" in to_admin.get_content()
        assert to_head["Subject"].startswith("تصعيد")
        assert mail_to(operator) == []


async def test_a_filer_told_by_sms_sees_the_receipt_move_the_delivery_to_delivered(notifier, settings, bus):
    centre = await serve_smsc(SmsCentre())
    sms = settings.model_copy(update={"smpp_host": "127.0.0.1", "smpp_port": centre.port})
    agency = unique("agency")
    complaint_id = str(ULID())
    operator_headers = None
    try:
        async with notifier(sms) as client:
            await bus.publish(filed(agency, complaint_id, None))
            for number in ("91234567", "91234560"):  # the stand-in fails numbers ending in 0
                response = await client.post(
                    f"/complaints/{complaint_id}/followers",
                    json={"channel": "sms", "address": number, "language": "ar", "quiet_hours": False},
                )
                assert response.status_code == 201, response.text
                assert response.json()["address"] == f"+968{number}"
                [text] = await eventually(lambda n=number: centre.centre.texts(f"968{n}"), what="the confirmation SMS")
                link = urlsplit(re.search(r"https?://\S+", text).group(0))
                assert (await client.get(f"{link.path}?{link.query}")).status_code == 200
            since = await bus.end_offsets("notifier.deliveries")
            envelope = changed(agency, complaint_id, "submitted", "in_progress", 1)
            await bus.publish(envelope)

            texts = await eventually(lambda: centre.centre.texts("96891234567")[1:], what="the update by SMS")
            assert "قيد المعالجة" in texts[0] and "being worked on" not in texts[0], "the reader's language only"
            operator_headers = tokens_operator(settings)

            async def receipts_in():
                deliveries = (await client.get("/deliveries", headers=operator_headers)).json()
                mine = [d for d in deliveries if d["cause"]["event_id"] == envelope.id]
                return mine if len(mine) == 2 and all(d["receipt"] in ("delivered", "failed") for d in mine) else None

            by_state = {d["receipt"]: d for d in await eventually(receipts_in, what="both receipts")}
            assert [h["step"] for h in by_state["delivered"]["history"]] == ["submitted", "delivered"]
            assert [h["step"] for h in by_state["failed"]["history"]] == ["submitted", "failed: UNDELIV"]
            assert by_state["failed"]["state"] == "failed", "an operator can retry it"
            records = await bus.records(
                "notifier.deliveries", key=by_state["delivered"]["delivery_id"], since=since, count=2
            )
            types = [dict(r.headers)["ce_type"].decode() for r in records]
            assert types == ["om.sharik.notifier.NotificationSent.v1", "om.sharik.notifier.NotificationDelivered.v1"]
            assert all(b"91234567" not in r.value for r in records)
    finally:
        await centre.stop()


def tokens_operator(settings) -> dict[str, str]:
    from devstack.keys import dev_keys
    from sharik.auth import mint_token

    return {"authorization": f"Bearer {mint_token(dev_keys()[0], subject='operator-sms', roles=['operator'])}"}
