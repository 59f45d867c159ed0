"""The five services as separate processes on the real broker and store, with fresh
databases and consumer groups so a run never sees another run's state."""

from collections.abc import Iterator

import httpx
import pytest
from ulid import ULID

from devstack.smtp import free_port
from devstack.services import NAMES, start_services


@pytest.fixture(scope="session")
def platform(kafka_bootstrap_servers, mongodb_url, smtp_sink, tmp_path_factory) -> Iterator[dict[str, str]]:
    run = str(ULID()).lower()
    overrides = {}
    for name in NAMES:
        prefix = name.upper()
        overrides[f"{prefix}_MONGODB_DATABASE"] = f"e2e_{run}_{name}"
        overrides[f"{prefix}_CONSUMER_GROUP"] = f"e2e.{run}.{name}"
        overrides[f"{prefix}_OUTBOX_POLL_SECONDS"] = "0.2"
    overrides["NOTIFIER_RETRY_BASE_SECONDS"] = "0.2"
    services = start_services(
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        smtp_host=smtp_sink.host,
        smtp_port=smtp_sink.port,
        ports={name: free_port("127.0.0.1") for name in NAMES},
        env_overrides=overrides,
    )
    yield services.urls
    services.stop()


@pytest.fixture
async def http() -> Iterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client
