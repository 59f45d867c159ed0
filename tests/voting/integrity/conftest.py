"""What only the integrity tests need: voting replicas as separate processes (so a test can
SIGKILL one), voters casting concurrently over HTTP, and the checks every run ends with:
accepted votes = running tally = final count = board entries, every vote announced, and
the board verifies."""

import asyncio
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer
from pymongo import AsyncMongoClient

from devstack.process import Process, launch, wait_until_ready
from devstack.services import is_ready, service_env
from devstack.smtp import free_port
from sharik.events.envelope import Envelope
from sharik.events.voting import VoteCast
from tests.support.service import Tokens
from sharik_verify.cli import main as sharik_verify

AGENCY = "mtcit"
OPTIONS = ["human", "economy", "governance"]
QUIET_TIMEOUT = 90


def launch_replica(*, kafka: str, mongodb_url: str, database: str, port: int | None = None) -> Process:
    """Start a voting replica as its own process (the `sharik-voting` script), without waiting."""
    port = port or free_port("127.0.0.1")
    env = service_env(
        "voting", port=port, kafka_bootstrap_servers=kafka, mongodb_url=mongodb_url, smtp_host="", smtp_port=0
    )
    env |= {
        "VOTING_MONGODB_DATABASE": database,
        "VOTING_OUTBOX_POLL_SECONDS": "0.2",
        "VOTING_SEAL_POLL_SECONDS": "0.2",
        "PYTHONUNBUFFERED": "1",
    }
    url = f"http://127.0.0.1:{port}"
    script = str(Path(sys.executable).with_name("sharik-voting"))
    name = f"integrity-voting-{port}"
    return launch(name, [script], url=url, ports=(port,), answers=lambda: is_ready(url), env=env)


async def ready(*replicas: Process) -> None:
    """Wait until every replica answers /readyz."""
    await asyncio.gather(*(asyncio.to_thread(wait_until_ready, r, timeout=90) for r in replicas))


async def open_ballot(http: httpx.AsyncClient, tokens: Tokens) -> str:
    """An open single-choice ballot that shows its running tally."""
    officer = tokens.officer(AGENCY)
    drafted = await http.post(
        "/ballots",
        headers=officer,
        json={
            "question": {"ar": "ما موضوع منتدى معاً نتقدم؟", "en": "Which topic for Together We Progress?"},
            "options": [{"option_id": o, "label": {"ar": o, "en": o}} for o in OPTIONS],
            "opens_at": "2026-11-01T00:00:00Z",
            "closes_at": "2030-01-01T00:00:00Z",
            "show_preliminary": True,
        },
    )
    assert drafted.status_code == 201, drafted.text
    ballot_id = drafted.json()["ballot_id"]
    opened = await http.post(f"/ballots/{ballot_id}/open", headers=officer)
    assert opened.status_code == 200, opened.text
    return ballot_id


@dataclass
class Voters:
    """Distinct citizens voting in one ballot, `concurrency` requests in flight; keeps what was accepted."""

    http: httpx.AsyncClient
    tokens: Tokens
    ballot_id: str
    concurrency: int = 16
    accepted: Counter[str] = field(default_factory=Counter)
    refused: list[str] = field(default_factory=list)
    cast: int = 0

    async def vote(self, count: int) -> None:
        """Cast `count` more votes, spread over the options, from citizens who have not voted."""
        numbers = iter(range(self.cast, self.cast + count))
        self.cast += count

        async def worker() -> None:
            for n in numbers:
                choice = OPTIONS[n % 7 % len(OPTIONS)]
                response = await self.http.post(
                    f"/ballots/{self.ballot_id}/votes",
                    json={"choice": choice},
                    headers=self.tokens.citizen(f"integrity-{self.ballot_id}-{n}"),
                )
                if response.status_code == 201:
                    self.accepted[choice] += 1
                else:
                    self.refused.append(f"{response.status_code} {response.text}")

        await asyncio.gather(*(worker() for _ in range(self.concurrency)))

    @property
    def total(self) -> int:
        return sum(self.accepted.values())


async def until(condition, *, what: str, timeout: float = QUIET_TIMEOUT) -> None:
    """Poll the async `condition` until it holds; fail naming `what` after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.2)


async def running_total(http: httpx.AsyncClient, ballot_id: str) -> int:
    result = await http.get(f"/ballots/{ballot_id}/result")
    assert result.status_code == 200 and result.json()["preliminary"] is True, result.text
    return result.json()["total_votes"]


async def tallied_everything(voters: "Voters", *, kafka: str, mongodb_url: str, database: str) -> None:
    """Wait until the running tally has counted every accepted vote, the ballot box is
    empty, and the topic holds a VoteCast of every accepted vote (once or more: announcing
    is at least once)."""
    await until(
        lambda: _at_least(voters.http, voters.ballot_id, voters.total), what="the running tally to count every vote"
    )
    mongo = AsyncMongoClient(mongodb_url)
    try:
        box = mongo[database]["ballot_box"]
        await until(lambda: _none(box, {"ballot_id": voters.ballot_id}), what="the sealer to announce every vote")
    finally:
        await mongo.close()
    announced = await _announced(kafka, voters.ballot_id, voters.total)
    assert len(announced) == voters.total, f"{len(announced)} of {voters.total} votes announced"


async def _announced(kafka: str, ballot_id: str, total: int) -> set[str]:
    """The vote ids of the ballot's VoteCast on the topic, read until `total` or quiet."""
    consumer = AIOKafkaConsumer(VoteCast.topic, bootstrap_servers=kafka, group_id=None, auto_offset_reset="earliest")
    await consumer.start()
    seen: set[str] = set()
    try:
        deadline = asyncio.get_running_loop().time() + QUIET_TIMEOUT
        while len(seen) < total and asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for record in records:
                    headers = {k: v.decode() for k, v in record.headers}
                    event = Envelope.parse(headers, record.value or b"").event
                    if isinstance(event, VoteCast) and event.ballot_id == ballot_id:
                        seen.add(event.vote_id)
    finally:
        await consumer.stop()
    return seen


async def _at_least(http: httpx.AsyncClient, ballot_id: str, total: int) -> bool:
    return await running_total(http, ballot_id) >= total


async def _none(collection, query: dict) -> bool:
    return await collection.count_documents(query) == 0


async def assert_nothing_lost_or_doubled(http: httpx.AsyncClient, tokens: Tokens, voters: Voters) -> None:
    """Accepted = running tally (per choice) = final count = board length, and the board verifies."""
    ballot_id = voters.ballot_id
    assert voters.refused == [], voters.refused[:3]
    running = (await http.get(f"/ballots/{ballot_id}/result")).json()
    assert running["preliminary"] is True
    running_counts = {c["option_id"]: c["votes"] for c in running["counts"]}
    assert running["total_votes"] == voters.total
    assert running_counts == {o: voters.accepted[o] for o in OPTIONS}

    closed = await http.post(f"/ballots/{ballot_id}/close", headers=tokens.officer(AGENCY))
    assert closed.status_code == 200, closed.text
    final = (await http.get(f"/ballots/{ballot_id}/result")).json()
    assert final["preliminary"] is False
    assert final["total_votes"] == voters.total
    assert {c["option_id"]: c["votes"] for c in final["counts"]} == running_counts
    assert final["board"]["votes"]["length"] == voters.total

    export = f"{str(http.base_url).rstrip('/')}/ballots/{ballot_id}/board/export"
    verdict = await asyncio.to_thread(sharik_verify, ["board", export, "--head", final["board_head"]])
    assert verdict == 0, "sharik-verify board found a mismatch"
