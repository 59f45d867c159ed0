from datetime import UTC, datetime

import pytest

from notifier.domain.subscription import Subscription, normalize_address
from sharik.errors import Invalid

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)


def subscribe(**overrides) -> Subscription:
    fields = dict(
        subscription_id="s1",
        owner="p1",
        channel="email",
        address="Citizen@Example.OM",
        language="ar",
        topics=["results", "campaigns", "results"],
        agency=None,
        now=NOW,
    )
    return Subscription.create(**{**fields, **overrides})


def test_a_subscription_keeps_each_topic_once_and_lowercases_the_mail_domain():
    subscription = subscribe()
    assert subscription.topics == ("campaigns", "results")
    assert subscription.address == "Citizen@example.om"
    assert subscription.agency is None


@pytest.mark.parametrize(
    "address",
    [
        "no-at-sign.example.om",
        "two@@example.om",
        "space in@example.om",
        "a@localhost",
        "a@example.om>, b@evil.example",
        "a@example.om\r\nBcc: b@evil.example",
        "a@-example.om",
        "x" * 65 + "@example.om",
        "a@" + "b" * 250 + ".om",
    ],
)
def test_an_address_that_mail_cannot_reach_safely_is_refused(address):
    with pytest.raises(Invalid) as error:
        normalize_address("email", address)
    assert error.value.details == [{"field": "address"}]


def test_ordinary_addresses_are_accepted():
    assert normalize_address("email", " first.last+sharik@mail.gov.om ") == "first.last+sharik@mail.gov.om"


def test_unknown_channel_language_or_topic_is_refused():
    with pytest.raises(Invalid, match="unsupported channel"):
        subscribe(channel="pigeon")
    with pytest.raises(Invalid, match="unsupported language"):
        subscribe(language="fr")
    with pytest.raises(Invalid, match="unknown topics: weather"):
        subscribe(topics=["weather"])
    with pytest.raises(Invalid, match="at least one topic"):
        subscribe(topics=[])
