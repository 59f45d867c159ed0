"""The running tally on the real store and broker: each vote counted once, whatever is
delivered again, and a message that is not a vote set aside without stopping the count."""

import asyncio
import json

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo import AsyncMongoClient
from ulid import ULID

from tests.support.service import running, unique_database
from voting.config import VotingSettings
from voting.main import create_app
from voting.running_tally import RunningTally

pytestmark = pytest.mark.integration

BALLOT = "01BALLOT"


@pytest.fixture
async def tally(mongodb_url):
    mongo = AsyncMongoClient(mongodb_url)
    tally = RunningTally(mongo[unique_database("voting")])
    await tally.create_indexes()
    yield tally
    await mongo.close()


def votes(offsets: range, *, partition: int = 0, choice: str = "human") -> list:
    """Votes read at `offsets` of `partition`, each its own vote (its id names its place)."""
    return [(offset, f"vote-{partition}-{offset}", (choice,)) for offset in offsets]


async def test_overlapping_redelivered_batches_count_each_offset_once(tally):
    assert await tally.add(BALLOT, 0, votes(range(0, 10))) == 10
    assert await tally.add(BALLOT, 0, votes(range(5, 15))) == 5
    assert await tally.add(BALLOT, 0, votes(range(0, 15))) == 0

    assert sum((await tally.merged(BALLOT)).values()) == 15
    assert await tally.merged(BALLOT) == {("human",): 15}


async def test_two_consumers_adding_the_same_batch_at_once_count_it_once(tally):
    batch = votes(range(0, 50), partition=3)

    added = await asyncio.gather(*(tally.add(BALLOT, 3, batch) for _ in range(2)))

    assert sorted(added) == [0, 50]
    assert sum((await tally.merged(BALLOT)).values()) == 50


async def test_a_vote_the_relay_published_twice_counts_once(tally):
    # The copy sits at a later offset of the same partition (the key is the vote id).
    assert await tally.add(BALLOT, 1, [(0, "vote-a", ("human",)), (1, "vote-b", ("economy",))]) == 2
    assert await tally.add(BALLOT, 1, [(2, "vote-a", ("human",)), (3, "vote-c", ("human",))]) == 1
    assert await tally.add(BALLOT, 1, [(4, "vote-d", ("human",)), (5, "vote-d", ("human",))]) == 1

    assert await tally.merged(BALLOT) == {("human",): 3, ("economy",): 1}


async def test_merged_sums_the_partitions(tally):
    await tally.add(BALLOT, 0, votes(range(0, 3), choice="human"))
    await tally.add(BALLOT, 7, votes(range(0, 2), partition=7, choice="economy"))
    await tally.add(BALLOT, 11, [(9, "vote-x", ("human",)), (10, "vote-y", ("*write-in",))])
    await tally.add("01OTHER", 0, votes(range(100, 104)))

    assert await tally.merged(BALLOT) == {("human",): 4, ("economy",): 2, ("*write-in", ""): 1}
    assert sum((await tally.merged(BALLOT)).values()) == 7


async def test_a_malformed_message_is_dead_lettered_and_later_votes_still_count(
    kafka_bootstrap_servers, mongodb_url, jwt_keys, tokens
):
    group = f"sharik.voting.tally-test.{str(ULID()).lower()}"
    settings = VotingSettings(
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        mongodb_database=unique_database("voting"),
        jwt_public_key=jwt_keys[1],
        environment="test",
        consumer_group=group,
        outbox_poll_seconds=0.2,
    )
    async with running(create_app(settings)) as voting:
        officer = tokens.officer("mtcit")
        drafted = await voting.post(
            "/ballots",
            headers=officer,
            json={
                "question": {"ar": "السوق المركزي؟", "en": "The central market?"},
                "options": [
                    {"option_id": "rebuild", "label": {"ar": "إعادة البناء", "en": "Rebuild"}},
                    {"option_id": "renovate", "label": {"ar": "الترميم", "en": "Renovate"}},
                ],
                "opens_at": "2026-11-01T00:00:00Z",
                "closes_at": "2030-01-01T00:00:00Z",
                "show_preliminary": True,
            },
        )
        ballot_id = drafted.json()["ballot_id"]
        assert (await voting.post(f"/ballots/{ballot_id}/open", headers=officer)).status_code == 200

        # A vote's shape without its envelope headers, naming no real ballot: readers of the topic skip it.
        poison = json.dumps({"ballot_id": f"poison-{ballot_id}", "choice": ["rebuild"]}).encode()
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers)
        await producer.start()
        try:
            # On every partition, so votes come after it wherever they land.
            placed = [await producer.send_and_wait("voting.votes", poison, partition=p) for p in range(12)]
        finally:
            await producer.stop()

        for n in range(24):
            choice = "rebuild" if n % 3 else "renovate"
            cast = await voting.post(f"/ballots/{ballot_id}/votes", json={"choice": choice}, headers=tokens.citizen())
            assert cast.status_code == 201, cast.text

        deadline = asyncio.get_running_loop().time() + 60
        while (result := (await voting.get(f"/ballots/{ballot_id}/result")).json())["total_votes"] < 24:
            assert asyncio.get_running_loop().time() < deadline, f"counted {result['total_votes']} of 24"
            await asyncio.sleep(0.2)
        assert {c["option_id"]: c["votes"] for c in result["counts"]} == {"rebuild": 16, "renovate": 8}

    dead = await dead_letters(kafka_bootstrap_servers, body=poison, group=group, until=12)
    assert sorted((h["dlq_origin_partition"], h["dlq_origin_offset"]) for h in dead) == sorted(
        (str(p.partition), str(p.offset)) for p in placed
    )
    for headers in dead:
        assert headers["dlq_origin_topic"] == "voting.votes"
        assert headers["dlq_error"]


async def dead_letters(bootstrap: str, *, body: bytes, group: str, until: int, timeout: float = 30) -> list[dict]:
    """Headers of the records on voting.votes.dlq holding `body`, dead-lettered by `group`."""
    consumer = AIOKafkaConsumer(
        "voting.votes.dlq", bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    found: list[dict] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(found) < until and asyncio.get_running_loop().time() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                for record in batch:
                    headers = {k: v.decode() for k, v in record.headers}
                    if record.value == body and headers.get("dlq_consumer_group") == group:
                        found.append(headers)
    finally:
        await consumer.stop()
    return found
