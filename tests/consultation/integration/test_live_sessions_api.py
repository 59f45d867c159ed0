"""A live question session over real HTTP: two replicas of the service on one store,
a browser's stream on each; each sees the other's questions and votes as they
happen, moderated, and the record is published after the session."""

import asyncio
import json
import socket
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import uvicorn

from consultation.config import ConsultationSettings
from consultation.main import create_app
from tests.consultation.integration.conftest import events_of
from tests.support.service import unique_database

pytestmark = pytest.mark.integration

AGENCY = "mocs"
T = {"ar": "جلسة المنتدى", "en": "Forum session"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@asynccontextmanager
async def replica(settings: ConsultationSettings):
    """One replica of the service listening on loopback."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None, lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield client
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def replicas(kafka_bootstrap_servers, mongodb_url, jwt_keys):
    settings = ConsultationSettings(
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        mongodb_database=unique_database("consultation"),
        jwt_public_key=jwt_keys[1],
        environment="test",
        outbox_poll_seconds=0.2,
        live_poll_seconds=0.2,
    )
    async with replica(settings) as first, replica(settings) as second:
        yield first, second


class Browser:
    """An open page's EventSource: every question event, as received."""

    def __init__(self, client: httpx.AsyncClient, path: str) -> None:
        self.questions: dict[str, dict] = {}
        self._task = asyncio.create_task(self._read(client, path))

    async def _read(self, client, path) -> None:
        async with client.stream("GET", path, timeout=None) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            async for line in response.aiter_lines():
                if line.startswith("data: "):
                    question = json.loads(line[6:])
                    self.questions[question["question_id"]] = question

    async def sees(self, question_id: str, timeout: float = 5.0, **expected) -> dict:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            shown = self.questions.get(question_id)
            if shown and all(shown.get(k) == v for k, v in expected.items()):
                return shown
            await asyncio.sleep(0.05)
        raise AssertionError(f"{question_id} never showed {expected}: {self.questions.get(question_id)}")

    async def close(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


async def test_two_browsers_on_two_replicas_see_each_other_s_questions_and_votes(replicas, tokens, kafka_bootstrap_servers):
    first, second = replicas
    officer = tokens.officer(AGENCY)
    moderator = tokens.officer(AGENCY, role="moderator")
    now = datetime.now(UTC)
    plan = {
        "title": T,
        "speakers": [{"ar": "وزير العمل", "en": "Minister of Labour"}],
        "starts_at": (now - timedelta(minutes=1)).isoformat(),
        "ends_at": (now + timedelta(seconds=20)).isoformat(),
    }
    bad = await first.post("/sessions", json=plan | {"ends_at": plan["starts_at"]}, headers=officer)
    assert bad.status_code == 422
    session = await first.post("/sessions", json=plan, headers=officer)
    assert session.status_code == 201, session.text
    session_id = session.json()["session_id"]
    path = f"/sessions/{session_id}"

    alice, bob = tokens.citizen(), tokens.citizen()
    browser_a, browser_b = Browser(first, f"{path}/stream"), Browser(second, f"{path}/stream")
    try:
        await asyncio.sleep(0.5)
        asked = await first.post(f"{path}/questions", json={"text": "متى تفتح وظائف جديدة للشباب؟", "display_name": "علياء"}, headers=alice)
        assert asked.status_code == 201 and asked.json()["status"] == "pending"
        question = asked.json()["question_id"]
        anonymous = (await second.post(f"{path}/questions", json={"text": "ما خطة دعم المؤسسات الصغيرة؟"}, headers=bob)).json()
        assert anonymous["display_name"] is None

        assert (await second.post(f"{path}/questions/{question}/moderation", json={"action": "approve"}, headers=tokens.officer("moh", role="moderator"))).status_code == 403
        pending = (await second.get(f"{path}/pending", headers=moderator)).json()
        assert {p["question_id"] for p in pending} == {question, anonymous["question_id"]}
        approved = await second.post(f"{path}/questions/{question}/moderation", json={"action": "approve"}, headers=moderator)
        assert approved.status_code == 200, approved.text
        seen = await browser_b.sees(question, status="approved")  # asked on replica 1, seen on replica 2
        assert seen["text"] == "متى تفتح وظائف جديدة للشباب؟" and seen["display_name"] == "علياء"
        await browser_a.sees(question, status="approved")

        assert (await first.post(f"{path}/questions/{question}/vote", headers=alice)).status_code == 409  # her own
        assert (await second.post(f"{path}/questions/{question}/vote", headers=bob)).json()["votes"] == 1
        assert (await second.post(f"{path}/questions/{question}/vote", headers=bob)).status_code == 409
        await browser_a.sees(question, votes=1)  # voted on replica 2, seen on replica 1
        await browser_b.sees(question, votes=1)

        # A duplicate is merged; its voters count for the original once.
        dup = (await first.post(f"{path}/questions", json={"text": "هل ستفتح وظائف للشباب قريبا؟"}, headers=tokens.citizen())).json()
        await first.post(f"{path}/questions/{dup['question_id']}/moderation", json={"action": "approve"}, headers=moderator)
        await first.post(f"{path}/questions/{dup['question_id']}/vote", headers=bob)
        await first.post(f"{path}/questions/{dup['question_id']}/vote", headers=alice)
        merged = await first.post(f"{path}/questions/{dup['question_id']}/merge", json={"into": question}, headers=moderator)
        assert merged.json()["status"] == "merged"
        await browser_b.sees(question, votes=2)  # bob's two votes count once, alice's adds one
        await browser_b.sees(dup["question_id"], status="merged")

        await first.post(f"{path}/questions/{question}/moderation", json={"action": "answering"}, headers=moderator)
        queue = (await second.get(f"{path}/queue")).json()
        assert queue[0]["question_id"] == question and queue[0]["status"] == "answering"
        await browser_b.sees(question, status="answering")
        await first.post(f"{path}/questions/{question}/moderation", json={"action": "answered"}, headers=moderator)
        await browser_a.sees(question, status="answered")
    finally:
        await browser_a.close()
        await browser_b.close()

    early = await first.post(f"{path}/publish", headers=officer)
    assert early.status_code == 409
    ends = datetime.fromisoformat(plan["ends_at"])
    await asyncio.sleep(max(0.0, (ends - datetime.now(UTC)).total_seconds()) + 0.2)
    assert (await first.post(f"{path}/questions", json={"text": "سؤال بعد الموعد"}, headers=alice)).status_code == 409
    assert (await first.post(f"{path}/publish", headers=officer)).status_code == 200
    record = (await second.get(f"{path}/questions")).json()
    assert [(q["question_id"], q["status"], q["votes"]) for q in record] == [(question, "answered", 2)]
    records = await events_of(kafka_bootstrap_servers, "consultation.sessions", subject=session_id, at_least=2)
    # Two replicas relay the outbox: delivery is at least once, so count kinds, not records.
    assert {name for name, _, _ in records} == {"LiveSessionScheduled", "LiveSessionPublished"}
    figures = next(json.loads(v) for name, _, v in records if name == "LiveSessionPublished")
    assert figures["questions"] == 3 and figures["answered"] == 1 and figures["merged"] == 1
    assert "text" not in figures
