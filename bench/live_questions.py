"""Live questions benchmark: one consultation replica holding many server-sent event
viewers of one session while questions are asked, approved and voted on; the delivery
latency of an update (from the action's request to a viewer receiving it, p50/p99) and
the replica's CPU. The baseline, in the same run, is the same load seen by one viewer.

    .venv/bin/python bench/live_questions.py --viewers 5000 --seconds 60   # the issue's run
    .venv/bin/python bench/live_questions.py --viewers 500 --seconds 15    # a quick one

It starts a fresh Kafka and store (devstack, on free ports) and one consultation service
as a separate process. Every viewer reads its stream; a sample of them (`--sampled`)
also parses each event to time it, so the client's own CPU does not stand in for the
server's. It prints figures; it asserts nothing about speed.
"""

import argparse
import asyncio
import json
import os
import random
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import httpx
from ulid import ULID

from devstack import kafka, store
from devstack.keys import dev_keys
from devstack.process import Process, launch, wait_until_ready
from devstack.services import service_env
from devstack.smtp import free_port
from sharik.auth import mint_token

AGENCY = "bench-agency"
TOPICS = ["الوظائف", "الإسكان", "التعليم", "الصحة", "النقل", "البيئة", "السياحة", "الزراعة", "الطاقة", "المياه"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--questions-per-minute", type=float, default=200)
    parser.add_argument("--votes-per-question", type=int, default=3)
    parser.add_argument("--sampled", type=int, default=200, help="viewers that time every event")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the replica inherits it
    if hard < args.viewers * 2 + 200:
        sys.exit(f"open-file limit {hard} is too low for {args.viewers} viewers")
    asyncio.run(run(args))


async def run(args) -> None:
    started: dict[str, Process] = {}
    try:
        started["kafka"] = await asyncio.to_thread(kafka.start, port=free_port("127.0.0.1"), controller_port=free_port("127.0.0.1"))
        started["store"] = await asyncio.to_thread(store.start, port=free_port("127.0.0.1"))
        port = free_port("127.0.0.1")
        env = service_env(
            "consultation", port=port, kafka_bootstrap_servers=started["kafka"].url,
            mongodb_url=started["store"].url, smtp_host="", smtp_port=0,
        )
        env |= {"CONSULTATION_MONGODB_DATABASE": f"bench_{str(ULID()).lower()}", "CONSULTATION_LOG_LEVEL": "WARNING"}
        url = f"http://127.0.0.1:{port}"
        script = str(Path(sys.executable).with_name("sharik-consultation"))
        started["consultation"] = launch(
            f"bench-consultation-{port}", [script], url=url, ports=(port,), answers=partial(_ready, url), env=env
        )
        for process in started.values():
            await asyncio.to_thread(wait_until_ready, process, timeout=180)
        async with httpx.AsyncClient(base_url=url, timeout=30, limits=httpx.Limits(max_connections=50)) as client:
            baseline = await phase(client, port, started["consultation"], args, viewers=1, sampled=1)
            loaded = await phase(client, port, started["consultation"], args, viewers=args.viewers, sampled=args.sampled)
        report(args, baseline, loaded)
    finally:
        for process in reversed(started.values()):
            process.stop()


def token(subject: str, roles: list[str], **claims) -> dict[str, str]:
    return {"authorization": f"Bearer {mint_token(dev_keys()[0], subject=subject, roles=roles, **claims)}"}


async def phase(client: httpx.AsyncClient, port: int, replica: Process, args, *, viewers: int, sampled: int) -> dict:
    """One session: open the viewers, run the load, measure."""
    officer = token("bench-officer", ["officer"], agency=AGENCY)
    moderator = token("bench-moderator", ["moderator"], agency=AGENCY)
    now = datetime.now(UTC)
    plan = {
        "title": {"ar": "جلسة", "en": "Session"},
        "speakers": [{"ar": "متحدث", "en": "Speaker"}],
        "starts_at": (now - timedelta(minutes=1)).isoformat(),
        "ends_at": (now + timedelta(hours=2)).isoformat(),
    }
    session_id = (await client.post("/sessions", json=plan, headers=officer)).json()["session_id"]
    sent: dict[tuple, float] = {}  # (question_id, status, votes) → when the action was requested
    latencies: list[float] = []
    tasks = [asyncio.create_task(viewer(port, session_id, sent, latencies if n < sampled else None)) for n in range(viewers)]
    deadline = time.monotonic() + 120
    while _connected.get(session_id, 0) < viewers and time.monotonic() < deadline:
        await asyncio.sleep(0.5)  # let the streams open before the clock starts
    await asyncio.sleep(1)
    cpu_before, wall_before = cpu_seconds(replica), time.monotonic()
    interval = 60 / args.questions_per_minute
    citizens = [token(f"bench-citizen-{n}", ["citizen"]) for n in range(args.votes_per_question + 1)]
    loop_end = time.monotonic() + args.seconds
    actions = []
    while time.monotonic() < loop_end:
        actions.append(asyncio.create_task(counted(question_cycle(client, session_id, citizens, moderator, sent))))
        await asyncio.sleep(interval)
    failed = sum(not ok for ok in await asyncio.gather(*actions))
    await asyncio.sleep(2)  # the last deliveries
    cpu_spent, wall = cpu_seconds(replica) - cpu_before, time.monotonic() - wall_before
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {"viewers": viewers, "latencies": sorted(latencies), "cpu": cpu_spent, "wall": wall, "updates": len(sent), "failed": failed}


async def counted(cycle) -> bool:
    """Whether a question's cycle went through (a timeout is a figure, not a crash)."""
    try:
        await cycle
        return True
    except httpx.HTTPError:
        return False


async def question_cycle(client, session_id: str, citizens: list[dict], moderator: dict, sent: dict) -> None:
    """Ask, approve, then the others vote for it: each step an update every viewer gets."""
    path = f"/sessions/{session_id}/questions"
    # No digits: a number in the text looks like personal data and is held for review.
    text = "سؤال عن " + " ".join(random.sample(TOPICS, 3))
    asked = (await client.post(path, json={"text": text}, headers=citizens[0])).json()
    question_id = asked["question_id"]
    sent[(question_id, "approved", 0)] = time.monotonic()
    approved = await client.post(f"{path}/{question_id}/moderation", json={"action": "approve"}, headers=moderator)
    approved.raise_for_status()
    for votes, voter in enumerate(citizens[1:], start=1):
        sent[(question_id, "approved", votes)] = time.monotonic()
        (await client.post(f"{path}/{question_id}/vote", headers=voter)).raise_for_status()


_connected: dict[str, int] = {}


async def viewer(port: int, session_id: str, sent: dict, latencies: list[float] | None) -> None:
    """One browser's EventSource, over a raw connection to keep the client light."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /sessions/{session_id}/stream HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    _connected[session_id] = _connected.get(session_id, 0) + 1
    try:
        while line := await reader.readline():
            if latencies is None or not line.startswith(b"data: "):
                continue
            at = time.monotonic()
            q = json.loads(line[6:])
            requested = sent.get((q["question_id"], q["status"], q["votes"]))
            if requested is not None:
                latencies.append(at - requested)
    finally:
        writer.close()


def cpu_seconds(process: Process) -> float:
    """CPU time (user + system) of the process so far, from /proc/<pid>/stat fields 14 and 15."""
    fields = Path(f"/proc/{process.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")


def report(args, baseline: dict, loaded: dict) -> None:
    print(f"live questions: {args.questions_per_minute:g} questions/min, {args.votes_per_question} votes each, {args.seconds:g} s")
    for name, figures in (("baseline (1 viewer)", baseline), (f"{loaded['viewers']} viewers", loaded)):
        lat = figures["latencies"]
        print(
            f"  {name:>20}: {figures['updates']} updates ({figures['failed']} questions failed), {len(lat)} deliveries timed,"
            f" latency p50 {percentile(lat, 0.5) * 1000:.0f} ms p99 {percentile(lat, 0.99) * 1000:.0f} ms,"
            f" replica CPU {figures['cpu'] / figures['wall'] * 100:.0f}% of a core"
        )


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


if __name__ == "__main__":
    main()
