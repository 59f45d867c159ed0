"""The OpenID Connect provider citizens and staff sign in at: the npm package
oidc-provider (a certified OpenID implementation), run by devstack/oidc/provider.mjs
with the demo users of devstack/oidc/demo-users.json and Sharik's own login page.

Its packages are installed with `npm ci` from the committed lock file into the cache,
keyed by the lock file's digest. The provider makes its signing keys (a JWKS with
private keys, kept in the state dir) on first start, and `rotate_keys` has it sign
with a new key while it runs."""

import json
import os
import secrets
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import httpx

from devstack import process
from devstack.keys import kept
from devstack.paths import SOURCE_DIR, cache_dir, digest, state_dir
from devstack.process import Process, StartError, wait_until_ready

SOURCE = SOURCE_DIR / "oidc"
USERS_FILE = SOURCE / "demo-users.json"
CLIENT_ID = "sharik-portal"
AUDIENCE = "sharik"
PORT = 8090
PORTAL = "http://127.0.0.1:8000"
# The portal's paths on any loopback port, so tests can run a portal on a free port.
LOOPBACK_PATHS = ("/auth/callback", "/auth/signed-out", "/")
KEPT_KEYS = 3
"""Signing keys listed in the JWKS after a rotation: the new one and those before it,
so tokens signed just before a rotation stay valid until they expire."""


@dataclass(frozen=True)
class DemoUser:
    """A person who can sign in at the devstack's provider, with the password of all demo users."""

    username: str
    sub: str
    roles: tuple[str, ...]
    name: dict[str, str]
    locale: str
    agency: str | None = None
    governorate: str | None = None
    wilayat: str | None = None
    birthdate: str | None = None


@cache
def demo_password() -> str:
    """The password of every demo user (it is in the README)."""
    return json.loads(USERS_FILE.read_text())["password"]


@cache
def demo_users() -> tuple[DemoUser, ...]:
    """Every demo user, as the provider reads them."""
    users = json.loads(USERS_FILE.read_text())["users"]
    return tuple(DemoUser(**{**user, "roles": tuple(user["roles"])}) for user in users)


def describe_users() -> str:
    """A table of the demo users for a terminal: username, roles, agency or place."""
    lines = [f"demo users (password {demo_password()!r}):"]
    for user in demo_users():
        where = user.agency or "/".join(part for part in (user.governorate, user.wilayat) if part)
        lines.append(f"  {user.username:<16} {','.join(user.roles):<15} {where}")
    return "\n".join(lines)


@dataclass
class OpenIDProvider:
    """A running provider and what a client needs to use it."""

    process: Process
    issuer: str
    client_id: str
    client_secret: str
    audience: str = AUDIENCE
    users: tuple[DemoUser, ...] = field(default_factory=demo_users)
    password: str = field(default_factory=demo_password)

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/jwks"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def user(self, username: str) -> DemoUser:
        """The demo user called `username`."""
        return next(user for user in self.users if user.username == username)

    def rotate_keys(self, timeout: float = 10) -> str:
        """Sign with a new ES256 key from now on (the previous ones stay published, up to
        KEPT_KEYS); return its kid once the provider publishes it."""
        before = set(published_kids(self.jwks_url))
        self.process.popen.send_signal(signal.SIGUSR2)
        deadline = time.monotonic() + timeout
        while not (new := [kid for kid in published_kids(self.jwks_url) if kid not in before]):
            if time.monotonic() > deadline:
                raise StartError(f"the provider published no new key within {timeout:.0f}s")
            time.sleep(0.1)
        return new[0]

    def stop(self, timeout: float = 10) -> None:
        self.process.stop(timeout=timeout)


def node_modules() -> Path:
    """Install the provider's npm packages into the cache the first time; return their directory."""
    lock = SOURCE / "package-lock.json"
    target = cache_dir() / f"oidc-{digest(SOURCE / 'package.json', lock)}"
    if not (target / "node_modules").is_dir():
        if not shutil.which("npm"):
            raise StartError("the OpenID provider needs node and npm (Debian packages nodejs and npm)")
        tmp = target.with_name(f".{target.name}.{os.getpid()}")
        tmp.mkdir(parents=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(SOURCE / name, tmp / name)
        subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=tmp, check=True, stdout=subprocess.DEVNULL,
        )
        try:
            tmp.rename(target)  # atomic, so a half-installed directory is never used
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # a concurrent run installed it first
    return target / "node_modules"


def published_kids(jwks_url: str) -> list[str]:
    """The kids of the keys a JWKS URL publishes now."""
    try:
        return [key["kid"] for key in httpx.get(jwks_url, timeout=2).json()["keys"]]
    except (httpx.HTTPError, ValueError, KeyError):
        return []


def start(**options) -> OpenIDProvider:
    """Start the provider (see `launch`) and return once its discovery document answers."""
    timeout = options.pop("timeout", 30)
    provider = launch(**options)
    wait_until_ready(provider.process, timeout=timeout)
    return provider


def launch(
    *,
    port: int = PORT,
    redirect_uris: tuple[str, ...] = (f"{PORTAL}/auth/callback",),
    post_logout_redirect_uris: tuple[str, ...] = (f"{PORTAL}/",),
    loopback_paths: tuple[str, ...] = LOOPBACK_PATHS,
    keys_file: Path | None = None,
    audience: str = AUDIENCE,
) -> OpenIDProvider:
    """Start the provider on 127.0.0.1:`port` without waiting, with the confidential client
    `sharik-portal` allowed to return to `redirect_uris`, and to `loopback_paths` on any
    loopback port. The keys, client secret and cookie keys are kept in the state dir."""
    issuer = f"http://127.0.0.1:{port}"
    keys_file = keys_file or state_dir() / "keys" / "oidc-jwks.json"
    keys_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    client_secret = kept("oidc-client-secret", lambda: secrets.token_urlsafe(32).encode()).decode()
    client = {
        "client_id": CLIENT_ID,
        "client_secret": client_secret,
        "redirect_uris": list(redirect_uris),
        "post_logout_redirect_uris": list(post_logout_redirect_uris),
        "loopback_paths": list(loopback_paths),
    }
    env = {
        "OIDC_NODE_MODULES": str(node_modules()),
        "OIDC_PORT": str(port),
        "OIDC_ISSUER": issuer,
        "OIDC_KEYS_FILE": str(keys_file),
        "OIDC_KEPT_KEYS": str(KEPT_KEYS),
        "OIDC_USERS_FILE": str(USERS_FILE),
        "OIDC_CLIENTS": json.dumps([client]),
        "OIDC_AUDIENCE": audience,
        "OIDC_COOKIE_KEYS": kept("oidc-cookie-key", lambda: secrets.token_urlsafe(32).encode()).decode(),
    }
    started = process.launch(
        f"oidc-{port}", ["node", str(SOURCE / "provider.mjs")], url=issuer, ports=(port,),
        answers=lambda: answers(issuer), env=env,
    )
    return OpenIDProvider(started, issuer, CLIENT_ID, client_secret, audience)


def answers(issuer: str) -> bool:
    """Whether the provider at `issuer` serves its discovery document."""
    try:
        return httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
