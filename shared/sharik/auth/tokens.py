"""JWT verification (ES256/RS256 against configured public keys) and minting for
development and tests. Production tokens come from the national identity provider."""

from datetime import UTC, date, datetime, timedelta

import jwt

from sharik.auth.principal import STAFF_ROLES, Principal
from sharik.errors import Unauthenticated

ALGORITHMS = ["ES256", "RS256"]


class TokenVerifier:
    """Checks signature, expiry, issuer and audience, and turns claims into a Principal."""

    def __init__(self, *, public_keys: list[str], issuer: str, audience: str) -> None:
        self._keys = [key for key in public_keys if key.strip()]
        self._issuer = issuer
        self._audience = audience

    def verify(self, token: str) -> Principal:
        """The caller named by `token`; Unauthenticated with the reason when it is not valid."""
        last_error: Exception | None = None
        for key in self._keys:
            try:
                claims = jwt.decode(
                    token,
                    key,
                    algorithms=ALGORITHMS,
                    issuer=self._issuer,
                    audience=self._audience,
                    options={"require": ["exp", "sub", "iss", "aud"]},
                )
                return _principal(claims)
            except jwt.InvalidSignatureError as error:
                last_error = error
            except jwt.PyJWTError as error:
                raise Unauthenticated(f"invalid bearer token: {error}") from None
        raise Unauthenticated(f"invalid bearer token: {last_error or 'no key configured'}")


def _principal(claims: dict) -> Principal:
    roles = frozenset(claims.get("roles") or [])
    if not roles:
        raise Unauthenticated("invalid bearer token: no roles")
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
    """Sign an ES256 token; for development, demos and tests only."""
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
    return jwt.encode(claims, private_key_pem, algorithm="ES256")
