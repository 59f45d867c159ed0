"""Portal benchmark: p50/p95 page time of the main citizen pages with 50 concurrent signed-in
users through the portal, beside the same pages' API calls made directly, in the same run.

    .venv/bin/python bench/portal.py                   # 50 users, 20 rounds of each page
    .venv/bin/python bench/portal.py --users 20 --rounds 5

It starts a fresh Kafka, store and OpenID provider (devstack, on free ports), the five
services and the portal as separate processes, opens a ballot, files a complaint for the
user, and signs each user in through the provider. It prints figures; it asserts nothing.
"""

import argparse
import asyncio
import re
import statistics
import time
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import urljoin

import aiohttp
import httpx

from devstack import kafka, oidc, store
from devstack.keys import dev_keys
from devstack.services import NAMES, start_portal, start_services
from devstack.smtp import free_port
from sharik.auth import mint_token

USERNAME = "citizen.muscat"
AGENCY = "mjd"


def pages(ballot: str) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Each citizen page: its portal path, and the API calls it makes (service, path)."""
    return {
        "home": ("/", [("voting", "/ballots?limit=100"), ("consultation", "/campaigns?limit=50")]),
        "ballot": (f"/ballots/{ballot}", [("voting", f"/ballots/{ballot}")]),
        "results": (f"/ballots/{ballot}/results", [("voting", f"/ballots/{ballot}"), ("voting", f"/ballots/{ballot}/result")]),
        "my cases": ("/complaints/mine", [("feedback", "/complaints/mine")]),
        "dashboard": ("/dashboard", [("reporting", p) for p in (
            "/transparency/summary", "/transparency/ballots", "/transparency/complaints/volumes?by=governorate",
"/transparency/complaints/sla",
            "/transparency/satisfaction", "/open-data")]),
    }


async def sign_in(portal: str, password: str) -> aiohttp.ClientSession:
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with session.get(f"{portal}/signin") as login:
        action = re.search(r'<form method="post" action="([^"]+)"', await login.text()).group(1)
        target = urljoin(str(login.url), unescape(action))
    async with session.post(target, data={"username": USERNAME, "password": password}) as back:
        assert str(back.url).startswith(portal), back.url
    return session


async def timed(session: aiohttp.ClientSession, calls: list[str], headers: dict | None = None) -> float:
    """Seconds for one page: its calls one after another (the portal makes a page's calls in turn too)."""
    start = time.perf_counter()
    for url in calls:
        async with session.get(url, headers=headers) as answer:
            await answer.read()
            assert answer.status == 200, (url, answer.status)
    return time.perf_counter() - start


async def measure(users: list[aiohttp.ClientSession], calls: list[str], rounds: int, headers=None) -> list[float]:
    async def user(session):
        return [await timed(session, calls, headers) for _ in range(rounds)]

    return [t for times in await asyncio.gather(*(user(s) for s in users)) for t in times]


def p(times: list[float], q: int) -> float:
    return statistics.quantiles(times, n=100)[q - 1] * 1000


async def run(args, portal: str, services: dict[str, str], ballot: str, password: str) -> None:
    users = [await sign_in(portal, password) for _ in range(args.users)]
    token = mint_token(dev_keys()[0], subject=f"demo-citizen-muscat", roles=["citizen"], governorate="muscat")
    bearer = {"authorization": f"Bearer {token}"}
    print(f"{args.users} users, {args.rounds} rounds of each page\n")
    print(f"{'page':<10} {'portal p50':>11} {'p95':>8}   {'API direct p50':>15} {'p95':>8}   calls")
    try:
        for name, (path, calls) in pages(ballot).items():
            through = await measure(users, [portal + path], args.rounds)
            direct = await measure(users, [services[s] + c for s, c in calls], args.rounds, bearer)
            print(f"{name:<10} {p(through, 50):>9.1f}ms {p(through, 95):>6.1f}ms   "
                  f"{p(direct, 50):>13.1f}ms {p(direct, 95):>6.1f}ms   {len(calls)}")
    finally:
        for session in users:
            await session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    started = []
    try:
        broker = kafka.start(port=free_port("127.0.0.1"), controller_port=free_port("127.0.0.1"))
        started.append(broker)
        mongo = store.start(port=free_port("127.0.0.1"))
        started.append(mongo)
        provider = oidc.start(port=free_port("127.0.0.1"))
        started.append(provider)
        services = start_services(
            kafka_bootstrap_servers=broker.url, mongodb_url=mongo.url, identity=provider,
            ports={name: free_port("127.0.0.1") for name in NAMES},
        )
        started.append(services)
        portal = start_portal(services.urls, issuer=provider.issuer, client_id=provider.client_id,
                              client_secret=provider.client_secret, port=free_port("127.0.0.1"))
        started.append(portal)
        ballot = seed(services.urls)
        asyncio.run(run(args, portal.url, services.urls, ballot, provider.password))
    finally:
        for running in reversed(started):
            running.stop()


def seed(urls: dict[str, str]) -> str:
    """An open ballot, and a complaint of the benchmark's citizen, so every page has content."""
    private = dev_keys()[0]
    officer = {"authorization": f"Bearer {mint_token(private, subject='bench-officer', roles=['officer'], agency=AGENCY)}"}
    citizen = {"authorization": f"Bearer {mint_token(private, subject='demo-citizen-muscat', roles=['citizen'])}"}
    admin = {"authorization": f"Bearer {mint_token(private, subject='bench-admin', roles=['agency_admin'], agency=AGENCY)}"}
    now = datetime.now(UTC)
    ballot = httpx.post(f"{urls['voting']}/ballots", headers=officer, json={
        "question": {"ar": "ما الموضوع؟", "en": "Which topic?"},
        "options": [{"label": {"ar": "أ", "en": "A"}}, {"label": {"ar": "ب", "en": "B"}}],
        "opens_at": now.isoformat(), "closes_at": (now + timedelta(days=1)).isoformat(), "show_preliminary": True,
    }).json()["ballot_id"]
    httpx.post(f"{urls['voting']}/ballots/{ballot}/open", headers=officer).raise_for_status()
    httpx.post(f"{urls['feedback']}/categories", headers=admin, json={
        "category": "office-service", "unit": "customer-service", "name": {"ar": "خدمة", "en": "Service"},
    }).raise_for_status()
    httpx.post(f"{urls['feedback']}/complaints", headers=citizen, json={
        "kind": "complaint", "agency": AGENCY, "category": "office-service", "description": "A long queue.",
    }).raise_for_status()
    return ballot


if __name__ == "__main__":
    main()
