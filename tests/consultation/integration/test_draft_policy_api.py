"""Public comment on a draft regulation on the real broker and store: sections,
stances, replies, supports, answers, outcomes, the adopted version and the report."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from tests.consultation.integration.conftest import events_of

pytestmark = pytest.mark.integration


def text(en: str) -> dict:
    return {"ar": f"نص {en}", "en": en}


def draft(closes_in: timedelta = timedelta(days=7)) -> dict:
    now = datetime.now(UTC)
    return {
        "title": text("Market regulation"),
        "summary": text("Rules for the central market"),
        "sections": [
            {"number": 1, "heading": text("Opening hours"), "text": text("Shops open from 8 to 20.")},
            {"number": 2, "heading": text("Permits"), "text": text("A permit costs 50 rials.")},
        ],
        "opens_at": (now - timedelta(minutes=1)).isoformat(),
        "closes_at": (now + closes_in).isoformat(),
    }


async def test_comment_reply_support_answer_conclude_adopt_and_report(consultation, tokens, kafka_bootstrap_servers):
    officer = tokens.officer("mm")
    created = await consultation.post("/documents", json=draft(timedelta(seconds=6)), headers=officer)
    assert created.status_code == 201, created.text
    document_id = created.json()["document_id"]
    assert (await consultation.get(f"/documents/{document_id}")).status_code == 404
    assert (await consultation.post(f"/documents/{document_id}/publish", headers=officer)).status_code == 200

    alice, bob, carol = tokens.citizen(governorate="muscat"), tokens.citizen(), tokens.citizen()
    base = f"/documents/{document_id}"
    first = await consultation.post(f"{base}/sections/2/comments", json={"stance": "against", "text": "الرسوم مرتفعة جداً على صغار التجار"}, headers=alice)
    assert first.status_code == 201, first.text
    first_id = first.json()["comment_id"]
    second = await consultation.post(f"{base}/sections/2/comments", json={"stance": "for", "text": "الرسوم معقولة"}, headers=bob)
    reply = await consultation.post(
        f"{base}/sections/2/comments", json={"reply_to": first_id, "text": "أتفق، الرسوم مرتفعة"}, headers=bob
    )
    assert reply.status_code == 201 and reply.json()["stance"] is None
    deeper = await consultation.post(
        f"{base}/sections/2/comments", json={"reply_to": reply.json()["comment_id"], "text": "ولا أنا"}, headers=carol
    )
    assert deeper.status_code == 422 and deeper.json()["error"]["details"][0]["field"] == "reply_to"
    no_stance = await consultation.post(f"{base}/sections/1/comments", json={"text": "رأيي"}, headers=carol)
    assert no_stance.status_code == 422 and no_stance.json()["error"]["details"][0]["field"] == "stance"
    no_section = await consultation.post(f"{base}/sections/9/comments", json={"stance": "for", "text": "رأيي"}, headers=carol)
    assert no_section.status_code == 422 and no_section.json()["error"]["details"][0]["field"] == "section"

    assert (await consultation.post(f"{base}/comments/{first_id}/supports", headers=carol)).status_code == 201
    assert (await consultation.post(f"{base}/comments/{first_id}/supports", headers=bob)).status_code == 201
    again = await consultation.post(f"{base}/comments/{first_id}/supports", headers=carol)
    assert again.status_code == 409
    answered = await consultation.post(
        f"{base}/comments/{first_id}/answer", json={"text": text("We will lower the fee for small traders")}, headers=officer
    )
    assert answered.status_code == 200
    outsider = await consultation.post(f"{base}/comments/{first_id}/answer", json={"text": text("x")}, headers=tokens.officer("moh"))
    assert outsider.status_code == 403

    listed = (await consultation.get(f"{base}/sections/2/comments")).json()
    assert [c["comment_id"] for c in listed] == [first_id, second.json()["comment_id"]]
    assert listed[0]["supports"] == 2 and listed[0]["answer"]["text"]["en"].startswith("We will")
    assert [r["text"] for r in listed[0]["replies"]] == ["أتفق، الرسوم مرتفعة"]
    assert "author" not in listed[0] and "governorate" not in listed[0]

    early = await consultation.post(f"{base}/sections/2/outcome", json={"outcome": "accepted", "reason": text("x")}, headers=officer)
    assert early.status_code == 409
    await asyncio.sleep(6)
    late = await consultation.post(f"{base}/sections/1/comments", json={"stance": "for", "text": "متأخر"}, headers=carol)
    assert late.status_code == 409

    concluded = await consultation.post(
        f"{base}/sections/2/outcome", json={"outcome": "partly_accepted", "reason": text("Fee lowered for small shops")}, headers=officer
    )
    assert concluded.status_code == 200, concluded.text
    bad_outcome = await consultation.post(f"{base}/sections/1/outcome", json={"outcome": "maybe", "reason": text("x")}, headers=officer)
    assert bad_outcome.json()["error"]["details"][0]["field"] == "outcome"
    adopted_sections = draft()["sections"]
    adopted_sections[1]["text"] = text("A permit costs 20 rials for small shops, 50 for others.")
    adopted = await consultation.post(f"{base}/adoption", json={"sections": adopted_sections}, headers=officer)
    assert adopted.status_code == 200, adopted.text
    assert adopted.json()["adoption"]["changed_sections"] == [2]

    report = (await consultation.get(f"{base}/report")).json()
    assert report["text_version"] == 2 and report["phase"] == "adopted"
    opening, permits = report["sections"]
    assert opening["changed"] is False and opening["comments"]["total"] == 0
    assert permits["changed"] is True and permits["adopted_text"]["en"].startswith("A permit costs 20")
    assert permits["comments"] == {"total": 2, "for": 1, "against": 1, "neutral": 0}
    assert permits["most_supported"][0]["comment_id"] == first_id
    assert permits["outcome"]["outcome"] == "partly_accepted"
    assert {"term": "الرسوم", "count": 3} in permits["analysis"]["terms"]

    records = await events_of(kafka_bootstrap_servers, "consultation.documents", subject=document_id, at_least=6)
    assert sorted(name for name, _, _ in records) == sorted(
        ["DraftPolicyPublished", "CommentPosted", "CommentPosted", "CommentPosted", "SectionConcluded", "DraftPolicyAdopted"]
    )
    assert all("الرسوم".encode() not in value for _, _, value in records)
