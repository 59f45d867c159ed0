"""Limits on the real broker, store and HTTP server: guessing tracking codes and secrets,
counted per client address (from forwarded headers only when a trusted proxy sends them)
and per tracking code; anonymous filing per client."""

import asyncio
from contextlib import asynccontextmanager

import httpx
import pytest
import uvicorn
from pymongo import AsyncMongoClient

from feedback.main import create_app

from sharik.serving import server_config
from tests.support.service import running

pytestmark = pytest.mark.integration

AGENCY = "royal-oman-police"
LIMIT = 3
UNKNOWN = "22222-22222-22222-22222"
REPORT = {
    "kind": "report",
    "agency": AGENCY,
    "category": "street-lighting",
    "description": "Broken street light near the mosque",
    "governorate": "muscat",
    "language": "en",
}


@asynccontextmanager
async def served(settings):
    """The service behind the real uvicorn server, configured as `run()` does, on a free port."""
    config = server_config(settings.model_copy(update={"http_port": 0}), create_app(settings))
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the server stopped while starting"
        await asyncio.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        server.should_exit = True
        await task


def forwarded(n: int) -> dict[str, str]:
    return {"X-Forwarded-For": f"198.51.100.{n}"}


async def test_a_forwarded_address_from_an_untrusted_peer_does_not_evade_the_guess_limit(feedback_settings):
    async with served(feedback_settings(guess_limit=LIMIT)) as client:
        answers = [
            (await client.get(f"/complaints/track/{UNKNOWN}", headers=forwarded(n))).status_code for n in range(6)
        ]
    assert answers == [404] * LIMIT + [429] * 3, "the peer's own address is counted, not the header"


async def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_count(feedback_settings):
    settings = feedback_settings(guess_limit=LIMIT, forwarded_allow_ips="127.0.0.1")
    async with served(settings) as client:
        track = f"/complaints/track/{UNKNOWN}"
        rotating = [(await client.get(track, headers=forwarded(n))).status_code for n in range(6)]
        same = [(await client.get(track, headers=forwarded(99))).status_code for _ in range(5)]
    assert rotating == [404] * 6
    assert same == [404] * LIMIT + [429] * 2


@pytest.fixture
async def feedback(feedback_settings, tokens):
    async with running(create_app(feedback_settings(guess_limit=LIMIT))) as client:
        body = {"category": "street-lighting", "name": {"ar": "إنارة", "en": "Lighting"}, "unit": "patrols"}
        admin = tokens.officer(AGENCY, role="agency_admin")
        assert (await client.post("/categories", json=body, headers=admin)).status_code == 201
        yield client


async def file_anonymously(feedback) -> tuple[str, str]:
    filed = await feedback.post("/complaints/anonymous", json=REPORT)
    assert filed.status_code == 201, filed.text
    return filed.json()["tracking_code"], filed.json()["secret"]


async def test_wrong_secrets_on_one_code_lock_that_code_only(feedback):
    (x, x_secret), (y, y_secret) = await file_anonymously(feedback), await file_anonymously(feedback)
    wrong = {"secret": "BBBBB-BBBBB-BBBBB-BBBBB"}
    answers = [(await feedback.post(f"/complaints/track/{x}/access", json=wrong)).status_code for _ in range(LIMIT)]
    assert answers == [403] * LIMIT

    locked = await feedback.post(f"/complaints/track/{x}/access", json={"secret": x_secret})
    assert locked.status_code == 429, "the guessed code is locked, even with its secret"
    assert locked.json()["error"]["code"] == "too_many_attempts" and int(locked.headers["Retry-After"]) >= 1
    in_arabic = await feedback.post(
        f"/complaints/track/{x}/access", json={"secret": x_secret}, headers={"Accept-Language": "ar"}
    )
    assert in_arabic.json()["error"]["message"] == "محاولات خاطئة كثيرة؛ حاول لاحقًا."
    assert in_arabic.headers["Retry-After"], "the Arabic refusal still says when to retry"
    other = await feedback.post(f"/complaints/track/{y}/access", json={"secret": y_secret})
    assert other.status_code == 200, "the same client's bad guesses on X do not lock Y"
    assert (await feedback.get(f"/complaints/track/{y}", headers={"X-Tracking-Secret": y_secret})).status_code == 200
    assert (await feedback.get(f"/complaints/track/{y}")).status_code == 200, "following by code alone still works"


async def test_anonymous_filing_is_limited_per_client_across_replicas(feedback_settings, tokens):
    settings = feedback_settings(anonymous_filing_limit=2)
    async with running(create_app(settings)) as first, running(create_app(settings)) as second:
        assert (await first.post("/complaints/anonymous", json=REPORT)).status_code == 201
        assert (await second.post("/complaints/anonymous", json=REPORT)).status_code == 201
        limited = await first.post("/complaints/anonymous", json=REPORT)
        assert limited.status_code == 429, limited.text
        assert limited.json()["error"]["code"] == "too_many_filings"
        assert set(limited.json()["error"]) == {"code", "message", "details"}
        assert 1 <= int(limited.headers["Retry-After"]) <= 3600
        signed_in = await second.post("/complaints", json=REPORT, headers=tokens.citizen())
        assert signed_in.status_code == 201, "the limit is on anonymous filing only"


async def test_rotating_forwarded_addresses_does_not_evade_the_filing_limit(feedback_settings):
    async with served(feedback_settings(anonymous_filing_limit=2)) as client:
        answers = [
            (await client.post("/complaints/anonymous", json=REPORT, headers=forwarded(n))).status_code
            for n in range(3)
        ]
    assert answers == [201, 201, 429]


async def test_finished_limit_windows_are_deleted_by_the_services_job(feedback_settings, mongodb_url):
    settings = feedback_settings(limit_expiry_seconds=0.2)
    mongo = AsyncMongoClient(mongodb_url)
    db = mongo[settings.mongodb_database]
    long_ago = 1_700_000_100  # a window of November 2023
    # One counter as the service wrote them before windows were keyed by scope, one as now.
    await db["guess_counters"].insert_one(
        {"_id": f"127.0.0.1|{long_ago}", "client": "127.0.0.1", "window_start": long_ago, "failures": 4}
    )
    await db["filing_counters"].insert_one(
        {"_id": f"client:x|{long_ago}", "key": "client:x", "window_start": long_ago, "count": 1}
    )
    try:
        async with running(create_app(settings)) as client:
            assert (await client.get(f"/complaints/track/{UNKNOWN}")).status_code == 404
            for _ in range(100):
                left = await db["guess_counters"].count_documents({}) + await db["filing_counters"].count_documents({})
                if left == 1:
                    break
                await asyncio.sleep(0.1)
            [current] = await db["guess_counters"].find().to_list()
            assert current["window_start"] > long_ago, "the running window stays"
            assert await db["filing_counters"].count_documents({}) == 0
    finally:
        await mongo.close()
