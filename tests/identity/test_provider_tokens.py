"""The services accept the real provider's access tokens, verified against its JWKS:
through a running service, across a key rotation at the provider, and during an outage."""

import json
import signal
import time
from datetime import date

import jwt
import pytest

from consultation.config import ConsultationSettings
from consultation.main import create_app
from devstack import oidc
from devstack.smtp import free_port
from sharik.auth import TokenVerifier
from sharik.auth.tokens import KeySet
from sharik.errors import Unauthenticated
from tests.identity import flow
from tests.support.service import running, unique_database

CAMPAIGN = {
    "kind": "poll",
    "title": {"ar": "استطلاع", "en": "A poll"},
    "summary": {"ar": "ملخص", "en": "Summary"},
    "opens_at": "2026-11-01T00:00:00Z",
    "closes_at": "2030-01-01T00:00:00Z",
}


def provider_verifier(provider, **options) -> TokenVerifier:
    return TokenVerifier(audience="sharik", issuer="sharik", jwks=KeySet(provider.jwks_url, provider.issuer, **options))


def test_an_access_token_from_the_provider_names_the_caller(oidc_provider):
    verifier = provider_verifier(oidc_provider)
    citizen = verifier.verify(flow.sign_in(oidc_provider, "citizen.muscat")["access_token"])
    assert citizen.subject == "demo-citizen-muscat"
    assert citizen.roles == {"citizen"}
    assert (citizen.governorate, citizen.wilayat, citizen.birthdate) == ("muscat", "bawshar", date(1990, 4, 12))
    officer = verifier.verify(flow.sign_in(oidc_provider, "officer.mtcit")["access_token"])
    officer.require_staff_of("mtcit")
    # The ID token is the portal's, not a key to the services.
    with pytest.raises(Unauthenticated, match="Audience"):
        verifier.verify(flow.sign_in(oidc_provider, "citizen.muscat")["id_token"])


@pytest.fixture
def consultation_settings(kafka_bootstrap_servers, mongodb_url, jwt_keys, oidc_provider):
    def make(**changes) -> ConsultationSettings:
        values = {
            "kafka_bootstrap_servers": kafka_bootstrap_servers,
            "mongodb_url": mongodb_url,
            "mongodb_database": unique_database("consultation"),
            "jwt_public_key": jwt_keys[1],
            "jwks_url": oidc_provider.jwks_url,
            "jwks_issuer": oidc_provider.issuer,
            "environment": "test",
            "outbox_poll_seconds": 0.2,
        }
        return ConsultationSettings(**(values | changes))

    return make


@pytest.mark.integration
async def test_a_service_accepts_the_providers_tokens_and_the_dev_key_beside_them(
    consultation_settings, oidc_provider, tokens
):
    officer = flow.sign_in(oidc_provider, "officer.mtcit")["access_token"]
    async with running(create_app(consultation_settings())) as service:
        planned = await service.post("/campaigns", json=CAMPAIGN, headers={"authorization": f"Bearer {officer}"})
        assert planned.status_code == 201, planned.text
        assert planned.json()["agency"] == "mtcit"
        dev = await service.post("/campaigns", json=CAMPAIGN, headers=tokens.officer("mtcit"))
        assert dev.status_code == 201, dev.text
        citizen = flow.sign_in(oidc_provider, "citizen.dhofar")["access_token"]
        refused = await service.post("/campaigns", json=CAMPAIGN, headers={"authorization": f"Bearer {citizen}"})
        assert refused.status_code == 403


@pytest.mark.integration
async def test_a_token_of_an_unknown_key_during_a_jwks_outage_is_401_not_500(consultation_settings, oidc_provider):
    officer = flow.sign_in(oidc_provider, "officer.mjd")["access_token"]
    outage = consultation_settings(jwks_url=f"http://127.0.0.1:{free_port('127.0.0.1')}/jwks")
    async with running(create_app(outage)) as service:
        response = await service.post("/campaigns", json=CAMPAIGN, headers={"authorization": f"Bearer {officer}"})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
        assert "unknown key" in response.json()["error"]["message"]


def test_keys_rotated_at_the_provider_are_picked_up_without_restarting_the_verifier(tmp_path):
    provider = oidc.start(port=free_port("127.0.0.1"), keys_file=tmp_path / "jwks.json")
    try:
        verifier = provider_verifier(provider, refresh_interval=0)
        before = flow.sign_in(provider, "citizen.muscat")["access_token"]
        assert verifier.verify(before).subject == "demo-citizen-muscat"

        new_kid = provider.rotate_keys()
        after = flow.sign_in(provider, "citizen.dhofar")["access_token"]
        assert jwt.get_unverified_header(after)["kid"] == new_kid != jwt.get_unverified_header(before)["kid"]
        assert verifier.verify(after).subject == "demo-citizen-dhofar"
        assert verifier.verify(before).subject == "demo-citizen-muscat"  # signed before: still valid

        for _ in range(oidc.KEPT_KEYS):
            provider.rotate_keys()
        with pytest.raises(Unauthenticated, match="unknown key"):
            provider_verifier(provider).verify(before)  # its key is no longer published
    finally:
        provider.stop()


def test_a_keys_file_changed_by_hand_is_read_again_on_sighup(tmp_path):
    keys_file = tmp_path / "jwks.json"
    provider = oidc.start(port=free_port("127.0.0.1"), keys_file=keys_file)
    try:
        keys = json.loads(keys_file.read_text())["keys"]
        assert {key["kty"] for key in keys} == {"EC", "RSA"}
        keys_file.write_text(json.dumps({"keys": [key for key in keys if key["kty"] == "EC"]}))
        provider.process.popen.send_signal(signal.SIGHUP)
        expected = [key["kid"] for key in keys if key["kty"] == "EC"]
        deadline = time.monotonic() + 10
        while oidc.published_kids(provider.jwks_url) != expected:
            assert time.monotonic() < deadline, oidc.published_kids(provider.jwks_url)
            time.sleep(0.1)
        assert flow.sign_in(provider, "auditor")["access_token"]  # signing goes on
    finally:
        provider.stop()
