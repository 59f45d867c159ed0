"""Citizens manage their own subscriptions, on the real store."""

import pytest
from ulid import ULID

pytestmark = pytest.mark.integration


def subscription(**overrides) -> dict:
    return {
        "channel": "email",
        "address": f"citizen-{str(ULID()).lower()}@example.om",
        "language": "ar",
        "topics": ["campaigns", "results"],
        "agency": "mtcit",
        **overrides,
    }


async def test_a_citizen_subscribes_lists_and_unsubscribes(notifier, settings, tokens):
    citizen = tokens.citizen()
    async with notifier(settings) as client:
        created = await client.post("/subscriptions", json=subscription(), headers=citizen)
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["topics"] == ["campaigns", "results"]
        assert body["language"] == "ar"

        mine = await client.get("/subscriptions", headers=citizen)
        assert [s["subscription_id"] for s in mine.json()] == [body["subscription_id"]]

        gone = await client.delete(f"/subscriptions/{body['subscription_id']}", headers=citizen)
        assert gone.status_code == 204
        assert (await client.get("/subscriptions", headers=citizen)).json() == []


async def test_subscribing_the_same_address_again_updates_it(notifier, settings, tokens):
    citizen = tokens.citizen()
    first = subscription(address="Someone@Example.OM")
    async with notifier(settings) as client:
        created = await client.post("/subscriptions", json=first, headers=citizen)
        again = await client.post(
            "/subscriptions",
            json={**first, "address": "Someone@example.om", "language": "en", "topics": ["results"], "agency": None},
            headers=citizen,
        )
        assert again.status_code == 200, again.text
        assert again.json()["subscription_id"] == created.json()["subscription_id"]
        assert (again.json()["language"], again.json()["topics"], again.json()["agency"]) == ("en", ["results"], None)
        assert len((await client.get("/subscriptions", headers=citizen)).json()) == 1


async def test_nobody_sees_or_deletes_another_citizens_subscription(notifier, settings, tokens):
    owner, other = tokens.citizen(), tokens.citizen()
    async with notifier(settings) as client:
        created = (await client.post("/subscriptions", json=subscription(), headers=owner)).json()
        assert (await client.get("/subscriptions", headers=other)).json() == []
        refused = await client.delete(f"/subscriptions/{created['subscription_id']}", headers=other)
        assert refused.status_code == 404
        assert len((await client.get("/subscriptions", headers=owner)).json()) == 1


async def test_bad_input_and_wrong_callers_are_refused(notifier, settings, tokens):
    async with notifier(settings) as client:
        bad_address = await client.post(
            "/subscriptions", json=subscription(address="not-an-address"), headers=tokens.citizen()
        )
        assert bad_address.status_code == 422
        assert bad_address.json()["error"]["details"] == [{"field": "address"}]

        bad_topic = await client.post("/subscriptions", json=subscription(topics=["weather"]), headers=tokens.citizen())
        assert bad_topic.status_code == 422
        assert bad_topic.json()["error"]["details"][0]["field"].startswith("topics")

        assert (await client.post("/subscriptions", json=subscription())).status_code == 401
        officer = await client.post("/subscriptions", json=subscription(), headers=tokens.officer("mtcit"))
        assert officer.status_code == 403

        assert (await client.get("/deliveries", headers=tokens.citizen())).status_code == 403
