"""The devstack points every service at its OpenID provider: the environment it gives
them makes settings whose verifier accepts the provider's tokens and the dev key's."""

import pytest

from consultation.config import ConsultationSettings
from devstack import oidc
from devstack.services import NAMES, service_env
from sharik.auth import Role, TokenVerifier
from tests.identity import flow


def test_each_service_is_given_the_providers_jwks_and_issuer(oidc_provider, jwt_keys):
    for name in NAMES:
        env = service_env(
            name, port=1, kafka_bootstrap_servers="k", mongodb_url="m", smtp_host="h", smtp_port=2,
            identity=oidc_provider,
        )
        prefix = name.upper()
        assert env[f"{prefix}_JWKS_URL"] == oidc_provider.jwks_url
        assert env[f"{prefix}_JWKS_ISSUER"] == oidc_provider.issuer
        assert env[f"{prefix}_JWT_PUBLIC_KEY"] == jwt_keys[1]


def test_settings_from_that_environment_accept_both_kinds_of_token(oidc_provider, tokens, monkeypatch):
    env = service_env(
        "consultation", port=1, kafka_bootstrap_servers="k", mongodb_url="m", smtp_host="h", smtp_port=2,
        identity=oidc_provider,
    )
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    verifier = TokenVerifier.from_settings(ConsultationSettings())
    provider_token = flow.sign_in(oidc_provider, "admin.mtcit")["access_token"]
    assert verifier.verify(provider_token).agency == "mtcit"
    dev_token = tokens.officer("mjd")["authorization"].removeprefix("Bearer ")
    assert verifier.verify(dev_token).agency == "mjd"


def test_the_demo_users_cover_every_role_and_two_governorates_and_agencies():
    users = oidc.demo_users()
    roles = {role for user in users for role in user.roles}
    assert roles == set(Role.__args__)
    assert len({user.governorate for user in users if "citizen" in user.roles}) >= 2
    assert {user.agency for user in users if "officer" in user.roles} == {"mjd", "mtcit"}
    assert len({user.agency for user in users if user.roles == ("officer",)}) == 2
    assert {user.agency for user in users if "agency_admin" in user.roles} == {"mjd", "mtcit"}
    assert len({user.sub for user in users}) == len(users)
    for user in users:
        assert set(user.name) == {"ar", "en"} and user.locale in ("ar", "en")
    printed = oidc.describe_users()
    assert oidc.demo_password() in printed and all(user.username in printed for user in users)


@pytest.mark.parametrize("username", [user.username for user in oidc.demo_users()])
def test_every_demo_user_can_sign_in(oidc_provider, username):
    assert flow.sign_in(oidc_provider, username)["access_token"]
