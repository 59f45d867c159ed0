"""Citizen initiatives on the real broker and store, through the API: committee,
admissibility, support by residents of the scope with a live count, the threshold
reached and answered, the clock's expiry and overdue flag, and exact counting under
concurrency and at 100,000 supports."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from ulid import ULID

from consultation.config import ConsultationSettings
from consultation.initiative.handlers import InitiativeHandlers
from consultation.initiative.rules import RuleStore
from consultation.initiative.store import InitiativeStore
from consultation.initiative.supports import SupportStore
from consultation.main import create_app
from consultation.moderation.handlers import ContentStore, ModerationHandlers
from sharik.store import connect
from tests.consultation.integration.conftest import events_of
from tests.support.service import running, unique_database

pytestmark = pytest.mark.integration

AGENCY = "muscat-municipality"
WHY = {"ar": "سبب", "en": "Reason"}


@pytest.fixture
async def service(kafka_bootstrap_servers, mongodb_url, jwt_keys):
    """The service over HTTP, and a second replica's handlers on the same store (for
    the store-level bulk path and the clock)."""
    settings = ConsultationSettings(
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        mongodb_database=unique_database("consultation"),
        jwt_public_key=jwt_keys[1],
        environment="test",
        outbox_poll_seconds=0.2,
        initiative_committee=2,
        initiative_clock_seconds=3600,
    )
    mongo = connect(mongodb_url)
    db = mongo[settings.mongodb_database]
    store = InitiativeStore(db)
    replica = InitiativeHandlers(
        store,
        SupportStore(db, store.collection),
        RuleStore(db),
        moderation=ModerationHandlers(ContentStore(db), pseudonym_key="k", flags_to_hide=3),
        pseudonym_key=settings.pseudonym_key.get_secret_value(),
        min_committee=2,
    )
    async with running(create_app(settings)) as client:
        yield client, replica
    await mongo.close()


def proposal(**scope) -> dict:
    return {
        "title": "ممرات مشاة آمنة",
        "text": "نطالب ببناء ممرات مشاة آمنة قرب المدارس في الولاية",
        "language": "ar",
        "agency": AGENCY,
        "scope": scope or {"level": "wilayat", "code": "bawshar"},
    }


async def collecting(client, tokens, *, supports: int, **scope) -> str:
    """An admitted initiative under a threshold of `supports`."""
    admin = tokens.officer(AGENCY, role="agency_admin")
    level = scope.get("level", "wilayat")
    rule = {"level": level, "code": scope.get("code", "bawshar" if level == "wilayat" else None)}
    rule |= {"supports": supports, "collection_days": 30, "answer_days": 14}
    assert (await client.put(f"/initiatives/rules/{AGENCY}", json=rule, headers=admin)).status_code == 204
    promoter = tokens.citizen(wilayat="bawshar")
    initiative_id = (await client.post("/initiatives", json=proposal(**scope), headers=promoter)).json()["initiative_id"]
    for _ in range(2):
        assert (await client.post(f"/initiatives/{initiative_id}/committee", headers=tokens.citizen())).status_code == 200
    assert (await client.post(f"/initiatives/{initiative_id}/file", headers=promoter)).status_code == 200
    assert (await client.post(f"/initiatives/{initiative_id}/admission", headers=admin)).status_code == 200
    return initiative_id


async def test_an_initiative_reaches_its_threshold_and_is_answered(service, tokens, kafka_bootstrap_servers):
    client, _ = service
    officer = tokens.officer(AGENCY)
    promoter = tokens.citizen(wilayat="bawshar")
    bad = await client.post("/initiatives", json=proposal(level="governorate"), headers=promoter)
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "scope"

    drafted = await client.post("/initiatives", json=proposal(), headers=promoter)
    assert drafted.status_code == 201, drafted.text
    initiative_id = drafted.json()["initiative_id"]
    path = f"/initiatives/{initiative_id}"
    assert (await client.get(path)).status_code == 404  # a draft is its committee's only
    short = await client.post(f"{path}/file", headers=promoter)
    assert short.status_code == 409 and short.json()["error"]["details"][0]["needed"] == 2
    for _ in range(2):
        await client.post(f"{path}/committee", headers=tokens.citizen())
    assert (await client.post(f"{path}/file", headers=promoter)).json()["state"] == "filed"
    assert (await client.post(f"{path}/admission", headers=tokens.officer("moh"))).status_code == 403
    rule = {"level": "wilayat", "code": "bawshar", "supports": 3, "collection_days": 30, "answer_days": 14}
    assert (await client.put(f"/initiatives/rules/{AGENCY}", json=rule, headers=officer)).status_code == 403
    admin = tokens.officer(AGENCY, role="agency_admin")
    assert (await client.put(f"/initiatives/rules/{AGENCY}", json=rule, headers=admin)).status_code == 204
    admitted = (await client.post(f"{path}/admission", headers=officer)).json()
    assert admitted["state"] == "collecting" and admitted["rules"]["supports"] == 3

    outsider = await client.put(f"{path}/support", headers=tokens.citizen(wilayat="seeb"))
    assert outsider.status_code == 403
    residents = [tokens.citizen(governorate="muscat", wilayat="bawshar") for _ in range(3)]
    assert (await client.put(f"{path}/support", headers=residents[0])).json() == {"supports": 1}
    assert (await client.put(f"{path}/support", headers=residents[0])).status_code == 409
    assert (await client.delete(f"{path}/support", headers=residents[0])).json() == {"supports": 0}
    assert (await client.delete(f"{path}/support", headers=residents[0])).status_code == 409
    for resident in residents:
        await client.put(f"{path}/support", headers=resident)
    shown = (await client.get(path, headers=residents[1])).json()
    assert shown["state"] == "threshold_reached" and shown["supports"] == 3 and shown["you_support"] is True
    assert "promoter" not in shown and "committee" not in shown and "supporters" not in shown

    answer = {"outcome": "partly_accepted", "reasoning": {"ar": "سننفذ ممرين", "en": "Two crossings will be built"}}
    answered = (await client.post(f"{path}/answer", json=answer, headers=officer)).json()
    assert answered["state"] == "answered" and answered["answer"]["late"] is False
    assert (await client.get(path)).json()["answer"]["reasoning"]["en"] == "Two crossings will be built"

    records = await events_of(kafka_bootstrap_servers, "consultation.initiatives", subject=initiative_id, at_least=4)
    assert [n for n, _, _ in records] == ["InitiativeFiled", "InitiativeAdmitted", "InitiativeThresholdReached", "InitiativeAnswered"]
    reached = json.loads(records[2][2])
    assert reached["supports"] == 3 and reached["threshold"] == 3


async def test_the_clock_expires_what_missed_its_threshold_and_flags_late_answers(service, tokens, kafka_bootstrap_servers):
    client, handlers = service
    missed = await collecting(client, tokens, supports=5)
    late = await collecting(client, tokens, supports=1, level="national")
    await client.put(f"/initiatives/{late}/support", headers=tokens.citizen())
    assert await handlers.tick(datetime.now(UTC) + timedelta(days=15)) == 1  # the answer is overdue
    assert await handlers.tick(datetime.now(UTC) + timedelta(days=16)) == 0  # flagged once
    assert await handlers.tick(datetime.now(UTC) + timedelta(days=31)) == 1  # the other expires
    assert (await client.get(f"/initiatives/{missed}")).json()["state"] == "expired"
    answer = {"outcome": "rejected", "reasoning": WHY}
    answered = (await client.post(f"/initiatives/{late}/answer", json=answer, headers=tokens.officer(AGENCY))).json()
    assert answered["answer"]["late"] is False  # answered before the real due date
    [flag] = [r for r in await events_of(kafka_bootstrap_servers, "consultation.initiatives", subject=late, at_least=5)
              if r[0] == "InitiativeAnswerOverdue"]
    assert json.loads(flag[2])["escalated_to"] == "agency_admin"
    expired = await events_of(kafka_bootstrap_servers, "consultation.initiatives", subject=missed, at_least=3)
    assert expired[-1][0] == "InitiativeExpired"


async def test_concurrent_supports_and_withdrawals_of_one_citizen_leave_one_or_none(service, tokens):
    client, handlers = service
    initiative_id = await collecting(client, tokens, supports=1_000)
    path = f"/initiatives/{initiative_id}/support"
    citizen = tokens.citizen(wilayat="bawshar")
    for round_ in range(5):
        calls = [client.put(path, headers=citizen) if n % 2 == round_ % 2 else client.delete(path, headers=citizen) for n in range(30)]
        answers = await asyncio.gather(*calls)
        assert {a.status_code for a in answers} <= {200, 409}
        count = (await client.get(f"/initiatives/{initiative_id}")).json()["supports"]
        assert count in (0, 1)
        assert count == await handlers.supports.active(initiative_id)


async def test_a_hundred_thousand_supports_count_exactly(service, tokens):
    client, handlers = service
    initiative_id = await collecting(client, tokens, supports=100_000, level="national")
    supporters = [f"supporter-{ULID()}" for _ in range(100_000)]
    for start in range(0, len(supporters), 10_000):
        await handlers.support_many(initiative_id, supporters[start : start + 10_000])
    await handlers.support_many(initiative_id, supporters[:500])  # repeats count once
    shown = (await client.get(f"/initiatives/{initiative_id}")).json()
    assert shown["supports"] == 100_000 == await handlers.supports.active(initiative_id)
    assert shown["state"] == "threshold_reached"
    # Real citizens on top of the bulk: one supports and withdraws concurrently.
    citizen = tokens.citizen()
    path = f"/initiatives/{initiative_id}/support"
    await asyncio.gather(*[client.put(path, headers=citizen) for _ in range(10)], *[client.delete(path, headers=citizen) for _ in range(10)])
    count = (await client.get(f"/initiatives/{initiative_id}")).json()["supports"]
    assert count in (100_000, 100_001) and count == await handlers.supports.active(initiative_id)
