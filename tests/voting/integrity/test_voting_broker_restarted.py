"""No vote lost or counted twice when the broker is restarted mid-run.

A Kafka of this module's own (free ports, its log dir kept across the restart), one
voting replica pointed at it. Votes go on while Kafka is down (neither the HTTP path nor
the running tally touches it: they are sealed on the board, counted, and wait in the
ballot box); once Kafka is back on the same ports the sealer announces them."""

import asyncio
import shutil
import tempfile
from pathlib import Path

import httpx
import pytest

from devstack import kafka
from devstack.smtp import free_port
from tests.support.service import unique_database
from tests.voting.integrity.conftest import (
    Voters,
    assert_nothing_lost_or_doubled,
    launch_replica,
    open_ballot,
    ready,
    running_total,
    tallied_everything,
    until,
)

pytestmark = pytest.mark.integration

VOTES = 300


class Broker:
    """A single-node Kafka that can be stopped and started again with its topics and offsets."""

    def __init__(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="sharik-integrity-kafka-"))
        self.port, self.controller_port = free_port("127.0.0.1"), free_port("127.0.0.1")
        self.process = None

    @property
    def url(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = kafka.start(port=self.port, controller_port=self.controller_port, home=self.home)

    def stop(self) -> None:
        self.process.stop()


@pytest.fixture(scope="module")
def broker():
    broker = Broker()
    broker.start()
    yield broker
    broker.stop()
    shutil.rmtree(broker.home, ignore_errors=True)


async def test_a_broker_restarted_mid_run_loses_and_doubles_nothing(broker, mongodb_url, tokens):
    where = {
        "kafka": broker.url,
        "mongodb_url": mongodb_url,
        "database": unique_database("voting"),
    }
    replica = launch_replica(**where)
    try:
        await ready(replica)
        async with httpx.AsyncClient(base_url=replica.url, timeout=60) as http:
            ballot_id = await open_ballot(http, tokens)
            voters = Voters(http, tokens, ballot_id)

            await voters.vote(VOTES // 3)
            await until(lambda: _counted_some(http, ballot_id), what="the running tally to start")
            await asyncio.to_thread(broker.stop)
            await voters.vote(VOTES // 3)
            assert voters.refused == [], "votes are accepted while the broker is down"
            await asyncio.to_thread(broker.start)
            await voters.vote(VOTES - voters.cast)

            await tallied_everything(voters, **where)
            await assert_nothing_lost_or_doubled(http, tokens, voters)
    finally:
        replica.stop()


async def _counted_some(http: httpx.AsyncClient, ballot_id: str) -> bool:
    return await running_total(http, ballot_id) > 0
