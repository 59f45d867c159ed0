"""Voting benchmark: votes accepted per second at the HTTP API against a bare FastAPI
endpoint served and driven the same way, the time until the final result is published,
the service's CPU per vote, and the raw Kafka produce→consume throughput of as many
same-sized messages on the same broker, all in the same run, so the ratios hold whatever
the machine's speed that day.

    .venv/bin/python bench/voting.py --votes 500000     # the national-scale run
    .venv/bin/python bench/voting.py --votes 5000       # a quick one

It starts a fresh Kafka and store (devstack, on free ports) and one voting service as
a separate process, unless --kafka/--mongodb name running ones. It prints figures and
checks the counts and the board; it asserts nothing about speed.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from ulid import ULID

from devstack import kafka, store
from devstack.keys import dev_keys
from devstack.services import service_env
from devstack.process import Process, launch, wait_until_ready
from devstack.smtp import free_port
from sharik.auth import mint_token

OPTIONS = [
    {"option_id": "human-and-society", "label": {"ar": "الإنسان والمجتمع", "en": "Human and society"}},
    {"option_id": "economy", "label": {"ar": "الاقتصاد", "en": "Economy"}},
    {"option_id": "governance", "label": {"ar": "الحوكمة", "en": "Governance"}},
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=500_000)
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight at once")
    parser.add_argument("--replicas", type=int, default=1, help="voting service processes, one database")
    parser.add_argument("--kafka", help="bootstrap servers of a running Kafka")
    parser.add_argument("--mongodb", help="URL of a running store")
    parser.add_argument(
        "--baseline-requests", type=int, default=50_000, help="requests to the no-op endpoint (at most --votes)"
    )
    args = parser.parse_args()
    asyncio.run(run(args))


async def run(args) -> None:
    started: dict[str, Process] = {}
    bootstrap = args.kafka
    if not bootstrap:
        port = free_port("127.0.0.1")
        started["kafka"] = await asyncio.to_thread(kafka.start, port=port, controller_port=free_port("127.0.0.1"))
        bootstrap = started["kafka"].url
    mongodb = args.mongodb
    if not mongodb:
        # Every vote leaves about five documents (vote, voter mark, board entry, tally
        # note, partial count share) in the in-memory store.
        started["store"] = await asyncio.to_thread(store.start, port=free_port("127.0.0.1"), heap="8g")
        mongodb = started["store"].url
    database = f"bench_{str(ULID()).lower()}"
    urls = []
    voters = mint_voters(args.votes)
    try:
        baseline = await noop_figures(voters[: min(args.baseline_requests, args.votes)], args.concurrency)
        for replica in range(args.replicas):
            port = free_port("127.0.0.1")
            env = service_env(
                "voting", port=port, kafka_bootstrap_servers=bootstrap, mongodb_url=mongodb, smtp_host="", smtp_port=0
            )
            env["VOTING_MONGODB_DATABASE"] = database
            env["VOTING_LOG_LEVEL"] = "WARNING"
            url = f"http://127.0.0.1:{port}"
            script = str(Path(sys.executable).with_name("sharik-voting"))
            started[f"voting-{replica + 1}"] = launch(
                f"bench-voting-{port}", [script], url=url, ports=(port,), answers=partial(_ready, url), env=env
            )
            urls.append(url)
        for name, process in started.items():
            if name.startswith("voting"):
                await asyncio.to_thread(wait_until_ready, process, timeout=120)
        api = await api_figures(urls, voters, args.concurrency, partial(cpu_seconds, started))
        raw = await raw_kafka_figures(bootstrap, args.votes, api["message_bytes"])
    finally:
        for process in reversed(started.values()):
            process.stop()
    print_report(args, baseline, api, raw)


def cpu_seconds(processes: dict[str, Process]) -> dict[str, float]:
    """CPU time (user + system) so far of each process, and of this one as `client`."""
    ticks = os.sysconf("SC_CLK_TCK")
    spent = {}
    for name, process in processes.items():
        # /proc/<pid>/stat fields 14 and 15; the name field before them may hold spaces.
        fields = Path(f"/proc/{process.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
        spent[name] = (int(fields[11]) + int(fields[12])) / ticks
    own = os.times()
    spent["client"] = own.user + own.system
    return spent


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def mint_voters(votes: int) -> list[str]:
    """One token per voter, made before any clock starts: signing is the identity
    provider's work, not the platform's."""
    private = dev_keys()[0]
    return [mint_token(private, subject=f"bench-{n}", roles=["citizen"]) for n in range(votes)]


def session(url: str, concurrency: int) -> aiohttp.ClientSession:
    # aiohttp rather than httpx: the client shares the two cores with the service, and
    # httpx spent about as much CPU per request as the service did.
    return aiohttp.ClientSession(base_url=url, connector=aiohttp.TCPConnector(limit=concurrency, keepalive_timeout=2))


async def cast(
    http: aiohttp.ClientSession, urls: list[str], ballot: str, voters: list[str], concurrency: int
) -> tuple[int, int, float]:
    """POST each voter's vote, `concurrency` in flight; return accepted, refused and the seconds it took."""
    accepted = 0
    refused = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(len(voters)):
        queue.put_nowait(n)

    async def cast_worker() -> None:
        nonlocal accepted, refused
        while not queue.empty():
            n = queue.get_nowait()
            async with http.post(
                f"{urls[n % len(urls)]}/ballots/{ballot}/votes",
                headers={"authorization": f"Bearer {voters[n]}"},
                json={"choice": OPTIONS[n % 3]["option_id"]},
            ) as response:
                await response.read()
                if response.status == 201:
                    accepted += 1
                else:
                    refused += 1

    started = time.perf_counter()
    await asyncio.gather(*(cast_worker() for _ in range(concurrency)))
    return accepted, refused, time.perf_counter() - started


