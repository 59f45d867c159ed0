"""Follow-up secrets of anonymous reports: handed out once, kept only as a salted scrypt
hash, so a copy of the store does not let anyone into a reporter's case. They use the
tracking codes' alphabet so they can be read aloud to a call centre."""

import hashlib
import hmac
import secrets

from feedback.domain.tracking import canonical, new_tracking_code

# scrypt cost: about 16 MiB and tens of milliseconds per check; fine for people, costly for guessers.
_N, _R, _P = 2**14, 8, 1


def new_secret() -> str:
    """A fresh secret in canonical form: 100 random bits, independent of the tracking code."""
    return new_tracking_code()


def hash_secret(secret: str) -> str:
    """The stored form: `scrypt$n$r$p$salt$hash` (hex)."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(secret, salt, _N, _R, _P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def matches(secret: str, stored: str | None) -> bool:
    """Whether the secret as a person typed it is the one behind `stored`."""
    typed = canonical(secret)
    if stored is None or typed is None:
        return False
    scheme, n, r, p, salt, digest = stored.split("$")
    if scheme != "scrypt":
        return False
    return hmac.compare_digest(_scrypt(typed, bytes.fromhex(salt), int(n), int(r), int(p)), bytes.fromhex(digest))


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
