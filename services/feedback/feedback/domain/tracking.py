"""Tracking codes: the only secret a citizen needs to follow a submission, so they are
random (100 bits from `secrets`), never derived from an id, and easy to read aloud to a
call centre: Crockford base32 (no I, L, O, U) in groups of five."""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 20
GROUP = 5
# What people type for the letters the alphabet leaves out.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_tracking_code() -> str:
    """A fresh code in its canonical form (no separators), e.g. 7K2Q9XM4TR0B8ZC5VD3N."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def canonical(code: str) -> str | None:
    """The canonical form of a code as a person typed it, or None if it cannot be one."""
    cleaned = "".join(code.split()).replace("-", "").upper().translate(_READ_AS)
    if len(cleaned) != LENGTH or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


def grouped(code: str) -> str:
    """The code as shown to people, e.g. 7K2Q9-XM4TR-0B8ZC-5VD3N."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))
