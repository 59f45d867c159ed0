import pytest
from pydantic import ValidationError

from sharik.pseudonym import pseudonym
from sharik.settings import ServiceSettings


def settings(**values) -> ServiceSettings:
    return ServiceSettings(service_name="x", http_port=1, mongodb_database="x", **values)


def test_a_service_refuses_to_start_without_a_token_key():
    with pytest.raises(ValidationError, match="jwt_public_key or jwks_url is required"):
        settings()


def test_production_refuses_the_placeholder_pseudonym_key():
    for placeholder in (None, "CHANGE_ME", "dev-only-pseudonym-key", "short"):
        values = {"pseudonym_key": placeholder} if placeholder else {}
        with pytest.raises(ValidationError, match="placeholder"):
            settings(jwt_public_key="PEM", environment="prod", **values)
    real = "9f2c1e7a4b6d8f0a3c5e7b9d1f3a5c7e"
    assert settings(jwt_public_key="PEM", environment="prod", pseudonym_key=real).environment == "prod"


def test_pseudonyms_are_stable_keyed_and_separated_by_purpose():
    assert pseudonym("k", "90012345") == pseudonym("k", "90012345")
    assert pseudonym("k", "90012345") != pseudonym("other", "90012345")
    assert pseudonym("k", "90012345", purpose="voter:b1") != pseudonym("k", "90012345")
    assert "90012345" not in pseudonym("k", "90012345")


def test_the_token_key_can_come_from_a_file(tmp_path):
    (tmp_path / "public.pem").write_text("PEM FROM FILE")
    assert settings(jwt_public_key_file=tmp_path / "public.pem").jwt_public_key == "PEM FROM FILE"
