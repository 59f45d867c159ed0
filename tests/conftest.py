"""Session fixtures for the real infrastructure, started only when a test asks for it.

Each endpoint comes from the environment (KAFKA_BOOTSTRAP_SERVERS, MONGODB_URL), else
from testcontainers when a Docker engine answers, else from the local devstack, started
for this session on free ports and stopped after it. A platform running beside the tests
(`./sharik run` on the default ports) is never touched: its topics and databases stay
as they were.
"""

import os
import tempfile
from collections.abc import Iterator
from functools import cache

import pytest
from devstack.keys import dev_keys
from devstack.smtp import Sink, free_port, start_sink
from tests.support.service import Tokens

from devstack import kafka, oidc, store

# The session's processes keep their logs and pid files apart from a running platform's,
# so `./sharik stop` never stops a test's broker and a test never reads a platform's keys.
os.environ.setdefault("SHARIK_STATE_DIR", tempfile.mkdtemp(prefix="sharik-test-state-"))


@pytest.fixture(scope="session")
def kafka_bootstrap_servers() -> Iterator[str]:
    """Bootstrap servers of a real Kafka."""
    if from_env := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield from_env
    elif docker_answers():
        from testcontainers.community.kafka import KafkaContainer

        with KafkaContainer().with_kraft() as container:
            yield container.get_bootstrap_server()
    else:
        process = kafka.start(port=free_port("127.0.0.1"), controller_port=free_port("127.0.0.1"))
        yield process.url
        process.stop()


@pytest.fixture(scope="session")
def mongodb_url() -> Iterator[str]:
    """URL of a real MongoDB, or of the devstack's MongoDB-compatible store."""
    if from_env := os.environ.get("MONGODB_URL"):
        yield from_env
    elif docker_answers():
        from testcontainers.community.mongodb import MongoDbContainer

        with MongoDbContainer("mongo:7") as container:
            yield container.get_connection_url()
    else:
        process = store.start(port=free_port("127.0.0.1"))
        yield process.url
        process.stop()


@pytest.fixture(scope="session")
def smtp_sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sink]:
    """An SMTP server on a free loopback port; `.messages()` returns what it received."""
    sink = start_sink(tmp_path_factory.mktemp("mail"))
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[oidc.OpenIDProvider]:
    """A real OpenID Connect provider on a free loopback port, with the demo users.

    Its `issuer`, `client_id`, `client_secret`, `jwks_url`, `users` and `password` are
    what a client needs; the client `sharik-portal` may return to /auth/callback (and sign
    out to / or /auth/signed-out) on any 127.0.0.1 port.
    """
    provider = oidc.start(port=free_port("127.0.0.1"))
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def tokens(jwt_keys) -> Tokens:
    """Bearer headers for test callers (citizen, officer, any roles), signed with the dev key."""
    return Tokens(jwt_keys[0])


@pytest.fixture(scope="session")
def jwt_keys() -> tuple[str, str]:
    """The dev ES256 key pair (private PEM, public PEM) the devstack gives the services."""
    return dev_keys()


@cache
def docker_answers() -> bool:
    """Whether a Docker engine answers a ping within two seconds."""
    try:
        import docker

        client = docker.from_env(timeout=2)
        try:
            return client.ping()
        finally:
            client.close()
    except Exception:
        return False
