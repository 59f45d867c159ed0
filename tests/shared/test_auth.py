from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from sharik.auth import TokenVerifier, mint_token
from sharik.errors import Forbidden, Unauthenticated


def key_pair() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return private, public


PRIVATE, PUBLIC = key_pair()
VERIFIER = TokenVerifier(public_keys=[PUBLIC], issuer="sharik", audience="sharik")


def test_a_valid_officer_token_names_the_agency():
    principal = VERIFIER.verify(mint_token(PRIVATE, subject="o1", roles=["officer"], agency="mtcit"))
    assert principal.agency == "mtcit"
    principal.require_staff_of("mtcit")
    with pytest.raises(Forbidden, match="own agency"):
        principal.require_staff_of("moh")


def test_a_citizen_is_not_staff():
    principal = VERIFIER.verify(mint_token(PRIVATE, subject="c1", roles=["citizen"], wilayat="Bawshar"))
    assert principal.wilayat == "Bawshar"
    with pytest.raises(Forbidden):
        principal.require_staff_of("mtcit")


def test_a_token_signed_by_another_key_is_refused():
    other_private, _ = key_pair()
    with pytest.raises(Unauthenticated, match="invalid bearer token"):
        VERIFIER.verify(mint_token(other_private, subject="c1", roles=["citizen"]))


def test_an_expired_token_is_refused():
    token = mint_token(PRIVATE, subject="c1", roles=["citizen"], lifetime=timedelta(minutes=-1))  # beyond the clock-skew leeway
    with pytest.raises(Unauthenticated, match="expired"):
        VERIFIER.verify(token)


def test_a_staff_token_without_an_agency_is_refused():
    with pytest.raises(Unauthenticated, match="without an agency"):
        VERIFIER.verify(mint_token(PRIVATE, subject="o1", roles=["officer"]))


def test_a_token_for_another_audience_is_refused():
    with pytest.raises(Unauthenticated):
        VERIFIER.verify(mint_token(PRIVATE, subject="c1", roles=["citizen"], audience="elsewhere"))


def test_a_birthdate_claim_is_read_for_age_rules():
    from datetime import date

    principal = VERIFIER.verify(mint_token(PRIVATE, subject="c1", roles=["citizen"], birthdate=date(2001, 2, 3)))
    assert principal.birthdate == date(2001, 2, 3)
    assert VERIFIER.verify(mint_token(PRIVATE, subject="c2", roles=["citizen"])).birthdate is None
