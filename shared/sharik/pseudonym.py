"""Pseudonymous ids: a keyed HMAC, so events never carry who a citizen is and ids
cannot be reversed or recomputed without the deployment's key."""

import hashlib
import hmac


def pseudonym(key: str, identifier: str, *, purpose: str = "citizen") -> str:
    """Stable pseudonym of `identifier` (a civil number or a token subject).

    `purpose` separates domains so one id cannot be joined across uses."""
    digest = hmac.new(key.encode(), f"{purpose}:{identifier}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]
