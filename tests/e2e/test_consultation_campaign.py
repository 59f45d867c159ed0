"""One campaign through its five steps across separate processes on the real broker
and store: planned, launched with a survey (with a conditional question) and a draft
regulation put to comment, analysed, decisions taken on the survey's result and the
comments, reported and closed; reporting's "you said, we did" page links each decision
to its inputs, the agency's KPI table shows the half-year, and a rebuild from the
topics gives the same answers."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from ulid import ULID

from tests.e2e.test_participation_slice import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def t(en: str, ar: str) -> dict:
    return {"ar": ar, "en": en}


def period_of(now: datetime) -> str:
    return f"{now.year}-H{1 if now.month <= 6 else 2}"


async def test_a_campaign_from_plan_to_report_with_a_survey_and_a_draft_regulation(platform, tokens, http):
    consultation, reporting = platform["consultation"], platform["reporting"]
    agency = f"mm-{str(ULID()).lower()}"
    officer = tokens.officer(agency)
    admin = tokens.officer(agency, role="agency_admin")
    now = datetime.now(UTC)
    period = period_of(now)
    window = {"opens_at": (now - timedelta(minutes=1)).isoformat(), "closes_at": (now + timedelta(days=30)).isoformat()}

    async def ok(response, status: int = 200) -> dict:
        assert response.status_code == status, response.text
        return response.json()

    targets = {"sessions_run": 3, "decisions_implemented_pct": 90, "results_published_pct": 100}
    await ok(await http.put(f"{consultation}/agencies/{agency}/kpi-targets/{period}", json=targets, headers=admin))

    # plan
    campaign = await ok(
        await http.post(
            f"{consultation}/campaigns",
            json={
                "kind": "consultation",
                "title": t("The central market", "السوق المركزي"),
                "summary": t("Rebuild or renovate, and the new market rules", "إعادة البناء أو الترميم، وقواعد السوق الجديدة"),
                "target_groups": ["traders", "all_beneficiaries"],
                "channels": ["website", "social_media"],
                "tools": ["e-survey", "public comment"],
                "budget_omr": 2500,
                **window,
            },
            headers=officer,
        ),
        201,
    )
    campaign_id = campaign["campaign_id"]

    survey = await ok(
        await http.post(
            f"{consultation}/surveys",
            json={
                "campaign_id": campaign_id,
                "title": t("The central market", "السوق المركزي"),
                "live_results": True,
                "questions": [
                    {
                        "question_id": "choice",
                        "type": "single_choice",
                        "required": True,
                        "text": t("Rebuild or renovate?", "إعادة البناء أم الترميم؟"),
                        "options": [
                            {"option_id": "rebuild", "label": t("Rebuild", "إعادة البناء")},
                            {"option_id": "renovate", "label": t("Renovate", "الترميم")},
                        ],
                    },
                    {
                        "question_id": "why_rebuild",
                        "type": "long_text",
                        "required": True,
                        "text": t("Why rebuild?", "لماذا إعادة البناء؟"),
                        "show_if": {"conditions": [{"question_id": "choice", "operator": "equals", "value": "rebuild"}]},
                    },
                ],
                **window,
            },
            headers=officer,
        ),
        201,
    )
    survey_id = survey["survey_id"]
    await ok(await http.post(f"{consultation}/surveys/{survey_id}/publish", headers=officer))

    deadline = datetime.now(UTC) + timedelta(seconds=12)
    document = await ok(
        await http.post(
            f"{consultation}/documents",
            json={
                "campaign_id": campaign_id,
                "title": t("Market regulation", "لائحة تنظيم السوق"),
                "summary": t("Draft rules", "مسودة القواعد"),
                "sections": [
                    {"number": 1, "heading": t("Hours", "ساعات العمل"), "text": t("Open 8 to 20.", "من 8 إلى 20.")},
                    {"number": 2, "heading": t("Fees", "الرسوم"), "text": t("A stall costs 50 rials.", "رسوم البسطة 50 ريالاً.")},
                ],
                "opens_at": (now - timedelta(minutes=1)).isoformat(),
                "closes_at": deadline.isoformat(),
            },
            headers=officer,
        ),
        201,
    )
    document_id = document["document_id"]
    await ok(await http.post(f"{consultation}/documents/{document_id}/publish", headers=officer))

    # launch with both tools
    tools = [{"kind": "survey", "tool_id": survey_id}, {"kind": "draft_policy", "tool_id": document_id}]
    launched = await ok(await http.post(f"{consultation}/campaigns/{campaign_id}/launch", json={"tools": tools}, headers=officer))
    assert launched["state"] == "launched"

    citizens = [tokens.citizen(governorate=g) for g in ("muscat", "muscat", "dhofar")]
    answers = [
        {"choice": "rebuild", "why_rebuild": "المبنى قديم وغير آمن"},
        {"choice": "rebuild", "why_rebuild": "نحتاج مواقف أكثر"},
        {"choice": "renovate"},
    ]
    hidden_answer = {"choice": "renovate", "why_rebuild": "x"}
    refused = await http.post(f"{consultation}/surveys/{survey_id}/responses", json={"answers": hidden_answer}, headers=citizens[2])
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == "answers.why_rebuild"
    for citizen, given in zip(citizens, answers):
        await ok(await http.post(f"{consultation}/surveys/{survey_id}/responses", json={"answers": given}, headers=citizen), 201)
    comment = await ok(
        await http.post(
            f"{consultation}/documents/{document_id}/sections/2/comments",
            json={"stance": "against", "text": "الرسوم مرتفعة على صغار التجار"},
            headers=citizens[0],
        ),
        201,
    )
    await ok(await http.post(f"{consultation}/documents/{document_id}/comments/{comment['comment_id']}/supports", headers=citizens[1]), 201)
    await ok(
        await http.post(
            f"{consultation}/documents/{document_id}/sections/2/comments",
            json={"stance": "for", "text": "الرسوم معقولة"},
            headers=citizens[2],
        ),
        201,
    )

    # after the deadline: the agency concludes the section and adopts the new text
    await asyncio.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()) + 0.5)
    await ok(
        await http.post(
            f"{consultation}/documents/{document_id}/sections/2/outcome",
            json={"outcome": "partly_accepted", "reason": t("Lower fee for small stalls", "رسوم أقل للبسطات الصغيرة")},
            headers=officer,
        )
    )
    sections = document["draft"]["sections"]
    sections[1]["text"] = t("A small stall costs 20 rials, others 50.", "رسوم البسطة الصغيرة 20 ريالاً وغيرها 50.")
    adopted = await ok(await http.post(f"{consultation}/documents/{document_id}/adoption", json={"sections": sections}, headers=officer))
    assert adopted["adoption"]["changed_sections"] == [2]

    # analyse
    results = await ok(await http.get(f"{consultation}/surveys/{survey_id}/results"))
    [choice] = [q for q in results["questions"] if q["question_id"] == "choice"]
    assert [(o["option_id"], o["percent"]) for o in choice["options"]] == [("rebuild", 66.7), ("renovate", 33.3)]
    assessment = {
        "quality": t("Specific and reasoned", "مساهمات محددة ومعللة"),
        "strengths": t("Traders took part", "مشاركة التجار"),
        "challenges": t("Few from Dhofar", "مشاركة محدودة من ظفار"),
    }
    await ok(await http.post(f"{consultation}/campaigns/{campaign_id}/analysis", json=assessment, headers=officer))

    # apply: decisions on the survey's result and on the comments
    rebuild = await ok(
        await http.post(
            f"{consultation}/campaigns/{campaign_id}/decisions",
            json={
                "text": t("The market will be rebuilt", "سيعاد بناء السوق"),
                "inputs": [{"kind": "survey_question", "ref": f"{survey_id}/choice", "label": t("66.7% chose rebuild", "66.7% اختاروا إعادة البناء")}],
                "status": "in_progress",
                "progress": 10,
            },
            headers=officer,
        ),
        201,
    )
    fees = await ok(
        await http.post(
            f"{consultation}/campaigns/{campaign_id}/decisions",
            json={
                "text": t("Small stalls pay 20 rials", "البسطات الصغيرة تدفع 20 ريالاً"),
                "inputs": [{"kind": "section_comments", "ref": f"{document_id}/2", "label": t("Comments on fees", "التعليقات على الرسوم")}],
            },
            headers=officer,
        ),
        201,
    )
    decisions = {d["text"]["en"]: d["decision_id"] for d in fees["decisions"]}
    for decision_id in decisions.values():
        await ok(
            await http.post(
                f"{consultation}/campaigns/{campaign_id}/decisions/{decision_id}/progress",
                json={"status": "done", "progress": 100, "note": t("Done", "تم")},
                headers=officer,
            )
        )
    assert rebuild["state"] == "applying"

    # report, then close
    report = {
        "report": t("What we did with your input", "ماذا فعلنا بمساهماتكم"),
        "press_release": t("The central market will be rebuilt", "سيعاد بناء السوق المركزي"),
        "links": ["https://example.om/market-report"],
    }
    await ok(await http.post(f"{consultation}/campaigns/{campaign_id}/report", json=report, headers=officer))
    closed = await ok(await http.post(f"{consultation}/campaigns/{campaign_id}/close", headers=officer))
    assert closed["state"] == "closed"
    assert (await http.post(f"{consultation}/campaigns/{campaign_id}/analysis", json=assessment, headers=officer)).status_code == 409

    # reporting: "you said, we did"
    async def accountability():
        response = await http.get(f"{reporting}/transparency/campaigns/{campaign_id}/accountability")
        body = response.json() if response.status_code == 200 else {}
        done = [d for d in body.get("decisions", []) if d["status"] == "done"]
        return body.get("state") == "closed" and len(done) == 2 and body

    page = await eventually(accountability)
    by_text = {d["text"]["en"]: d for d in page["decisions"]}
    survey_input = by_text["The market will be rebuilt"]["inputs"][0]
    assert survey_input["href"] == f"/surveys/{survey_id}/results" and survey_input["ref"] == f"{survey_id}/choice"
    assert [(f["label"]["en"], f["count"], f["percent"]) for f in survey_input["figures"]] == [
        ("Rebuild", 2, 66.7),
        ("Renovate", 1, 33.3),
    ]
    comments_input = by_text["Small stalls pay 20 rials"]["inputs"][0]
    assert comments_input["href"] == f"/documents/{document_id}/report"
    assert [(f["label"]["en"], f["count"]) for f in comments_input["figures"]] == [("For", 1), ("Against", 1), ("Neutral", 0)]
    assert [s["status"] for s in by_text["The market will be rebuilt"]["history"]] == ["in_progress", "done"]
    assert page["report"]["press_release"]["ar"] == "سيعاد بناء السوق المركزي"
    [regulation] = [tool for tool in page["tools"] if tool["tool_id"] == document_id]
    assert regulation["changed_sections"] == [2] and regulation["outcomes"][0]["outcome"] == "partly_accepted"

    # the comments the fee decision rests on, as the public reads them
    consolidated = await ok(await http.get(f"{consultation}/documents/{document_id}/report"))
    fees_section = consolidated["sections"][1]
    assert fees_section["comments"] == {"total": 2, "for": 1, "against": 1, "neutral": 0}
    assert fees_section["most_supported"][0]["text"] == "الرسوم مرتفعة على صغار التجار"

    async def participation():
        body = (await http.get(f"{reporting}/transparency/campaigns/{campaign_id}/participation")).json()
        return body.get("contributions") == 5 and body

    figures = await eventually(participation)
    assert figures["participants"] == 3
    assert {g["governorate"]: g["contributions"] for g in figures["by_governorate"]} == {"muscat": 3, "dhofar": 2}

    async def kpi():
        body = (await http.get(f"{reporting}/transparency/agencies/{agency}/kpi", params={"period": period})).json()
        rows = {row["indicator"]: row for row in body.get("indicators", [])}
        return rows.get("sessions_run", {}).get("target") == 3 and rows

    rows = await eventually(kpi)
    assert (rows["sessions_run"]["actual"], rows["sessions_run"]["gap"]) == (2, 1)
    assert (rows["decisions_implemented_pct"]["actual"], rows["decisions_implemented_pct"]["gap"]) == (100.0, 0)
    assert (rows["results_published_pct"]["actual"], rows["results_published_pct"]["gap"]) == (100.0, 0)
    csv_table = await http.get(f"{reporting}/transparency/agencies/{agency}/kpi", params={"period": period, "format": "csv"})
    assert csv_table.headers["content-type"].startswith("text/csv") and f"{agency},{period},sessions_run,".encode() in csv_table.content
    national = await http.get(f"{reporting}/transparency/kpi", params={"period": period}, headers=tokens.of(["operator"]))
    assert agency in [table["agency"] for table in national.json()["agencies"]]
    assert (await http.get(f"{reporting}/transparency/kpi", params={"period": period}, headers=officer)).status_code == 403

    # replay: the same answers from the topics
    paths = [
        f"/transparency/campaigns/{campaign_id}/accountability",
        f"/transparency/campaigns/{campaign_id}/participation",
        f"/transparency/agencies/{agency}/kpi?period={period}",
        f"/transparency/agencies/{agency}/accountability",
    ]
    before = [(await http.get(f"{reporting}{p}")).json() for p in paths]
    await ok(await http.post(f"{reporting}/admin/rebuild", headers=tokens.of(["operator"])))
    after = [(await http.get(f"{reporting}{p}")).json() for p in paths]
    assert after == before
