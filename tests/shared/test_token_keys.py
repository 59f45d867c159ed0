"""The token verifier with several keys at once: PEM keys chosen by kid, a JWKS served
over real HTTP (fetched when a new kid appears, rate-limited, outages survived), and
forged tokens refused."""

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from sharik.auth import TokenVerifier, mint_token
from sharik.auth import tokens as token_module
from sharik.auth.tokens import KeySet, key_id
from sharik.errors import Unauthenticated

PROVIDER = "https://id.example.om"


def private_pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(key) -> str:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


EC_KEY = ec.generate_private_key(ec.SECP256R1())
OTHER_EC_KEY = ec.generate_private_key(ec.SECP256R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def citizen_token(key, **changes) -> str:
    return mint_token(private_pem(key), subject="c1", roles=["citizen"], **changes)


def provider_token(key, kid: str, *, issuer: str = PROVIDER, algorithm: str = "ES256", **claims) -> str:
    """A token as an identity provider signs it: its own kid, its issuer URL."""
    body = {"sub": "p1", "roles": ["citizen"], "iss": issuer, "aud": "sharik", "exp": 4102444800, **claims}
    return jwt.encode(body, key, algorithm=algorithm, headers={"kid": kid})


def test_several_pem_keys_in_one_setting_each_verify_their_own_tokens():
    verifier = TokenVerifier(
        public_keys=[public_pem(EC_KEY) + public_pem(RSA_KEY), public_pem(OTHER_EC_KEY)],
        issuer="sharik", audience="sharik",
    )
    for key in (EC_KEY, RSA_KEY, OTHER_EC_KEY):
        token = citizen_token(key)
        assert jwt.get_unverified_header(token)["kid"] == key_id(key.public_key())
        assert verifier.verify(token).subject == "c1"
    assert jwt.get_unverified_header(citizen_token(RSA_KEY))["alg"] == "RS256"


def test_a_token_without_a_kid_is_tried_against_every_key_of_its_algorithm():
    verifier = TokenVerifier(
        public_keys=[public_pem(OTHER_EC_KEY), public_pem(EC_KEY), public_pem(RSA_KEY)],
        issuer="sharik", audience="sharik",
    )
    claims = {"sub": "c1", "roles": ["citizen"], "iss": "sharik", "aud": "sharik", "exp": 4102444800}
    # A wrong key first, and a key of another type, do not stop the search.
    assert verifier.verify(jwt.encode(claims, EC_KEY, algorithm="ES256")).subject == "c1"
    assert verifier.verify(jwt.encode(claims, RSA_KEY, algorithm="RS256")).subject == "c1"
    # A kid no key has is only a hint: the configured keys are still tried.
    assert verifier.verify(jwt.encode(claims, EC_KEY, algorithm="ES256", headers={"kid": "elsewhere"})).subject == "c1"


def test_keys_are_parsed_once_not_per_token(monkeypatch):
    verifier = TokenVerifier(public_keys=[public_pem(EC_KEY)], issuer="sharik", audience="sharik")
    token = citizen_token(EC_KEY)
    parsed = []
    original = serialization.load_pem_public_key
    monkeypatch.setattr(token_module.serialization, "load_pem_public_key", lambda *a: parsed.append(a) or original(*a))
    for _ in range(3):
        verifier.verify(token)
    assert parsed == []


def test_forged_tokens_are_refused():
    verifier = TokenVerifier(public_keys=[public_pem(EC_KEY)], issuer="sharik", audience="sharik")
    with pytest.raises(Unauthenticated, match="unknown key"):
        verifier.verify(citizen_token(OTHER_EC_KEY))
    claims = {"sub": "c1", "roles": ["operator"], "iss": "sharik", "aud": "sharik", "exp": 4102444800}
    unsigned = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(Unauthenticated, match="'none' is not accepted"):
        verifier.verify(unsigned)
    # The public key used as an HMAC secret (the classic algorithm confusion).
    signing_input = b".".join(
        jwt.utils.base64url_encode(json.dumps(part).encode()) for part in ({"alg": "HS256", "typ": "JWT"}, claims)
    )
    mac = hmac.new(public_pem(EC_KEY).encode(), signing_input, hashlib.sha256).digest()
    confused = f"{signing_input.decode()}.{jwt.utils.base64url_encode(mac).decode()}"
    with pytest.raises(Unauthenticated, match="'HS256' is not accepted"):
        verifier.verify(confused)
    genuine = citizen_token(EC_KEY)
    head, body, signature = genuine.split(".")
    promoted = {**jwt.decode(genuine, options={"verify_signature": False}), "roles": ["operator"]}
    tampered = jwt.utils.base64url_encode(json.dumps(promoted).encode()).decode()
    with pytest.raises(Unauthenticated, match="signature"):
        verifier.verify(f"{head}.{tampered}.{signature}")
    with pytest.raises(Unauthenticated, match="invalid bearer token"):
        verifier.verify("not.a.token")


def test_an_expired_token_from_a_known_key_is_refused_as_expired():
    verifier = TokenVerifier(
        public_keys=[public_pem(OTHER_EC_KEY), public_pem(EC_KEY)], issuer="sharik", audience="sharik"
    )
    with pytest.raises(Unauthenticated, match="expired"):
        verifier.verify(citizen_token(EC_KEY, lifetime=timedelta(minutes=-5)))


def test_a_pem_key_vouches_only_for_its_own_issuer():
    verifier = TokenVerifier(public_keys=[public_pem(EC_KEY)], issuer="sharik", audience="sharik")
    with pytest.raises(Unauthenticated, match="issuer"):
        verifier.verify(citizen_token(EC_KEY, issuer=PROVIDER))


def test_a_setting_that_is_not_a_pem_key_is_refused_at_start():
    with pytest.raises(ValueError, match="PEM"):
        TokenVerifier(public_keys=["a verifying key"], issuer="sharik", audience="sharik")
    with pytest.raises(ValueError, match="needs a public key or a JWKS URL"):
        TokenVerifier(public_keys=[""], issuer="sharik", audience="sharik")


class JwksServer:
    """A JWKS document served over HTTP on loopback; counts the fetches, can go down."""

    def __init__(self) -> None:
        self.keys: list[dict] = []
        self.fetches = 0
        self.down = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                server.fetches += 1
                if server.down:
                    self.send_error(503)
                    return
                body = json.dumps({"keys": server.keys}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/jwks"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def publish(self, key, kid: str) -> None:
        ec_key = isinstance(key, ec.EllipticCurvePrivateKey)
        algorithm = jwt.algorithms.ECAlgorithm if ec_key else jwt.algorithms.RSAAlgorithm
        self.keys.insert(0, {**json.loads(algorithm.to_jwk(key.public_key())), "kid": kid, "use": "sig"})


@pytest.fixture
def jwks() -> Iterator[JwksServer]:
    server = JwksServer()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def jwks_verifier(url: str, **options) -> TokenVerifier:
    return TokenVerifier(issuer="sharik", audience="sharik", jwks=KeySet(url, PROVIDER, **options))


def test_a_new_kid_at_the_provider_is_fetched_and_the_old_keys_stay(jwks):
    jwks.publish(EC_KEY, "k1")
    verifier = jwks_verifier(jwks.url, refresh_interval=0)
    assert verifier.verify(provider_token(EC_KEY, "k1")).subject == "p1"
    assert verifier.verify(provider_token(EC_KEY, "k1")).subject == "p1"
    assert jwks.fetches == 1  # known kids need no fetch
    jwks.publish(RSA_KEY, "k2")
    assert verifier.verify(provider_token(RSA_KEY, "k2", algorithm="RS256")).subject == "p1"
    assert verifier.verify(provider_token(EC_KEY, "k1")).subject == "p1"
    assert jwks.fetches == 2


def test_unknown_kids_fetch_the_set_at_most_once_per_interval(jwks):
    jwks.publish(EC_KEY, "k1")
    verifier = jwks_verifier(jwks.url, refresh_interval=60)
    for attempt in range(5):
        with pytest.raises(Unauthenticated, match="unknown key"):
            verifier.verify(provider_token(OTHER_EC_KEY, f"made-up-{attempt}"))
    assert jwks.fetches == 1


def test_a_jwks_outage_keeps_the_known_keys_and_refuses_unknown_ones_with_401(jwks):
    jwks.publish(EC_KEY, "k1")
    verifier = jwks_verifier(jwks.url, refresh_interval=0)
    assert verifier.verify(provider_token(EC_KEY, "k1")).subject == "p1"
    jwks.down = True
    with pytest.raises(Unauthenticated, match="unknown key"):
        verifier.verify(provider_token(OTHER_EC_KEY, "k9"))
    assert verifier.verify(provider_token(EC_KEY, "k1")).subject == "p1"
    never_up = jwks_verifier("http://127.0.0.1:9/jwks", timeout=0.5)
    with pytest.raises(Unauthenticated, match="unknown key"):
        never_up.verify(provider_token(EC_KEY, "k1"))


def test_a_withdrawn_key_is_refused_once_the_set_is_stale(jwks):
    jwks.publish(EC_KEY, "k1")
    verifier = jwks_verifier(jwks.url, refresh_interval=0, max_age=0)
    assert verifier.verify(provider_token(EC_KEY, "k1")).subject == "p1"
    jwks.keys = []
    with pytest.raises(Unauthenticated, match="unknown key"):
        verifier.verify(provider_token(EC_KEY, "k1"))


def test_a_jwks_key_vouches_only_for_the_providers_issuer(jwks):
    jwks.publish(EC_KEY, "k1")
    verifier = jwks_verifier(jwks.url)
    with pytest.raises(Unauthenticated, match="issuer"):
        verifier.verify(provider_token(EC_KEY, "k1", issuer="sharik"))
