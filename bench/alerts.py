"""Alerts benchmark: issue → every operator's acknowledgement (p50/p99 over N alerts),
and issue → SMS submitted to the SMS centre for M subscribers in the area; with, as
baselines in the same run, a raw POST of the same CAP documents straight to the same
cell broadcast centres, and the same number of SMS submitted straight over SMPP.

    .venv/bin/python bench/alerts.py                         # 100 alerts, 100,000 SMS
    .venv/bin/python bench/alerts.py --alerts 20 --sms 2000  # a quick one

It starts a fresh Kafka and store (devstack, on free ports) unless --kafka/--mongodb
name running ones, two operators' cell broadcast centre stand-ins (devstack.cbc, in
this process) and one notifier as a separate process. Each alert is drafted and
approved by a second authority before the clock starts; the clock runs from the issue
request until the later of the two operators' acknowledgements as the notifier
recorded it. It prints figures; it asserts nothing about speed.
"""

import argparse
import asyncio
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import httpx
from pymongo import AsyncMongoClient

from devstack import kafka, store
from devstack.cbc import Centre, serve
from devstack.smsc import SmsCentre
from devstack.smsc import serve as serve_smsc
from devstack.keys import dev_keys
from devstack.process import Process, launch, wait_until_ready
from devstack.services import service_env
from devstack.smtp import free_port
from notifier.sms.smpp import SmppConnection, SmppSettings
from sharik.auth import mint_token

AGENCY = "ncem"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=100)
    parser.add_argument("--sms", type=int, default=100_000, help="subscribers in the area")
    parser.add_argument("--kafka", help="bootstrap servers of a running Kafka")
    parser.add_argument("--mongodb", help="URL of a running store")
    args = parser.parse_args()
    asyncio.run(run(args))


def alert(n: int) -> dict:
    now = datetime.now(UTC)
    info = {
        "event": "Flash flood", "headline": f"Flash flood warning {n}",
        "description": "Wadis are flowing in the area.", "instruction": "Keep away from wadis.",
        "text_90": "Flash flood: keep away from wadis.", "text_360": "Flash flood warning: keep away from wadis.",
        "sender_name": "NCEM",
    }
    return {
        "status": "Actual", "categories": ["Met"], "urgency": "Immediate", "severity": "Severe",
        "certainty": "Observed", "onset": now.isoformat(), "expires": (now + timedelta(hours=3)).isoformat(),
        "infos": [{**info, "language": "ar", "headline": f"تحذير من سيول {n}"}, {**info, "language": "en"}],
        "area": {
            "description": {"ar": "ولاية صور", "en": "Sur"},
            "polygons": [[[22.7, 59.3], [22.7, 59.7], [22.4, 59.7], [22.4, 59.3], [22.7, 59.3]]],
            "geocodes": [{"name": "wilayat", "value": "sur"}],
        },
    }


async def run(args) -> None:
    started: dict[str, Process] = {}
    bootstrap, mongodb = args.kafka, args.mongodb
    if not bootstrap:
        started["kafka"] = await asyncio.to_thread(
            kafka.start, port=free_port("127.0.0.1"), controller_port=free_port("127.0.0.1")
        )
        bootstrap = started["kafka"].url
    if not mongodb:
        started["store"] = await asyncio.to_thread(store.start, port=free_port("127.0.0.1"))
        mongodb = started["store"].url
    centres = [await serve(Centre("omantel"), (0, 0)), await serve(Centre("ooredoo"), (0, 0))]
    smsc = await serve_smsc(SmsCentre())
    database = f"bench_alerts_{int(time.time())}"
    config = {c.centre.operator: {"primary": c.url(0), "secondary": c.url(1)} for c in centres}
    try:
        port = free_port("127.0.0.1")
        env = service_env("notifier", port=port, kafka_bootstrap_servers=bootstrap, mongodb_url=mongodb,
                          smtp_host="127.0.0.1", smtp_port=free_port("127.0.0.1"))
        env |= {
            "NOTIFIER_CELL_BROADCAST_CENTRES": json.dumps(config),
            "NOTIFIER_MONGODB_DATABASE": database,
            "NOTIFIER_LOG_LEVEL": "WARNING",
            "NOTIFIER_SMPP_HOST": "127.0.0.1",
            "NOTIFIER_SMPP_PORT": str(smsc.port),
        }
        url = f"http://127.0.0.1:{port}"
        started["notifier"] = launch(
            f"bench-notifier-{port}", [str(Path(sys.executable).with_name("sharik-notifier"))], url=url,
            ports=(port,), answers=partial(_ready, url), env=env,
        )
        await asyncio.to_thread(wait_until_ready, started["notifier"], timeout=120)
        issued = await issue_figures(url, args.alerts)
        raw = await raw_figures(config, centres[0].centre, args.alerts)
        sms = await sms_figures(url, mongodb, database, smsc.centre, args.sms)
        raw_sms = await raw_sms_figures(smsc, args.sms)
    finally:
        await smsc.stop()
        for centre in centres:
            await centre.stop()
        for process in reversed(started.values()):
            process.stop()
    report(args.alerts, issued, raw)
    print(f"\n{args.sms} SMS subscribers in the area (one part each, GSM-7 alert text)")
    print(f"{'issue → all SMS submitted to the SMS centre':<44} {sms:8.2f} s   {args.sms / sms:9.0f} SMS/s")
    print(f"{'baseline: the same SMS straight over SMPP':<44} {raw_sms:8.2f} s   {args.sms / raw_sms:9.0f} SMS/s")
    print("goal: 100,000 SMS submitted within 10 s")


