"""Development secrets: the ES256 key pair that signs dev tokens and the pseudonym key, made once and kept."""

import os
import secrets
from collections.abc import Callable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from devstack.paths import state_dir


def dev_keys() -> tuple[str, str]:
    """Return the dev JWT key pair as (private PEM, public PEM), generating it on first use."""
    private_pem = kept("jwt-es256.pem", new_private_pem)
    key = serialization.load_pem_private_key(private_pem, password=None)
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem.decode(), public_pem.decode()


def dev_pseudonym_key() -> str:
    """Return the dev key for pseudonymous citizen ids, generating it on first use."""
    return kept("pseudonym.key", lambda: secrets.token_urlsafe(32).encode()).decode()


def new_private_pem() -> bytes:
    """Return a fresh P-256 private key in PKCS#8 PEM."""
    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def kept(name: str, make: Callable[[], bytes]) -> bytes:
    """Return the contents of <state>/keys/<name>, creating it with `make()` if it does not exist."""
    path = state_dir() / "keys" / name
    if not path.exists():
        path.parent.mkdir(mode=0o700, exist_ok=True)
        tmp = path.with_name(f".{name}.{os.getpid()}")
        tmp.write_bytes(make())
        tmp.chmod(0o600)
        try:
            # link() fails if the file exists: when two processes race, both keep the first key.
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_bytes()
