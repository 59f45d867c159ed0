"""No vote lost or counted twice when a replica is killed mid-run and restarted.

Two voting replicas share a database; both take votes, seal, count the running tally,
announce and serve. Citizens vote through the replica that stays up; the other is
SIGKILLed while votes flow (its sealing pass, its count and its announcing die with it,
and its sealing lease is left to expire), votes go on, it is restarted, the run finishes."""

import asyncio

import httpx
import pytest

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


async def test_a_tally_consumer_killed_and_restarted_mid_run_loses_and_doubles_nothing(
    kafka_bootstrap_servers, mongodb_url, tokens
):
    where = {
        "kafka": kafka_bootstrap_servers,
        "mongodb_url": mongodb_url,
        "database": unique_database("voting"),
    }
    survivor, victim = launch_replica(**where), launch_replica(**where)
    try:
        await ready(survivor, victim)
        async with httpx.AsyncClient(base_url=survivor.url, timeout=60) as http:
            ballot_id = await open_ballot(http, tokens)
            voters = Voters(http, tokens, ballot_id)

            await voters.vote(VOTES // 3)
            # The tally consumers are counting before one dies.
            await until(lambda: _counted_some(http, ballot_id), what="the running tally to start")
            half_way = voters.cast + VOTES // 6
            await _kill_when(victim, lambda: voters.total + len(voters.refused) >= half_way, voters.vote(VOTES // 3))

            await voters.vote(VOTES // 6)
            victim = launch_replica(**where, port=int(victim.url.rsplit(":", 1)[1]))
            await ready(victim)
            await voters.vote(VOTES - voters.cast)

            assert voters.cast == VOTES
            await tallied_everything(voters, **where)
            await assert_nothing_lost_or_doubled(http, tokens, voters)
    finally:
        survivor.stop()
        victim.stop()


async def _counted_some(http: httpx.AsyncClient, ballot_id: str) -> bool:
    return await running_total(http, ballot_id) > 0


async def _kill_when(victim, condition, voting) -> None:
    """Run the `voting` coroutine and SIGKILL `victim` as soon as `condition()` holds while it runs."""
    task = asyncio.ensure_future(voting)
    while not condition() and not task.done():
        await asyncio.sleep(0.01)
    victim.kill()
    await task