async def issue_figures(url: str, count: int) -> list[float]:
    private = dev_keys()[0]
    author, second = ({"authorization": f"Bearer {mint_token(private, subject=s, roles=['alert_authority'], agency=AGENCY)}"}
                      for s in ("bench-author", "bench-approver"))
    operator = {"authorization": f"Bearer {mint_token(private, subject='bench-operator', roles=['operator'])}"}
    latencies = []
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for n in range(count):
            drafted = (await client.post("/alerts", json=alert(n), headers=author)).json()
            alert_id = drafted["alert_id"]
            (await client.post(f"/alerts/{alert_id}/approve", headers=second)).raise_for_status()
            start = datetime.now(UTC)
            (await client.post(f"/alerts/{alert_id}/issue", headers=author)).raise_for_status()
            while True:
                broadcasts = (await client.get(f"/alerts/{alert_id}/broadcasts", headers=operator)).json()
                if len(broadcasts) == 2 and all(b["state"] == "acknowledged" for b in broadcasts):
                    break
                await asyncio.sleep(0.01)
            last = max(datetime.fromisoformat(b["acknowledged_at"]) for b in broadcasts)
            latencies.append((last - start).total_seconds())
    return latencies


async def raw_figures(config: dict, centre: Centre, count: int) -> list[float]:
    """The same CAP documents POSTed straight to both primaries, side by side."""
    documents = [r.document for r in centre.received]
    latencies = []
    async with httpx.AsyncClient(timeout=30) as client:
        for n in range(count):
            document = documents[n % len(documents)]
            start = time.perf_counter()
            await asyncio.gather(*(client.post(c["primary"], content=document) for c in config.values()))
            latencies.append(time.perf_counter() - start)
    return latencies


async def sms_figures(url: str, mongodb: str, database: str, centre: SmsCentre, count: int) -> float:
    """Subscribers stored confirmed (as if each had followed their link), then one alert."""
    now = datetime.now(UTC) - timedelta(minutes=1)
    client = AsyncMongoClient(mongodb)
    documents = [
        {
            "_id": f"bench-{n}", "owner": f"bench-{n}", "channel": "sms", "address": f"+9689{n:07d}"[:12],
            "language": "en", "topics": ["alerts"], "agency": None, "created_at": now, "updated_at": now,
            "quiet_hours": False, "verified_at": now, "complaint_id": None, "follower": None, "wilayat": "sur",
        }
        for n in range(count)
    ]
    for start in range(0, count, 10_000):
        await client[database]["subscriptions"].insert_many(documents[start : start + 10_000])
    await client.close()
    private = dev_keys()[0]
    author, second = ({"authorization": f"Bearer {mint_token(private, subject=s, roles=['alert_authority'], agency=AGENCY)}"}
                      for s in ("bench-author", "bench-approver"))
    before = len(centre.submitted)
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        body = alert(0)
        body["infos"][0] = {**body["infos"][1], "language": "ar"}  # GSM-7 text: one part each
        drafted = (await http.post("/alerts", json=body, headers=author)).json()
        (await http.post(f"/alerts/{drafted['alert_id']}/approve", headers=second)).raise_for_status()
        start = time.perf_counter()
        (await http.post(f"/alerts/{drafted['alert_id']}/issue", headers=author)).raise_for_status()
        deadline = start + 1800
        while len(centre.submitted) - before < count and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        return time.perf_counter() - start


async def raw_sms_figures(smsc, count: int) -> float:
    connection = SmppConnection(
        SmppSettings(host="127.0.0.1", port=smsc.port, system_id="bench", password="", source_addr="Sharik"),
        on_receipt=_ignore,
    )
    await connection.start()
    try:
        start = time.perf_counter()
        await asyncio.gather(*(connection.submit(f"9689{n:07d}"[:11], "Flash flood: keep away from wadis.")
                               for n in range(count)))
        return time.perf_counter() - start
    finally:
        await connection.stop()


async def _ignore(*_args) -> None:
    return None


def report(count: int, issued: list[float], raw: list[float]) -> None:
    def line(name: str, values: list[float]) -> str:
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        return f"{name:<44} p50 {1000 * cuts[49]:7.1f} ms   p99 {1000 * cuts[98]:7.1f} ms   max {1000 * max(values):7.1f} ms"

    print(f"\n{count} alerts, two operators")
    print(line("issue → both operators' acknowledgements", issued))
    print(line("baseline: raw POST of the CAP to both centres", raw))
    print("goal: p99 < 1 s for issue → acknowledgements")


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


if __name__ == "__main__":
    main()