async def noop_figures(voters: list[str], concurrency: int) -> dict:
    """The same requests, client and concurrency against bench/noop_vote.py: the most
    a Python ASGI endpoint serves on this machine today."""
    port = free_port("127.0.0.1")
    url = f"http://127.0.0.1:{port}"
    script = str(Path(__file__).with_name("noop_vote.py"))
    noop = launch(f"bench-noop-{port}", [sys.executable, script, str(port)], url=url, ports=(port,), answers=partial(_ready, url))
    try:
        await asyncio.to_thread(wait_until_ready, noop, timeout=60)
        before = cpu_seconds({"noop": noop})
        async with session(url, concurrency) as http:
            accepted, refused, seconds = await cast(http, [url], str(ULID()), voters, concurrency)
        spent = {name: cpu - before[name] for name, cpu in cpu_seconds({"noop": noop}).items()}
    finally:
        noop.stop()
    return {"requests": accepted + refused, "answered_201": accepted, "seconds": seconds, "cpu": spent}


async def api_figures(urls: list[str], voters: list[str], concurrency: int, cpu: Callable[[], dict]) -> dict:
    private = dev_keys()[0]
    officer = {"authorization": "Bearer " + mint_token(private, subject="bench-officer", roles=["officer"], agency="bench")}
    now = datetime.now(UTC)
    async with session(urls[0], concurrency) as http:
        async with http.post(
            "/ballots",
            headers=officer,
            json={
                "question": {"ar": "ما موضوع المنتدى؟", "en": "Which topic?"},
                "options": OPTIONS,
                "opens_at": (now - timedelta(minutes=1)).isoformat(),
                "closes_at": (now + timedelta(days=1)).isoformat(),
                # The running count is the tally consumers' merged partial counts.
                "show_preliminary": True,
            },
        ) as drafted:
            ballot = (await drafted.json())["ballot_id"]
        async with http.post(f"/ballots/{ballot}/open", headers=officer) as opened:
            opened.raise_for_status()

        async def result() -> tuple[int, dict]:
            async with http.get(f"/ballots/{ballot}/result") as response:
                return response.status, await response.json()

        cpu_before = cpu()
        cast_started = time.perf_counter()
        accepted, refused, cast_seconds = await cast(http, urls, ballot, voters, concurrency)

        # Tally lag: from the last accepted vote until the running tally has counted them all.
        while (running := (await result())[1])["total_votes"] < accepted:
            await asyncio.sleep(0.05)
        tally_seconds = time.perf_counter() - cast_started - cast_seconds
        running_total = running["total_votes"]

        close_started = time.perf_counter()
        async with http.post(f"/ballots/{ballot}/close", headers=officer) as closed:
            closed.raise_for_status()
        while True:
            status, final = await result()
            if status == 200 and not final.get("preliminary"):
                break
            await asyncio.sleep(0.05)
        close_seconds = time.perf_counter() - close_started
        total_seconds = time.perf_counter() - cast_started
        # CPU spent while the votes were cast, sealed, announced, counted and published, per process.
        cpu_spent = {name: spent - cpu_before[name] for name, spent in cpu().items()}
        counted = final["total_votes"]
        on_board = final["board"]["votes"]["length"]
    export = f"{urls[0]}/ballots/{ballot}/board/export"
    verifier = [str(Path(sys.executable).with_name("sharik-verify")), "board", export, "--head", final["board_head"]]
    verified = (await asyncio.to_thread(subprocess.run, verifier, capture_output=True)).returncode == 0
    sample = f'{{"ballot_id":"{ballot}","vote_id":"{"0" * 32}","choice":["human-and-society"],"cast_at":"{now.isoformat()}"}}'
    return {
        "accepted": accepted,
        "refused": refused,
        "counted": counted,
        "on_board": on_board,
        "running_total": running_total,
        "cast_seconds": cast_seconds,
        "tally_seconds": tally_seconds,
        "close_seconds": close_seconds,
        "total_seconds": total_seconds,
        "cpu": cpu_spent,
        "verified": verified,
        "message_bytes": len(sample.encode()),
    }


