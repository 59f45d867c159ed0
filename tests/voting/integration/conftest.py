"""One test's voting service in-process: its own database, quick relay, sealer and closer."""

import pytest

from tests.support.service import running, unique_database
from voting.config import VotingSettings
from voting.main import create_app


@pytest.fixture
def database() -> str:
    return unique_database("voting")


@pytest.fixture
async def voting(kafka_bootstrap_servers, mongodb_url, jwt_keys, database):
    settings = VotingSettings(
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        mongodb_database=database,
        jwt_public_key=jwt_keys[1],
        environment="test",
        # A group per test: otherwise two tests' services share the partitions and
        # count each other's votes into the wrong database.
        consumer_group=f"sharik.voting.{database}",
        outbox_poll_seconds=0.2,
        seal_poll_seconds=0.2,
        close_poll_seconds=0.2,
    )
    async with running(create_app(settings)) as client:
        yield client
