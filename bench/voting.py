"""Voting benchmark: votes accepted per second at the HTTP API, tally lag, and the raw
Kafka produce→consume throughput of as many same-sized messages on the same broker, in
the same run, so the ratio holds whatever the machine's speed that day.

    .venv/bin/python bench/voting.py --votes 500000     # the national-scale run
    .venv/bin/python bench/voting.py --votes 5000       # a quick one

It starts a fresh Kafka and store (devstack, on free ports) and one voting service as
a separate process, unless --kafka/--mongodb name running ones. It prints figures; it
asserts nothing about speed.
"""

import argparse
import asyncio
import os
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
    try:
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
        api = await api_figures(urls, args.votes, args.concurrency, partial(cpu_seconds, started))
        raw = await raw_kafka_figures(bootstrap, args.votes, api["message_bytes"])
    finally:
        for process in reversed(started.values()):
            process.stop()
    print_report(args, api, raw)


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


async def api_figures(urls: list[str], votes: int, concurrency: int, cpu: Callable[[], dict]) -> dict:
    private = dev_keys()[0]
    officer = {"authorization": "Bearer " + mint_token(private, subject="bench-officer", roles=["officer"], agency="bench")}
    now = datetime.now(UTC)
    mint_started = time.perf_counter()
    # One token per voter, made before the clock starts: signing is the identity
    # provider's work, not the platform's.
    voters = [mint_token(private, subject=f"bench-{n}", roles=["citizen"]) for n in range(votes)]
    mint_seconds = time.perf_counter() - mint_started
    # aiohttp rather than httpx: the client shares the two cores with the service, and
    # httpx spent about as much CPU per request as the service did.
    connector = aiohttp.TCPConnector(limit=concurrency, keepalive_timeout=2)
    async with aiohttp.ClientSession(base_url=urls[0], connector=connector) as http:
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

        accepted = 0
        refused = 0
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(votes):
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

        async def result() -> tuple[int, dict]:
            async with http.get(f"/ballots/{ballot}/result") as response:
                return response.status, await response.json()

        cpu_before = cpu()
        cast_started = time.perf_counter()
        await asyncio.gather(*(cast_worker() for _ in range(concurrency)))
        cast_seconds = time.perf_counter() - cast_started

        # Tally lag: from the last accepted vote until the running tally has counted them all.
        while (running := (await result())[1])["total_votes"] < accepted:
            await asyncio.sleep(0.05)
        tally_seconds = time.perf_counter() - cast_started - cast_seconds
        running_total = running["total_votes"]
        # CPU spent while the votes were cast and counted, per process.
        cpu_spent = {name: spent - cpu_before[name] for name, spent in cpu().items()}

        close_started = time.perf_counter()
        async with http.post(f"/ballots/{ballot}/close", headers=officer) as closed:
            closed.raise_for_status()
        while True:
            status, final = await result()
            if status == 200 and not final.get("preliminary"):
                break
            await asyncio.sleep(0.05)
        close_seconds = time.perf_counter() - close_started
        counted = final["total_votes"]
        on_board = final["board"]["votes"]["length"]
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
        "cpu": cpu_spent,
        "mint_seconds": mint_seconds,
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


def print_report(args, api: dict, raw: dict) -> None:
    api_rate = api["accepted"] / api["cast_seconds"]
    raw_rate = raw["messages"] / raw["seconds"]
    print(f"votes requested           {args.votes}  ({args.replicas} voting replica(s), {os.cpu_count()} cores)")
    print(f"votes accepted            {api['accepted']} (refused {api['refused']})")
    print(f"on the board / tallied    {api['on_board']} / {api['counted']} (running tally {api['running_total']})")
    print(f"HTTP votes accepted/s     {api_rate:,.0f}  ({api['cast_seconds']:.1f} s, {args.concurrency} in flight)")
    print(f"tally lag                 {api['tally_seconds']:.2f} s  (last vote accepted → running tally complete)")
    print(f"close → final result      {api['close_seconds']:.2f} s  (seal the board, count it, publish)")
    print(f"raw Kafka produce→consume {raw_rate:,.0f} msg/s  ({raw['messages']} × {api['message_bytes']} B in {raw['seconds']:.1f} s)")
    print(f"ratio HTTP / raw Kafka    {api_rate / raw_rate:.3f}")
    per_vote = ", ".join(f"{name} {seconds * 1000 / max(api['accepted'], 1):.2f}" for name, seconds in api["cpu"].items())
    print(f"CPU ms per accepted vote  {per_vote}")
    print(f"(tokens minted beforehand in {api['mint_seconds']:.1f} s, not counted)")
    if not api["accepted"] == api["on_board"] == api["counted"] == api["running_total"]:
        print("WARNING: accepted, board, final and running counts differ")


if __name__ == "__main__":
    main()
