"""The portal over the whole stack: the five services as processes on the real broker and
store, verifying the real OpenID provider's tokens against its JWKS, and the portal as a
process of its own on a free port, signed in to through that provider."""

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from ulid import ULID

from devstack.services import NAMES, start_portal, start_services
from devstack.smtp import free_port

AGENCY = "mjd"
CATEGORY = {"category": "office-service", "unit": "customer-service",
            "name": {"ar": "الخدمة في مكاتبنا", "en": "Service at our offices"}}


@dataclass(frozen=True)
class Stack:
    portal: str
    services: dict[str, str]
    provider: object

    def user(self, username: str):
        return self.provider.user(username)


@pytest.fixture(scope="session")
def stack(kafka_bootstrap_servers, mongodb_url, smtp_sink, oidc_provider, tokens) -> Iterator[Stack]:
    run = str(ULID()).lower()
    overrides = {"NOTIFIER_RETRY_BASE_SECONDS": "0.2"}
    for name in NAMES:
        prefix = name.upper()
        overrides[f"{prefix}_MONGODB_DATABASE"] = f"portal_{run}_{name}"
        overrides[f"{prefix}_CONSUMER_GROUP"] = f"portal.{run}.{name}"
        overrides[f"{prefix}_OUTBOX_POLL_SECONDS"] = "0.2"
    services = start_services(
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        smtp_host=smtp_sink.host,
        smtp_port=smtp_sink.port,
        ports={name: free_port("127.0.0.1") for name in NAMES},
        env_overrides=overrides,
        identity=oidc_provider,
    )
    try:
        response = httpx.post(
            f"{services.urls['feedback']}/categories", json=CATEGORY, headers=tokens.officer(AGENCY, role="agency_admin")
        )
        assert response.status_code == 201, response.text
        portal = start_portal(
            services.urls, issuer=oidc_provider.issuer, client_id=oidc_provider.client_id,
            client_secret=oidc_provider.client_secret, port=free_port("127.0.0.1"),
        )
    except BaseException:
        services.stop()
        raise
    yield Stack(portal.url, services.urls, oidc_provider)
    portal.stop()
    services.stop()
