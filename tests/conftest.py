"""Session fixtures for the real infrastructure, started only when a test asks for it.

Each endpoint comes from the environment (KAFKA_BOOTSTRAP_SERVERS, MONGODB_URL), else
from testcontainers when a Docker engine answers, else from the local devstack: reused
if something already listens on the default port, started (and later stopped) otherwise.
"""

import os
import time
from collections.abc import Iterator
from functools import cache
from types import ModuleType

import pytest
from devstack.keys import dev_keys
from devstack.process import is_listening
from devstack.smtp import Sink, start_sink
from tests.support.service import Tokens

from devstack import kafka, store


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
        yield from local(kafka, port=9092, url="127.0.0.1:9092")


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
        yield from local(store, port=27017, url="mongodb://127.0.0.1:27017/")


@pytest.fixture(scope="session")
def smtp_sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sink]:
    """An SMTP server on a free loopback port; `.messages()` returns what it received."""
    sink = start_sink(tmp_path_factory.mktemp("mail"))
    yield sink
    sink.stop()


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


def local(component: ModuleType, *, port: int, url: str) -> Iterator[str]:
    """Use the devstack component listening on `port`, or start it for this session."""
    if not is_listening("127.0.0.1", port):
        process = component.start(port=port)
        yield process.url
        process.stop()
        return
    # Someone else's devstack, perhaps still starting: wait for it, never stop it.
    deadline = time.monotonic() + 60
    while not component.answers(url):
        if time.monotonic() > deadline:
            pytest.fail(f"something listens on 127.0.0.1:{port} but does not answer as {component.__name__}")
        time.sleep(0.5)
    yield url
