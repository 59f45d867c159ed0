"""The five Sharik services, each as a separate process running its console script."""

import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from devstack.keys import dev_keys, dev_pseudonym_key
from devstack.oidc import OpenIDProvider
from devstack.process import Process, StartError, launch, stop_all, wait_until_ready

NAMES = ("consultation", "feedback", "voting", "notifier", "reporting")
DEFAULT_PORTS = dict(zip(NAMES, range(8001, 8006), strict=True))


@dataclass
class Services:
    """The running services, by name."""

    processes: dict[str, Process]

    @property
    def urls(self) -> dict[str, str]:
        """Return each service's base URL."""
        return {name: process.url for name, process in self.processes.items()}

    def stop(self, timeout: float = 30) -> None:
        """Stop all services together: SIGTERM (they finish in-flight work), SIGKILL after `timeout`."""
        stop_all(self.processes.values(), timeout=timeout)


def service_env(
    name: str,
    *,
    port: int,
    kafka_bootstrap_servers: str,
    mongodb_url: str,
    smtp_host: str,
    smtp_port: int,
    identity: OpenIDProvider | None = None,
) -> dict[str, str]:
    """Return the environment variables configuring service `name` for the dev stack.

    With `identity`, the service also accepts that provider's tokens (by its JWKS);
    the dev key's tokens stay accepted either way."""
    prefix = name.upper() + "_"
    env = {
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(port),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "MONGODB_URL": mongodb_url,
        "MONGODB_DATABASE": f"sharik_{name}",
        "ENVIRONMENT": "dev",
        "JWT_PUBLIC_KEY": dev_keys()[1],
        "PSEUDONYM_KEY": dev_pseudonym_key(),
    }
    if identity:
        env |= {"JWKS_URL": identity.jwks_url, "JWKS_ISSUER": identity.issuer, "JWT_AUDIENCE": identity.audience}
    if name == "notifier":
        env |= {"SMTP_HOST": smtp_host, "SMTP_PORT": str(smtp_port)}
    return {prefix + key: value for key, value in env.items()}


def start_services(
    *,
    kafka_bootstrap_servers: str,
    mongodb_url: str,
    smtp_host: str = "127.0.0.1",
    smtp_port: int = 1025,
    ports: Mapping[str, int] | None = None,
    env_overrides: Mapping[str, str] | None = None,
    bin_dir: Path | None = None,
    timeout: float = 90,
    identity: OpenIDProvider | None = None,
) -> Services:
    """Start the five services (logs in <state>/logs) and return once every /readyz answers 200.

    `env_overrides` (full names, e.g. VOTING_ENVIRONMENT) win over the defaults;
    `bin_dir` holds the console scripts, by default this interpreter's own; with
    `identity` the services accept that OpenID provider's tokens beside the dev key's.
    """
    ports = {**DEFAULT_PORTS, **(ports or {})}
    bin_dir = bin_dir or Path(sys.executable).parent
    processes: dict[str, Process] = {}
    try:
        for name in NAMES:
            script = bin_dir / f"sharik-{name}"
            if not script.exists():
                raise StartError(f"{script} not found: is sharik-{name} installed in this environment?")
            env = service_env(
                name, port=ports[name], kafka_bootstrap_servers=kafka_bootstrap_servers,
                mongodb_url=mongodb_url, smtp_host=smtp_host, smtp_port=smtp_port, identity=identity,
            )
            url = f"http://127.0.0.1:{ports[name]}"
            processes[name] = launch(
                f"{name}-{ports[name]}", [str(script)], url=url, ports=(ports[name],),
                answers=lambda url=url: is_ready(url), env={**env, **(env_overrides or {}), "PYTHONUNBUFFERED": "1"},
            )
        # All were launched first, so they start side by side; this waits for the slowest.
        deadline = time.monotonic() + timeout
        for process in processes.values():
            remaining = max(0.0, deadline - time.monotonic())
            wait_until_ready(process, timeout=remaining)
    except BaseException:
        stop_all(processes.values())
        raise
    return Services(processes)


def is_ready(url: str) -> bool:
    """Whether GET <url>/readyz returns 200."""
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


PORTAL_PORT = 8000


def portal_env(
    service_urls: Mapping[str, str], *, port: int, issuer: str, client_id: str, client_secret: str
) -> dict[str, str]:
    """The portal's environment: where the five services and the OpenID provider are.

    Cookies may travel over plain http here, since the devstack serves on loopback only."""
    env = {
        "PORTAL_HTTP_HOST": "127.0.0.1",
        "PORTAL_HTTP_PORT": str(port),
        "PORTAL_ENVIRONMENT": "dev",
        "PORTAL_OIDC_ISSUER": issuer,
        "PORTAL_OIDC_CLIENT_ID": client_id,
        "PORTAL_OIDC_CLIENT_SECRET": client_secret,
        "PORTAL_SECURE_COOKIES": "false",
    }
    return env | {f"PORTAL_{name.upper()}_URL": url for name, url in service_urls.items()}


def start_portal(
    service_urls: Mapping[str, str],
    *,
    issuer: str,
    client_id: str,
    client_secret: str,
    port: int = PORTAL_PORT,
    env_overrides: Mapping[str, str] | None = None,
    bin_dir: Path | None = None,
    timeout: float = 60,
) -> Process:
    """Start the portal (logs in <state>/logs) and return once its /readyz answers 200."""
    script = (bin_dir or Path(sys.executable).parent) / "sharik-portal"
    if not script.exists():
        raise StartError(f"{script} not found: is sharik-portal installed in this environment?")
    env = portal_env(service_urls, port=port, issuer=issuer, client_id=client_id, client_secret=client_secret)
    url = f"http://127.0.0.1:{port}"
    process = launch(
        f"portal-{port}", [str(script)], url=url, ports=(port,), answers=lambda: is_ready(url),
        env={**env, **(env_overrides or {}), "PYTHONUNBUFFERED": "1"},
    )
    try:
        return wait_until_ready(process, timeout=timeout)
    except BaseException:
        stop_all([process])
        raise
