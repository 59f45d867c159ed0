"""JWT verification (ES256/RS256) against several keys at once, chosen by the token's
`kid`: PEM keys from the settings and the identity provider's published key set
(JWKS), fetched when first needed and again when a token names a key not seen yet, so
keys rotate at the provider without a restart. Minting is for development and tests;
production tokens come from the national identity provider."""

import base64
import hashlib
import json
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import httpx
import jwt
import structlog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from sharik.auth.principal import STAFF_ROLES, Principal
from sharik.errors import Unauthenticated

log = structlog.get_logger(__name__)

ALGORITHMS = ("ES256", "RS256")
PEM_BLOCK = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.S)
CLOCK_SKEW = timedelta(seconds=30)


@dataclass(frozen=True)
class VerifyingKey:
    """A parsed public key, the algorithm it verifies and the issuer it vouches for."""

    kid: str
    key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey
    algorithm: str
    issuer: str


def key_id(public_key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey) -> str:
    """The key's RFC 7638 thumbprint: the kid of a key configured as PEM and of dev tokens."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(public_key))
        members = {name: jwk[name] for name in ("crv", "kty", "x", "y")}
    else:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public_key))
        members = {name: jwk[name] for name in ("e", "kty", "n")}
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()


def algorithm_of(public_key) -> str:
    """ES256 for a P-256 key, RS256 for an RSA key; ValueError for anything else."""
    if isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(public_key.curve, ec.SECP256R1):
        return "ES256"
    if isinstance(public_key, rsa.RSAPublicKey):
        return "RS256"
    raise ValueError(f"unsupported token key {type(public_key).__name__}: use P-256 (ES256) or RSA (RS256)")


def pem_keys(pems: Iterable[str], issuer: str) -> list[VerifyingKey]:
    """Parse every public key in `pems` (each may hold several PEM blocks)."""
    keys = []
    for pem in pems:
        blocks = PEM_BLOCK.findall(pem)
        if pem.strip() and not blocks:
            raise ValueError("a token key is not a PEM public key (-----BEGIN PUBLIC KEY-----)")
        for block in blocks:
            public_key = serialization.load_pem_public_key(block.encode())
            keys.append(VerifyingKey(key_id(public_key), public_key, algorithm_of(public_key), issuer))
    return keys


class KeySet:
    """The keys an identity provider publishes at a JWKS URL, fetched when first needed
    and refetched when asked for a kid it does not have (at most once per
    `refresh_interval`, so tokens with made-up kids cannot flood the provider) or when
    older than `max_age` (so a key the provider withdrew stops being accepted). When a
    fetch fails the keys already known stay in use."""

    def __init__(
        self, url: str, issuer: str, *, refresh_interval: float = 10, max_age: float = 900, timeout: float = 3
    ) -> None:
        self.url = url
        self.issuer = issuer
        self._refresh_interval = refresh_interval
        self._max_age = max_age
        self._timeout = timeout
        self._keys: dict[str, VerifyingKey] = {}
        self._fetched_at = float("-inf")  # last successful fetch
        self._tried_at = float("-inf")  # last attempt, successful or not
        self._lock = threading.Lock()

    def get(self, kid: str) -> VerifyingKey | None:
        """The key called `kid`, fetching the set again if it is unknown or stale."""
        if kid not in self._keys or self._stale():
            self._refresh(unless_known=kid)
        return self._keys.get(kid)

    def known(self) -> list[VerifyingKey]:
        """The keys fetched so far (fetching them the first time)."""
        if self._stale():
            self._refresh(unless_known=None)
        return list(self._keys.values())

    def _stale(self) -> bool:
        return time.monotonic() - self._fetched_at > self._max_age

    def _refresh(self, *, unless_known: str | None) -> None:
        with self._lock:  # one fetch at a time; the others then find its keys
            if unless_known in self._keys and not self._stale():
                return
            now = time.monotonic()
            if now - self._tried_at < self._refresh_interval:
                return
            self._tried_at = now
            try:
                response = httpx.get(self.url, timeout=self._timeout, follow_redirects=False)
                response.raise_for_status()
                keys = self._parse(response.json())
            except (httpx.HTTPError, ValueError, TypeError, KeyError) as error:
                log.warning("token keys not fetched, keeping the known ones", jwks_url=self.url, error=repr(error))
                return
            self._keys = keys
            self._fetched_at = now
            log.info("token keys fetched", jwks_url=self.url, kids=sorted(keys))

    def _parse(self, document: dict) -> dict[str, VerifyingKey]:
        keys = {}
        for entry in document["keys"]:
            if entry.get("use", "sig") != "sig" or "kid" not in entry:
                continue  # encryption keys and keys nobody can name are not for us
            try:
                jwk = jwt.PyJWK(entry)
                keys[entry["kid"]] = VerifyingKey(entry["kid"], jwk.key, algorithm_of(jwk.key), self.issuer)
            except (jwt.PyJWKError, ValueError) as error:
                log.warning("token key skipped", jwks_url=self.url, kid=entry["kid"], error=str(error))
        return keys


class TokenVerifier:
    """Checks signature, expiry, issuer and audience, and turns claims into a Principal.

    A token's `kid` picks its key: a configured PEM key (kid = its RFC 7638 thumbprint)
    or one of the JWKS's. A token without a kid, or with one no source knows, is tried
    against the PEM keys. A key only vouches for its own source's issuer."""

    def __init__(
        self,
        *,
        public_keys: Iterable[str] = (),
        issuer: str,
        audience: str,
        jwks: KeySet | None = None,
    ) -> None:
        self._pem_keys = {key.kid: key for key in pem_keys(public_keys, issuer)}
        self._jwks = jwks
        self._audience = audience
        if not self._pem_keys and jwks is None:
            raise ValueError("a token verifier needs a public key or a JWKS URL")

    @classmethod
    def from_settings(cls, settings) -> "TokenVerifier":
        """The verifier a service's settings describe (see sharik.settings.ServiceSettings)."""
        jwks = None
        if settings.jwks_url:
            jwks = KeySet(
                settings.jwks_url, settings.jwks_issuer or settings.jwt_issuer,
                refresh_interval=settings.jwks_refresh_seconds,
            )
        return cls(
            public_keys=[settings.jwt_public_key], issuer=settings.jwt_issuer, audience=settings.jwt_audience, jwks=jwks
        )

    def verify(self, token: str) -> Principal:
        """The caller named by `token`; Unauthenticated with the reason when it is not valid.

        It may fetch the provider's keys, so async code calls it in a worker thread."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise Unauthenticated(f"invalid bearer token: {error}") from None
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise Unauthenticated(f"invalid bearer token: algorithm {algorithm!r} is not accepted")
        kid = header.get("kid")
        named = self._named(kid) if kid is not None else None
        # A kid is only a hint: a configured key may sign under a name of another tool's choosing.
        fallback = [*self._pem_keys.values(), *(self._jwks.known() if self._jwks and kid is None else [])]
        candidates = [key for key in ([named] if named else fallback) if key.algorithm == algorithm]
        for key in candidates:
            try:
                claims = jwt.decode(
                    token,
                    key.key,
                    algorithms=[algorithm],
                    issuer=key.issuer,
                    audience=self._audience,
                    leeway=CLOCK_SKEW,
                    options={"require": ["exp", "sub", "iss", "aud"]},
                )
            except jwt.InvalidSignatureError:
                continue  # another key may have signed it
            except jwt.PyJWTError as error:
                # The signature is right (it is checked first), so the claims are wrong.
                raise Unauthenticated(f"invalid bearer token: {error}") from None
            return _principal(claims)
        if kid is not None and not named:
            raise Unauthenticated(f"invalid bearer token: signed by an unknown key {kid!r}")
        raise Unauthenticated("invalid bearer token: signature verification failed")

    def _named(self, kid: str) -> VerifyingKey | None:
        if kid in self._pem_keys:
            return self._pem_keys[kid]
        return self._jwks.get(kid) if self._jwks else None


def _principal(claims: dict) -> Principal:
    roles = claims.get("roles") or []
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise Unauthenticated("invalid bearer token: roles is not a list of names")
    if not roles:
        raise Unauthenticated("invalid bearer token: no roles")
    roles = frozenset(roles)
    agency = claims.get("agency")
    if roles & STAFF_ROLES and not agency:
        raise Unauthenticated("invalid bearer token: staff token without an agency")
    try:
        birthdate = date.fromisoformat(claims["birthdate"]) if claims.get("birthdate") else None
    except (TypeError, ValueError):
        raise Unauthenticated("invalid bearer token: birthdate is not an ISO date") from None
    return Principal(
        subject=claims["sub"],
        roles=roles,
        agency=agency,
        governorate=claims.get("governorate"),
        wilayat=claims.get("wilayat"),
        birthdate=birthdate,
        unit=claims.get("unit"),
    )


@lru_cache(maxsize=8)
def _signing_key(private_key_pem: str):
    private_key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    return private_key, key_id(private_key.public_key()), algorithm_of(private_key.public_key())


def mint_token(
    private_key_pem: str,
    *,
    subject: str,
    roles: list[str],
    agency: str | None = None,
    governorate: str | None = None,
    wilayat: str | None = None,
    birthdate: date | None = None,
    unit: str | None = None,
    issuer: str = "sharik",
    audience: str = "sharik",
    lifetime: timedelta = timedelta(hours=12),
) -> str:
    """Sign a token (ES256 for a P-256 key, RS256 for an RSA key) whose kid is the key's
    thumbprint; for development, demos and tests only."""
    private_key, kid, algorithm = _signing_key(private_key_pem)
    now = datetime.now(UTC)
    claims = {
        "sub": subject,
        "roles": roles,
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + lifetime,
    }
    for name, value in (("agency", agency), ("governorate", governorate), ("wilayat", wilayat), ("unit", unit)):
        if value:
            claims[name] = value
    if birthdate:
        claims["birthdate"] = birthdate.isoformat()
    return jwt.encode(claims, private_key, algorithm=algorithm, headers={"kid": kid})
