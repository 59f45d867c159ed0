"""Webhooks over real HTTP to receivers that verify the signatures with the same
`standardwebhooks` library: retried on the schedule until the endpoint answers, 410
disabling the endpoint, two secrets during a rotation, replay, and no endpoint on a
private or loopback address unless allow-listed."""

import json

import pytest
from aiohttp import web
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from devstack.smtp import free_port
from sharik.events.consultation import CampaignLaunched
from tests.notifier.integration.conftest import eventually
from tests.notifier.integration.test_notifier_deliveries import launched, unique

pytestmark = pytest.mark.integration

LAUNCHED = CampaignLaunched.type_name()


class Receiver:
    """An HTTP endpoint answering from a script of status codes (then 200), keeping
    every request and whether its signature verified against `secrets`."""

    def __init__(self, answers: list[int]) -> None:
        self.answers = list(answers)
        self.secrets: list[str] = []
        self.requests: list[tuple[dict, bytes, bool]] = []

    async def take(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = dict(request.headers)
        verified = []
        for secret in self.secrets:
            try:
                Webhook(secret).verify(body, headers)
                verified.append(secret)
            except WebhookVerificationError:
                pass
        self.requests.append((headers, body, verified))
        return web.Response(status=self.answers.pop(0) if self.answers else 200)

    async def __aenter__(self) -> "Receiver":
        app = web.Application()
        app.router.add_post("/hook", self.take)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = free_port("127.0.0.1")
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        return self

    async def __aexit__(self, *_exc) -> None:
        await self._runner.cleanup()


@pytest.fixture
def webhook_settings(settings):
    return settings.model_copy(
        update={"webhook_allowed_networks": ["127.0.0.1/32"], "webhook_retry_schedule_seconds": (0.1, 0.2, 0.3)}
    )


async def register(client, headers, url: str, types=(LAUNCHED,)):
    response = await client.post("/webhooks", json={"url": url, "event_types": list(types)}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_an_endpoint_failing_twice_gets_the_event_on_the_third_try_signed_and_structured(
    notifier, webhook_settings, tokens, bus
):
    agency = unique("agency")
    admin = tokens.officer(agency, role="agency_admin")
    async with notifier(webhook_settings) as client, Receiver([500, 503]) as receiver:
        endpoint = await register(client, admin, receiver.url)
        receiver.secrets = endpoint["secrets"]
        assert endpoint["secrets"][0].startswith("whsec_")
        since = await bus.end_offsets("notifier.webhooks")
        envelope = launched(agency)
        await bus.publish(envelope)
        await bus.publish(launched(unique("agency")))  # another agency's: not for this endpoint

        await eventually(lambda: len(receiver.requests) >= 3, what="three attempts")
        ids = {headers["webhook-id"] for headers, _body, _ok in receiver.requests}
        assert ids == {f"{envelope.id}:{endpoint['endpoint_id']}"}, "one message, retried under one id"
        assert all(ok for _h, _b, ok in receiver.requests)
        headers, body, _ok = receiver.requests[-1]
        assert headers["Content-Type"] == "application/cloudevents+json"
        event = json.loads(body)
        assert (event["specversion"], event["id"], event["type"]) == ("1.0", envelope.id, LAUNCHED)
        assert event["data"]["campaign_id"] == envelope.event.campaign_id

        delivery_id = f"{envelope.id}:{endpoint['endpoint_id']}"
        [record] = await bus.records("notifier.webhooks", key=delivery_id, since=since)
        delivered = json.loads(record.value)
        assert (delivered["attempts"], delivered["status_code"]) == (3, 200)
        assert dict(record.headers)["ce_type"] == b"om.sharik.notifier.WebhookDelivered.v1"

        log = (await client.get(f"/webhooks/{endpoint['endpoint_id']}/deliveries", headers=admin)).json()
        assert [a["status_code"] for a in log[0]["attempts"]] == [500, 503, 200]

        # Rotation: both secrets sign until the old one's grace ends, so a receiver
        # still holding the old one verifies the next delivery.
        rotated = (await client.post(f"/webhooks/{endpoint['endpoint_id']}/rotate", headers=admin)).json()
        assert len(rotated["secrets"]) == 2 and rotated["secrets"][1] == endpoint["secrets"][0]
        receiver.secrets = [endpoint["secrets"][0]]
        await bus.publish(launched(agency))
        await eventually(lambda: len(receiver.requests) >= 4, what="a delivery after the rotation")
        headers, _body, ok = receiver.requests[-1]
        assert ok and len(headers["webhook-signature"].split(" ")) == 2
        receiver.secrets = [rotated["secrets"][0]]
        await client.post(
            f"/webhooks/{endpoint['endpoint_id']}/deliveries/{delivery_id}/replay", headers=admin
        )
        await eventually(lambda: len(receiver.requests) >= 5, what="the replay")
        assert receiver.requests[-1][2], "signed with the new secret too"


async def test_an_endpoint_answering_410_is_disabled_and_the_delivery_failed(notifier, webhook_settings, tokens, bus):
    agency = unique("agency")
    admin = tokens.officer(agency, role="agency_admin")
    async with notifier(webhook_settings) as client, Receiver([410]) as receiver:
        endpoint = await register(client, admin, receiver.url)
        since = await bus.end_offsets("notifier.webhooks")
        envelope = launched(agency)
        await bus.publish(envelope)
        delivery_id = f"{envelope.id}:{endpoint['endpoint_id']}"
        [record] = await bus.records("notifier.webhooks", key=delivery_id, since=since)
        failed = json.loads(record.value)
        assert (failed["attempts"], failed["endpoint_disabled"], failed["error"]) == (1, True, "HTTP 410")
        assert len(receiver.requests) == 1
        shown = (await client.get(f"/webhooks/{endpoint['endpoint_id']}", headers=admin)).json()
        assert shown["state"] == "disabled"
        failures = await client.get(f"/webhooks/{endpoint['endpoint_id']}/deliveries?state=failed", headers=admin)
        assert [d["delivery_id"] for d in failures.json()] == [delivery_id]
        await bus.publish(launched(agency))
        assert len(receiver.requests) == 1, "a disabled endpoint gets nothing new"
        other = await client.get(
            f"/webhooks/{endpoint['endpoint_id']}", headers=tokens.officer(unique("agency"), role="agency_admin")
        )
        assert other.status_code == 404


REFUSED = [
    "http://10.1.2.3/hook",
    "https://192.168.0.1/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/hook",
    "https://localhost/hook",
    "http://127.0.0.1:9/hook",
    "ftp://example.om/hook",
]


async def test_loopback_and_private_addresses_are_refused_unless_allow_listed_and_operators_get_public_topics_only(
    notifier, settings, webhook_settings, tokens
):
    url = f"http://127.0.0.1:{free_port('127.0.0.1')}/hook"
    admin = tokens.officer(unique("agency"), role="agency_admin")
    async with notifier(settings) as client:
        for refused_url in REFUSED:
            refused = await client.post("/webhooks", json={"url": refused_url, "event_types": [LAUNCHED]}, headers=admin)
            assert refused.status_code == 422, (refused_url, refused.text)
            assert refused.json()["error"]["details"][0]["field"] == "url"
    async with notifier(webhook_settings) as client:
        await register(client, admin, url)
        operator = tokens.of(["operator"])
        await register(client, operator, url, types=("om.sharik.notifier.AlertIssued.v1",))
        private = await client.post(
            "/webhooks", json={"url": url, "event_types": ["om.sharik.feedback.ComplaintFiled.v1"]}, headers=operator
        )
        assert private.status_code == 422 and private.json()["error"]["details"][0]["field"] == "event_types"
        citizen = await client.post("/webhooks", json={"url": url, "event_types": [LAUNCHED]}, headers=tokens.citizen())
        assert citizen.status_code == 403
