"""Surveys on the real broker and store: build, publish, respond once, results,
export, and free text through moderation."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.consultation.integration.conftest import events_of

pytestmark = pytest.mark.integration


def label(en: str) -> dict:
    return {"ar": f"ع {en}", "en": en}


def questionnaire(**overrides) -> dict:
    now = datetime.now(UTC)
    return {
        "title": label("Central market"),
        "sections": [{"section_id": "market", "title": label("The market")}],
        "questions": [
            {
                "question_id": "rebuild",
                "type": "single_choice",
                "section_id": "market",
                "required": True,
                "text": label("Rebuild or renovate?"),
                "options": [{"option_id": "rebuild", "label": label("Rebuild")}, {"option_id": "renovate", "label": label("Renovate")}],
            },
            {
                "question_id": "why",
                "type": "long_text",
                "required": True,
                "text": label("Why renovate?"),
                "show_if": {"combine": "all_of", "conditions": [{"question_id": "rebuild", "operator": "equals", "value": "renovate"}]},
            },
            {"question_id": "rate", "type": "rating", "min": 1, "max": 5, "text": label("Rate the market")},
        ],
        "opens_at": (now - timedelta(minutes=1)).isoformat(),
        "closes_at": (now + timedelta(days=7)).isoformat(),
        **overrides,
    }


def frozen_questionnaire(response) -> dict:
    return response.json()["questionnaire"]


async def published_survey(consultation, officer, **overrides) -> str:
    created = await consultation.post("/surveys", json=questionnaire(**overrides), headers=officer)
    assert created.status_code == 201, created.text
    survey_id = created.json()["survey_id"]
    published = await consultation.post(f"/surveys/{survey_id}/publish", headers=officer)
    assert published.status_code == 200, published.text
    return survey_id


async def test_citizens_respond_once_and_results_come_by_governorate(consultation, tokens, kafka_bootstrap_servers):
    officer = tokens.officer("mm")
    survey_id = await published_survey(consultation, officer, live_results=True)
    frozen = await consultation.put(f"/surveys/{survey_id}", json=questionnaire(), headers=officer)
    assert frozen.status_code == 409
    version = await consultation.post(f"/surveys/{survey_id}/versions", headers=officer)
    assert version.status_code == 201 and version.json()["phase"] == "draft"
    assert version.json()["questionnaire"] == frozen_questionnaire(await consultation.get(f"/surveys/{survey_id}"))

    answers = [
        ("muscat", {"rebuild": "rebuild", "rate": 4}),
        ("muscat", {"rebuild": "renovate", "why": "السوق القديم جزء من تراث المدينة", "rate": 2}),
        ("dhofar", {"rebuild": "rebuild", "rate": 5}),
    ]
    citizens = [tokens.citizen(governorate=g) for g, _ in answers]
    for citizen, (_, given) in zip(citizens, answers):
        response = await consultation.post(f"/surveys/{survey_id}/responses", json={"answers": given}, headers=citizen)
        assert response.status_code == 201, response.text
    again = await consultation.post(f"/surveys/{survey_id}/responses", json={"answers": answers[0][1]}, headers=citizens[0])
    assert again.status_code == 409 and again.json()["error"]["details"][0]["code"] == "already_responded"

    missing = await consultation.post(
        f"/surveys/{survey_id}/responses", json={"answers": {"rebuild": "renovate"}}, headers=tokens.citizen()
    )
    assert missing.status_code == 422 and missing.json()["error"]["details"][0]["field"] == "answers.why"
    hidden = await consultation.post(
        f"/surveys/{survey_id}/responses", json={"answers": {"rebuild": "rebuild", "why": "x"}}, headers=tokens.citizen()
    )
    assert hidden.status_code == 422 and hidden.json()["error"]["details"][0]["field"] == "answers.why"

    results = (await consultation.get(f"/surveys/{survey_id}/results")).json()
    assert results["responses"] == 3 and results["governorates"] == ["dhofar", "muscat"]
    by_id = {q["question_id"]: q for q in results["questions"]}
    assert [(o["option_id"], o["count"], o["percent"]) for o in by_id["rebuild"]["options"]] == [
        ("rebuild", 2, 66.7),
        ("renovate", 1, 33.3),
    ]
    assert by_id["rate"]["mean"] == 3.67 and by_id["rate"]["median"] == 4
    muscat = (await consultation.get(f"/surveys/{survey_id}/results", params={"governorate": "muscat"})).json()
    assert muscat["responses"] == 2 and muscat["questions"][2]["median"] == 3

    late = await consultation.post(f"/surveys/{survey_id}/responses", json={"answers": answers[0][1]}, headers=tokens.citizen())
    assert late.status_code == 201
    kept = (await consultation.get(f"/surveys/{survey_id}/results")).json()
    assert (kept["responses"], kept["counted_at"]) == (3, results["counted_at"]), "live results are counted once per interval"

    texts = (await consultation.get(f"/surveys/{survey_id}/questions/why/texts")).json()
    assert [t["text"] for t in texts["texts"]] == ["السوق القديم جزء من تراث المدينة"]
    assert {"term": "السوق", "count": 1} in texts["analysis"]["terms"]
    not_text = await consultation.get(f"/surveys/{survey_id}/questions/rate/texts")
    assert not_text.status_code == 422 and not_text.json()["error"]["details"][0]["field"] == "question_id"

    exported = await consultation.get(f"/surveys/{survey_id}/export", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 4 and set(rows[0]) == {"response_id", "governorate", "submitted_on", "rebuild", "why", "rate"}
    assert "citizen-" not in exported.text
    lines = (await consultation.get(f"/surveys/{survey_id}/export", params={"format": "json"})).text.splitlines()
    assert sorted(json.loads(line)["rebuild"] for line in lines) == ["rebuild", "rebuild", "rebuild", "renovate"]

    records = await events_of(kafka_bootstrap_servers, "consultation.surveys", subject=survey_id, at_least=5)
    kinds = sorted(name for name, _, _ in records)
    assert kinds == ["SurveyPublished"] + ["SurveyResponseSubmitted"] * 4
    assert all(b"answers" not in value and "السوق".encode() not in value for _, _, value in records)


async def test_a_citizen_saves_a_draft_and_resumes_it(consultation, tokens):
    survey_id = await published_survey(consultation, tokens.officer("mm"))
    citizen = tokens.citizen()
    saved = await consultation.put(f"/surveys/{survey_id}/my-response", json={"answers": {"rate": 3}}, headers=citizen)
    assert saved.status_code == 200, saved.text
    resumed = await consultation.get(f"/surveys/{survey_id}/my-response", headers=citizen)
    assert resumed.json() == {"survey_id": survey_id, "status": "draft", "answers": {"rate": 3}}
    bad = await consultation.put(f"/surveys/{survey_id}/my-response", json={"answers": {"rate": 9}}, headers=citizen)
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "answers.rate"
    submitted = await consultation.post(
        f"/surveys/{survey_id}/responses", json={"answers": {"rebuild": "rebuild", "rate": 3}}, headers=citizen
    )
    assert submitted.status_code == 201
    assert (await consultation.get(f"/surveys/{survey_id}/my-response", headers=citizen)).json()["status"] == "submitted"
    late_draft = await consultation.put(f"/surveys/{survey_id}/my-response", json={"answers": {}}, headers=citizen)
    assert late_draft.status_code == 409


async def test_an_anonymous_survey_still_takes_one_response_per_citizen_and_names_no_one(
    consultation, tokens, kafka_bootstrap_servers
):
    survey_id = await published_survey(consultation, tokens.officer("mm"), anonymous=True)
    citizen = tokens.citizen(governorate="muscat")
    body = {"answers": {"rebuild": "rebuild"}}
    assert (await consultation.post(f"/surveys/{survey_id}/responses", json=body, headers=citizen)).status_code == 201
    assert (await consultation.post(f"/surveys/{survey_id}/responses", json=body, headers=citizen)).status_code == 409
    other = tokens.citizen(governorate="dhofar")
    assert (await consultation.post(f"/surveys/{survey_id}/responses", json=body, headers=other)).status_code == 201
    records = await events_of(kafka_bootstrap_servers, "consultation.surveys", subject=survey_id, at_least=3)
    submitted = [json.loads(value) for name, _, value in records if name == "SurveyResponseSubmitted"]
    assert len(submitted) == 2
    assert all(e["participant"] is None and e["submitted_at"].endswith("T00:00:00Z") for e in submitted)
    exported = (await consultation.get(f"/surveys/{survey_id}/export", headers=tokens.officer("mm"))).text
    assert "anonymous:" not in exported and len(exported.splitlines()) == 3


async def test_results_wait_for_the_close_unless_live_and_drafts_stay_with_staff(consultation, tokens):
    officer = tokens.officer("mm")
    draft = (await consultation.post("/surveys", json=questionnaire(), headers=officer)).json()["survey_id"]
    assert (await consultation.get(f"/surveys/{draft}")).status_code == 404
    assert (await consultation.get(f"/surveys/{draft}", headers=tokens.officer("moh"))).status_code == 404
    assert (await consultation.post(f"/surveys/{draft}/publish", headers=tokens.officer("moh"))).status_code == 403
    survey_id = await published_survey(consultation, officer)
    assert (await consultation.get(f"/surveys/{survey_id}/results")).status_code == 403
    assert (await consultation.get(f"/surveys/{survey_id}/results", headers=officer)).status_code == 200


async def test_the_builder_names_bad_fields(consultation, tokens):
    officer = tokens.officer("mm")
    body = questionnaire()
    body["questions"][1]["show_if"]["conditions"][0]["question_id"] = "rate"
    forward = await consultation.post("/surveys", json=body, headers=officer)
    assert forward.status_code == 422
    assert forward.json()["error"]["details"][0]["field"] == "questions.1.show_if.conditions.0.question_id"
    body = questionnaire()
    body["questions"][0]["type"] = "slider"
    assert "questions.0" in (await consultation.post("/surveys", json=body, headers=officer)).json()["error"]["details"][0]["field"]


async def test_the_satisfaction_template(consultation, tokens):
    now = datetime.now(UTC)
    created = await consultation.post(
        "/surveys/templates/satisfaction",
        json={"service": label("Permits"), "opens_at": now.isoformat(), "closes_at": (now + timedelta(days=3)).isoformat()},
        headers=tokens.officer("mm"),
    )
    assert created.status_code == 201, created.text
    questions = created.json()["questionnaire"]["questions"]
    assert [q["question_id"] for q in questions] == ["overall", "ease", "what_to_fix", "suggestions"]


async def test_free_text_is_moderated_flags_hide_it_and_a_moderator_restores_it(consultation, tokens, kafka_bootstrap_servers):
    survey_id = await published_survey(consultation, tokens.officer("mm"), live_results=True)
    phone = {"rebuild": "renovate", "why": "اتصلوا بي على 99123456"}
    assert (await consultation.post(f"/surveys/{survey_id}/responses", json={"answers": phone}, headers=tokens.citizen())).status_code == 201
    plain = {"rebuild": "renovate", "why": "المبنى جميل"}
    assert (await consultation.post(f"/surveys/{survey_id}/responses", json={"answers": plain}, headers=tokens.citizen())).status_code == 201

    texts = (await consultation.get(f"/surveys/{survey_id}/questions/why/texts")).json()["texts"]
    held, shown = texts
    assert held["visibility"] == "held" and "text" not in held and held["notice"]["ar"]
    assert shown["text"] == "المبنى جميل"

    moderator = tokens.officer("mm", role="moderator")
    queue = (await consultation.get("/moderation/queue", headers=moderator)).json()
    assert [c["content_id"] for c in queue] == [held["content_id"]]
    assert (await consultation.get("/moderation/queue", headers=tokens.officer("moh", role="moderator"))).json() == []

    flagger = tokens.citizen()
    first = await consultation.post(f"/moderation/contents/{shown['content_id']}/flags", json={"reason": "spam"}, headers=flagger)
    assert first.status_code == 201
    twice = await consultation.post(f"/moderation/contents/{shown['content_id']}/flags", json={"reason": "spam"}, headers=flagger)
    assert twice.status_code == 409
    bad = await consultation.post(f"/moderation/contents/{shown['content_id']}/flags", json={"reason": "ugly"}, headers=flagger)
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "reason"
    second = await consultation.post(
        f"/moderation/contents/{shown['content_id']}/flags", json={"reason": "offensive"}, headers=tokens.citizen()
    )
    assert second.json()["visibility"] == "hidden"

    outsider = await consultation.post(
        f"/moderation/contents/{shown['content_id']}/restore", json={"reason": "fine"}, headers=tokens.officer("moh", role="moderator")
    )
    assert outsider.status_code == 403
    officer_only = await consultation.post(
        f"/moderation/contents/{shown['content_id']}/restore", json={"reason": "fine"}, headers=tokens.officer("mm")
    )
    assert officer_only.status_code == 403
    restored = await consultation.post(
        f"/moderation/contents/{shown['content_id']}/restore", json={"reason": "not offensive"}, headers=moderator
    )
    assert restored.status_code == 200 and restored.json()["visibility"] == "visible"
    assert [a["action"] for a in restored.json()["audit"]] == ["flagged", "flagged", "hidden", "restored"]

    events = await events_of(kafka_bootstrap_servers, "consultation.moderation", subject=shown["content_id"], at_least=4)
    assert [name for name, _, _ in events] == ["ContentFlagged", "ContentFlagged", "ContentHidden", "ContentRestored"]
    held_events = await events_of(kafka_bootstrap_servers, "consultation.moderation", subject=held["content_id"])
    assert held_events[0][0] == "ContentHidden" and b"99123456" not in held_events[0][2]
