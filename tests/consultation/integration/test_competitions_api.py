"""An idea competition on the real broker and store, through the API: submission with
likely duplicates, screening, two jury rounds and a final with blind reviews, a tie
decided by the chair, winners, and the winner adopted as a decision of the campaign."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.consultation.integration.conftest import events_of
from tests.consultation.integration.test_campaigns_api import plan

pytestmark = pytest.mark.integration

T = {"ar": "نص", "en": "Text"}
AGENCY = "mtcit"
WEIGHTS = {"novelty": 2, "feasibility": 1, "impact": 1}


def stages(submission_closes: datetime) -> list[dict]:
    later = submission_closes + timedelta(days=1)
    rows = [
        ("submission", None),
        ("screening", None),
        ("jury_round", 3),
        ("jury_round", 2),
        ("shortlist", None),
        ("final", 1),
        ("winners", None),
    ]
    out = []
    for n, (kind, advancing) in enumerate(rows):
        opens = submission_closes - timedelta(days=1) if n == 0 else later + timedelta(days=n)
        closes = submission_closes if n == 0 else opens + timedelta(days=1)
        out.append({"kind": kind, "opens_at": opens.isoformat(), "closes_at": closes.isoformat(), "advancing": advancing})
    return out


def call(submission_closes: datetime, **overrides) -> dict:
    return {
        "title": {"ar": "صناع الأفكار", "en": "Idea Makers"},
        "description": {"ar": "أفكار لتحسين الخدمات", "en": "Ideas to improve services"},
        "themes": [{"theme_id": "mobility", "label": {"ar": "التنقل", "en": "Mobility"}}],
        "eligibility": "both",
        "max_team_size": 4,
        "stages": stages(submission_closes),
        **overrides,
    }


def proposal(title: str, problem: str, **overrides) -> dict:
    return {
        "theme_id": "mobility",
        "language": "ar",
        "title": title,
        "problem": problem,
        "solution": "حل مقترح يعتمد على تطبيق للهاتف",
        "impact": "أثر متوقع",
        **overrides,
    }


IDEAS = [
    ("حافلات ذكية", "ازدحام المرور في مسقط صباحا عند المدارس"),
    ("مواقف مشتركة", "نقص المواقف قرب المستشفيات الحكومية"),
    ("دراجات عامة", "قلة وسائل التنقل القصيرة داخل الأحياء"),
    ("ممرات مشاة", "خطورة عبور الشوارع الواسعة على المشاة"),
    ("نقل ليلي", "لا توجد حافلات بعد منتصف الليل"),
    ("تطبيق الأجرة", "صعوبة طلب سيارات الأجرة في الولايات"),
]


async def test_a_competition_runs_from_submission_through_two_jury_rounds_to_an_adopted_winner(
    consultation, tokens, kafka_bootstrap_servers
):
    officer = tokens.officer(AGENCY)
    other_officer = tokens.officer("moh")
    jurors = {name: tokens.of(["jury"], f"juror-{name}", agency=AGENCY) for name in ("a", "b", "c")}
    outsider_juror = tokens.of(["jury"], "juror-a", agency="moh")

    # The campaign the competition belongs to (an adopted idea is one of its decisions).
    campaign = (await consultation.post("/campaigns", json=plan(kind="idea_competition"), headers=officer)).json()
    campaign_id = campaign["campaign_id"]

    wrong = await consultation.post(
        "/competitions",
        json={"call": call(datetime.now(UTC), stages=list(reversed(stages(datetime.now(UTC)))))},
        headers=officer,
    )
    assert wrong.status_code == 422
    assert wrong.json()["error"]["details"][0]["field"] == "stages"

    closes = datetime.now(UTC) + timedelta(seconds=6)
    created = await consultation.post("/competitions", json={"campaign_id": campaign_id, "call": call(closes)}, headers=officer)
    assert created.status_code == 201, created.text
    competition_id = created.json()["competition_id"]
    base = f"/competitions/{competition_id}"
    assert (await consultation.get(base)).status_code == 404  # a draft is the agency's only
    assert (await consultation.post(f"{base}/publish", headers=other_officer)).status_code == 403
    published = await consultation.post(f"{base}/publish", headers=officer)
    assert published.json()["stage"] == "submission"

    tools = {"tools": [{"kind": "idea_competition", "tool_id": competition_id}]}
    assert (await consultation.post(f"/campaigns/{campaign_id}/launch", json=tools, headers=officer)).status_code == 200

    citizens = [tokens.citizen() for _ in IDEAS]
    idea_ids = []
    for citizen, (title, problem) in zip(citizens, IDEAS, strict=True):
        team = ["member-one"] if title == "حافلات ذكية" else []
        made = await consultation.post(f"{base}/ideas", json=proposal(title, problem, team=team), headers=citizen)
        assert made.status_code == 201, made.text
        idea_ids.append(made.json()["idea_id"])
    bus, parking, bikes, walkways, night, taxi = idea_ids

    # Likely duplicates are shown before submitting, whatever the spelling of the letters.
    similar = await consultation.post(
        f"{base}/ideas/similar", json={"text": "ازدحام المرور فى مسقط صباحاً عند المدارس"}, headers=tokens.citizen()
    )
    assert similar.status_code == 200
    assert similar.json()[0]["idea_id"] == bus
    fan = tokens.citizen()
    supported = await consultation.post(f"{base}/ideas/{bus}/support", headers=fan)
    assert supported.json()["supports"] == 1
    assert (await consultation.post(f"{base}/ideas/{bus}/support", headers=fan)).status_code == 409

    bad = await consultation.post(f"{base}/ideas", json=proposal("x", "short", theme_id="health"), headers=fan)
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["error"]["details"]} == {"title", "problem"}
    wrong_theme = await consultation.post(f"{base}/ideas", json=proposal("عنوان", "مشكلة واضحة جدا", theme_id="health"), headers=fan)
    assert wrong_theme.status_code == 422 and wrong_theme.json()["error"]["details"] == [{"field": "theme_id"}]

    edited = await consultation.put(
        f"{base}/ideas/{night}", json=proposal("نقل ليلي منتظم", IDEAS[4][1]), headers=citizens[4]
    )
    assert edited.json()["proposal"]["title"] == "نقل ليلي منتظم"
    assert (await consultation.put(f"{base}/ideas/{night}", json=proposal("x" * 5, "y" * 20), headers=fan)).status_code == 404
    assert (await consultation.post(f"{base}/ideas/{taxi}/withdraw", headers=citizens[5])).json()["status"] == "withdrawn"

    # The jury, named before judging; juror c declares a conflict with the bus idea.
    jury = {
        "jurors": ["juror-a", "juror-b", "juror-c"],
        "chair": "juror-a",
        "reviews_per_idea": 2,
        "rubric": {
            "criteria": [
                {"criterion_id": c, "label": {"ar": c, "en": c}, "weight": w} for c, w in WEIGHTS.items()
            ],
            "scale_min": 1,
            "scale_max": 5,
        },
    }
    assert (await consultation.put(f"{base}/jury", json=jury, headers=officer)).status_code == 200
    conflict = await consultation.post(f"{base}/conflicts", json={"idea_ids": [bus]}, headers=jurors["c"])
    assert conflict.json() == {"idea_ids": [bus]}
    assert (await consultation.post(f"{base}/conflicts", json={"idea_ids": [bus]}, headers=outsider_juror)).status_code == 403

    early = await consultation.post(f"{base}/advance", headers=officer)
    assert early.status_code == 409  # submissions are open until their deadline
    await asyncio.sleep(max(0.0, (closes - datetime.now(UTC)).total_seconds()) + 0.2)
    late = await consultation.post(f"{base}/ideas", json=proposal("فكرة متأخرة", "مشكلة متأخرة جدا"), headers=fan)
    assert late.status_code == 409

    screening = (await consultation.post(f"{base}/advance", headers=officer)).json()
    assert screening["stage"] == "screening" and set(screening["ideas_in_stage"]) == {bus, parking, bikes, walkways, night}
    assert (await consultation.post(f"{base}/advance", headers=officer)).status_code == 409  # unscreened ideas
    reason = {"ar": "خارج نطاق المسابقة", "en": "Outside the competition's scope"}
    for idea_id in (bus, parking, bikes, walkways, night):
        verdict = {"eligible": idea_id != night, "reason": reason if idea_id == night else T}
        screened = await consultation.post(f"{base}/ideas/{idea_id}/screening", json=verdict, headers=officer)
        assert screened.status_code == 200, screened.text
    [mine] = (await consultation.get(f"{base}/my-ideas", headers=citizens[4])).json()
    assert mine["status"] == "ineligible" and mine["screening"]["reason"] == reason

    # Round 1: four ideas, three advance. Every juror gives an idea the same scores,
    # so the ranking does not depend on who reviewed what.
    round_one = (await consultation.post(f"{base}/advance", headers=officer)).json()
    assert round_one["stage"] == "jury_round"
    await judge(consultation, base, jurors, {bus: 5, parking: 4, bikes: 3, walkways: 2}, conflicted={"c": bus})
    concluded = await consultation.post(f"{base}/conclude", headers=officer)
    assert concluded.status_code == 200, concluded.text
    assert concluded.json()["advancing"] == [bus, parking, bikes]
    await recomputed(consultation, base, officer, concluded.json())

    # Round 2: a tie at the cut; the chair decides, with a reason kept.
    assert (await consultation.post(f"{base}/advance", headers=officer)).json()["ideas_in_stage"] == [bus, parking, bikes]
    await judge(consultation, base, jurors, {bus: 5, parking: 3, bikes: 3}, conflicted={"c": bus})
    tie = await consultation.post(f"{base}/conclude", headers=officer)
    assert tie.status_code == 409
    assert set(tie.json()["error"]["details"][0]["tied"]) == {parking, bikes}
    override = {"override": {"advancing": [bus, bikes], "reason": "أثر أوسع على الأحياء"}}
    assert (await consultation.post(f"{base}/conclude", json=override, headers=jurors["b"])).status_code == 403
    decided = await consultation.post(f"{base}/conclude", json=override, headers=jurors["a"])
    assert decided.status_code == 200, decided.text
    assert decided.json()["advancing"] == [bus, bikes]
    assert decided.json()["override"]["reason"] == "أثر أوسع على الأحياء"
    await recomputed(consultation, base, officer, decided.json())

    shortlist = (await consultation.post(f"{base}/advance", headers=officer)).json()
    assert shortlist["stage"] == "shortlist"
    linked = await consultation.put(f"{base}/people-choice", json={"ballot_id": "ballot-ideas"}, headers=officer)
    assert linked.json()["people_choice_ballot"] == "ballot-ideas"
    assert (await consultation.post(f"{base}/advance", headers=officer)).json()["stage"] == "final"
    await judge(consultation, base, jurors, {bus: 2, bikes: 4}, conflicted={"c": bus})
    final = (await consultation.post(f"{base}/conclude", headers=officer)).json()
    assert final["advancing"] == [bikes]
    winners = (await consultation.post(f"{base}/advance", headers=officer)).json()
    assert winners["stage"] == "winners" and winners["winners"] == [bikes]
    results = (await consultation.get(f"{base}/results")).json()
    assert [len(r["ranking"]) for r in results] == [4, 3, 2]

    # The winner is adopted: a decision of the campaign resting on the idea.
    assessment = {"quality": T, "strengths": T, "challenges": T}
    assert (await consultation.post(f"/campaigns/{campaign_id}/analysis", json=assessment, headers=officer)).status_code == 200
    not_winner = await consultation.post(f"{base}/ideas/{bus}/adoption", json={"text": T}, headers=officer)
    assert not_winner.status_code == 409
    adoption = {"text": {"ar": "تنفيذ الدراجات العامة", "en": "Public bikes in every wilayat"}, "funded_omr": 50000}
    adopted = await consultation.post(f"{base}/ideas/{bikes}/adoption", json=adoption, headers=officer)
    assert adopted.status_code == 200, adopted.text
    decision_id = adopted.json()["decision_id"]
    [decision] = (await consultation.get(f"/campaigns/{campaign_id}")).json()["decisions"]
    assert decision["decision_id"] == decision_id
    assert decision["inputs"][0]["kind"] == "idea" and decision["inputs"][0]["ref"] == bikes
    assert (await consultation.post(f"{base}/ideas/{bikes}/adoption", json=adoption, headers=officer)).status_code == 409

    records = await events_of(kafka_bootstrap_servers, "consultation.competitions", subject=competition_id, at_least=11)
    names = [name for name, _, _ in records]
    assert names.count("CompetitionStageOpened") == 7
    assert names.count("JuryStageConcluded") == 3
    assert "CompetitionPublished" in names and "WinnersAnnounced" in names
    concluded_events = [json.loads(v) for name, _, v in records if name == "JuryStageConcluded"]
    assert concluded_events[1]["overridden"] is True and "reason" not in concluded_events[1]
    idea_events = await events_of(kafka_bootstrap_servers, "consultation.competitions", subject=bikes, at_least=3)
    assert [n for n, _, _ in idea_events] == ["IdeaSubmitted", "IdeaScreened", "IdeaAdopted"]
    submitted = json.loads(idea_events[0][2])
    assert "title" not in submitted and "problem" not in submitted and submitted["team_size"] == 1


async def judge(client, base: str, jurors: dict, marks: dict[str, int], *, conflicted: dict[str, str]) -> None:
    """Every juror reviews what they were assigned, blind; others' scores only after."""
    for name, headers in jurors.items():
        assigned = (await client.get(f"{base}/reviews/mine", headers=headers)).json()
        assert all("team" not in a["proposal"] and "submitter" not in a for a in assigned)
        assert conflicted.get(name) not in {a["idea_id"] for a in assigned}
        for item in assigned:
            idea_id = item["idea_id"]
            hidden = await client.get(f"{base}/ideas/{idea_id}/reviews", headers=headers)
            assert hidden.status_code == 403
            scores = dict.fromkeys(WEIGHTS, marks[idea_id])
            done = await client.put(
                f"{base}/ideas/{idea_id}/review", json={"scores": scores, "comments": {"novelty": "جيد"}}, headers=headers
            )
            assert done.status_code == 200, done.text
            assert (await client.get(f"{base}/ideas/{idea_id}/reviews", headers=headers)).status_code == 200
        if assigned:
            again = await client.put(
                f"{base}/ideas/{assigned[0]['idea_id']}/review", json={"scores": dict.fromkeys(WEIGHTS, 1)}, headers=headers
            )
            assert again.status_code == 409


async def recomputed(client, base: str, officer: dict, outcome: dict) -> None:
    """Every score of the outcome follows from the stored reviews and the rubric."""
    total_weight = sum(WEIGHTS.values())
    for ranked in outcome["ranking"]:
        reviews = (await client.get(f"{base}/ideas/{ranked['idea_id']}/reviews", headers=officer)).json()
        totals = [sum(WEIGHTS[c] * s for c, s in r["scores"].items()) / total_weight for r in reviews]
        assert len(reviews) == ranked["reviews"] == 2
        assert len({r["juror"] for r in reviews}) == 2
        assert ranked["score"] == pytest.approx(sum(totals) / len(totals))