async def raw_kafka_figures(bootstrap: str, messages: int, size: int) -> dict:
    topic = f"bench.raw.{str(ULID()).lower()}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=12, replication_factor=1)])
        # Produce only once every partition has a leader, so the figure is not a start-up wait.
        while True:
            [description] = await admin.describe_topics([topic])
            if len(description["partitions"]) == 12 and all(p["leader"] >= 0 for p in description["partitions"]):
                break
            await asyncio.sleep(0.1)
    finally:
        await admin.close()
    payload = b"x" * size
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None)
    await producer.start()
    await consumer.start()
    try:
        started = time.perf_counter()
        batch = []
        for n in range(messages):
            batch.append(await producer.send(topic, payload, key=str(n).encode()))
            if len(batch) >= 10_000:
                await asyncio.gather(*batch)
                batch.clear()
        await asyncio.gather(*batch)
        received = 0
        while received < messages:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                received += len(records)
        seconds = time.perf_counter() - started
    finally:
        await producer.stop()
        await consumer.stop()
    return {"messages": messages, "seconds": seconds}


def print_report(args, baseline: dict, api: dict, raw: dict) -> None:
    api_rate = api["accepted"] / api["cast_seconds"]
    noop_rate = baseline["requests"] / baseline["seconds"]
    raw_rate = raw["messages"] / raw["seconds"]
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"votes requested           {args.votes}  ({args.replicas} voting replica(s), {os.cpu_count()} cores, load {load})")
    print(f"votes accepted            {api['accepted']} (refused {api['refused']})")
    print(f"on the board / tallied    {api['on_board']} / {api['counted']} (running tally {api['running_total']})")
    print(f"no-op endpoint req/s      {noop_rate:,.0f}  ({baseline['requests']} in {baseline['seconds']:.1f} s, {baseline['answered_201']} answered 201; CPU ms a request: noop {baseline['cpu']['noop'] * 1000 / max(baseline['requests'], 1):.2f}, client {baseline['cpu']['client'] * 1000 / max(baseline['requests'], 1):.2f})")
    print(f"HTTP votes accepted/s     {api_rate:,.0f}  ({api['cast_seconds']:.1f} s, {args.concurrency} in flight)")
    print(f"ratio votes / no-op       {api_rate / noop_rate:.3f}  (goal ≥ 0.40)")
    print(f"first vote → final result {api['total_seconds']:.1f} s  (goal for 500,000 votes: < 300 s)")
    print(f"tally lag                 {api['tally_seconds']:.2f} s  (last vote accepted → running tally complete)")
    print(f"close → final result      {api['close_seconds']:.2f} s  (seal the board, count it, publish)")
    print(f"raw Kafka produce→consume {raw_rate:,.0f} msg/s  ({raw['messages']} × {api['message_bytes']} B in {raw['seconds']:.1f} s)")
    print(f"ratio HTTP / raw Kafka    {api_rate / raw_rate:.3f}")
    per_vote = ", ".join(f"{name} {seconds * 1000 / max(api['accepted'], 1):.2f}" for name, seconds in api["cpu"].items())
    print(f"CPU ms per accepted vote  {per_vote}  (first vote → final result; goal for the service < 1)")
    counts_agree = api["accepted"] == api["on_board"] == api["counted"] == api["running_total"]
    print(f"accepted = board = final = running tally: {'ok' if counts_agree else 'MISMATCH'}")
    print(f"sharik-verify board --head: {'ok' if api['verified'] else 'MISMATCH'}")


if __name__ == "__main__":
    main()
