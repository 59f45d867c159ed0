"""One test's voting service in-process: its own database, quick relay, sealer and closer."""

import pytest

from tests.support.service import running, unique_database
from tests.support.voting import voting_settings
from voting.main import create_app


@pytest.fixture
def database() -> str:
    return unique_database("voting")


@pytest.fixture
async def voting(kafka_bootstrap_servers, mongodb_url, jwt_keys, database):
    settings = voting_settings(
        kafka_bootstrap_servers=kafka_bootstrap_servers, mongodb_url=mongodb_url, public_key=jwt_keys[1], database=database
    )
    async with running(create_app(settings)) as client:
        yield client
