"""The datasets of consultation and alerts on the real store: campaigns with their
steps, decisions with their progress, the KPI tables, survey responses, draft-policy
comments by section and stance, and public alerts. For each, CSV and JSON agree and
the figures match those recomputed here from the source events; small cells are
withheld and hidden comments are not counted.

Events are applied through the service's own projections straight onto its database,
as in test_reporting_catalogue (the Kafka path and the rebuild: test_reporting_service)."""

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from rdflib import Graph
from ulid import ULID

from reporting.kpi import INDICATORS
from reporting.participation_views import ParticipationViews
from sharik.events import LocalizedText
from sharik.events.consultation import (
    CampaignAnalysed,
    CampaignCancelled,
    CampaignLaunched,
    CampaignReported,
    CampaignTool,
    CommentPosted,
    ContentHidden,
    ContentRestored,
    DecisionInput,
    DecisionProgressed,
    DecisionRecorded,
    DraftPolicyPublished,
    Figure,
    KpiTargets,
    KpiTargetsSet,
    SectionConcluded,
    SurveyPublished,
    SurveyResponseSubmitted,
)
from sharik.events.notifier import AlertCancelled, AlertIssued, AlertUpdated
from tests.reporting.integration.test_reporting_catalogue import (  # noqa: F401  (fixtures)
    apply,
    assert_valid_dcat_ap,
    csv_rows,
    read_model,
    reporting,
    settings,
)

pytestmark = pytest.mark.integration

DAY = datetime(2026, 9, 14, 8, tzinfo=UTC)
TEXT = LocalizedText(ar="نص", en="Text")


def agency_id() -> str:
    return f"agency-{str(ULID()).lower()}"


def consultation_history(agency: str, day: datetime = DAY) -> dict[str, list]:
    """A campaign reported with a survey, a draft policy and two decisions (the second's
    progress arriving before its recording), a cancelled campaign, the agency's targets
    for the half-year, responses, comments (one hidden for good, one hidden then
    restored) and a section's conclusion; by kind."""
    reported, cancelled, survey, document = (str(ULID()) for _ in range(4))
    first, second = str(ULID()), str(ULID())
    tools = (CampaignTool(kind="survey", tool_id=survey), CampaignTool(kind="draft_policy", tool_id=document))
    title = LocalizedText(ar="خطة النقل العام", en="Public transport plan")
    campaigns = [
        CampaignLaunched(campaign_id=reported, agency=agency, kind="consultation", title=title, summary=TEXT,
                         opens_at=day, closes_at=day + timedelta(days=20), launched_at=day, tools=tools),
        CampaignAnalysed(campaign_id=reported, agency=agency,
                         assessment={"quality": TEXT, "strengths": TEXT, "challenges": TEXT},
                         analysed_at=day + timedelta(days=21)),
        CampaignReported(campaign_id=reported, agency=agency, report=TEXT, press_release=TEXT,
                         reported_at=day + timedelta(days=22)),
        CampaignLaunched(campaign_id=cancelled, agency=agency, kind="poll", title=TEXT, summary=TEXT,
                         opens_at=day + timedelta(days=1), closes_at=day + timedelta(days=5),
                         launched_at=day + timedelta(days=1)),
        CampaignCancelled(campaign_id=cancelled, agency=agency, reason=TEXT, was_launched=True,
                          cancelled_at=day + timedelta(days=2)),
    ]
    inputs = (DecisionInput(kind="survey_question", ref=f"{survey}/q1", label=TEXT,
                            figures=(Figure(label=TEXT, count=40, percent=80.0),)),)
    decisions = [
        DecisionRecorded(campaign_id=reported, agency=agency, decision_id=first, text=TEXT, inputs=inputs,
                         status="planned", progress=0, recorded_at=day + timedelta(days=23)),
        DecisionProgressed(campaign_id=reported, agency=agency, decision_id=second, sequence=1, status="done",
                           progress=100, note=LocalizedText(ar="اكتمل", en="Completed"),
                           progressed_at=day + timedelta(days=30)),
        DecisionRecorded(campaign_id=reported, agency=agency, decision_id=second, text=title, inputs=inputs,
                         status="in_progress", progress=40, recorded_at=day + timedelta(days=24)),
    ]
    targets = [KpiTargetsSet(agency=agency, period="2026-H2", revision=1, set_at=day - timedelta(days=30),
                             targets=KpiTargets(sessions_run=4, decisions_implemented_pct=75,
                                                results_published_pct=100))]
    tools_published = [
        SurveyPublished(survey_id=survey, agency=agency, campaign_id=reported, title=title, anonymous=True,
                        questions=3, opens_at=day, closes_at=day + timedelta(days=20), published_at=day),
        DraftPolicyPublished(document_id=document, agency=agency, campaign_id=reported, title=title, sections=2,
                             opens_at=day, closes_at=day + timedelta(days=20), published_at=day),
    ]
    responses = [SurveyResponseSubmitted(survey_id=survey, agency=agency, campaign_id=reported,
                                         response_id=str(ULID()), governorate=governorate,
                                         submitted_at=day + timedelta(hours=n))
                 for n, governorate in enumerate(["Muscat"] * 6 + ["Dhofar"] * 2 + [None] * 5)]
    stances = ["for"] * 6 + ["against"] * 2 + [None] + ["neutral"] * 5
    comments = [CommentPosted(document_id=document, agency=agency, campaign_id=reported, comment_id=str(ULID()),
                              section=1 if n < 9 else 2, stance=stance, participant=f"p{n}", governorate="Muscat",
                              posted_at=day + timedelta(hours=n)) for n, stance in enumerate(stances)]
    comments.append(CommentPosted(document_id=document, agency=agency, campaign_id=reported, comment_id=str(ULID()),
                                  section=1, reply_to=comments[0].comment_id, participant="p99",
                                  posted_at=day + timedelta(hours=30)))
    hidden, restored = comments[1].comment_id, comments[2].comment_id
    moderation = [
        # Restored before it was hidden arrives: the later decision (the restore) stands.
        ContentRestored(content_id=restored, content_kind="comment", agency=agency, reason="ok",
                        restored_at=day + timedelta(days=3)),
        ContentHidden(content_id=restored, content_kind="comment", agency=agency, cause="flags", reason="flags",
                      hidden_at=day + timedelta(days=2)),
        ContentHidden(content_id=hidden, content_kind="comment", agency=agency, cause="moderator",
                      reason="off topic", hidden_at=day + timedelta(days=2)),
    ]
    concluded = [SectionConcluded(document_id=document, agency=agency, section=1, outcome="partly_accepted",
                                  reason=LocalizedText(ar="عدلت الفقرة", en="The clause was amended"),
                                  concluded_at=day + timedelta(days=25))]
    return {"campaigns": campaigns, "decisions": decisions, "targets": targets, "tools": tools_published,
            "responses": responses, "comments": comments, "moderation": moderation, "concluded": concluded,
            "hidden": [hidden]}


def alert_history(agency: str, day: datetime = DAY) -> list:
    """An alert, its update and the update's cancellation, and a test message."""
    first, update, cancel = (str(ULID()) for _ in range(3))

    def facts(alert_id: str, minutes: int, references: tuple[str, ...], status: str = "Actual") -> dict:
        return {"alert_id": alert_id, "agency": agency, "identifier": alert_id, "sender": "pacdm@example.om",
                "sent": day + timedelta(minutes=minutes), "status": status, "references": references,
                "categories": ("Met",), "urgency": "Immediate", "severity": "Severe", "certainty": "Likely",
                "headline": LocalizedText(ar="أمطار غزيرة", en="Heavy rain"), "onset": day,
                "expires": day + timedelta(hours=6), "geocodes": ("governorate:muscat", "wilayat:bawshar"),
                "polygons": 0, "circles": 0, "operators": ("omantel",)}

    return [
        AlertCancelled(**facts(cancel, 90, (first, update))),
        AlertIssued(**facts(first, 0, ())),
        AlertUpdated(**facts(update, 30, (first,))),
        AlertIssued(**facts(str(ULID()), 40, (), status="Test")),
    ]


def all_events(history: dict[str, list]) -> list:
    return [e for kind, events in history.items() if kind != "hidden" for e in events]


async def files_of(reporting, dataset_id: str) -> list[dict]:
    """The dataset's rows, after checking its CSV says what its JSON does."""
    as_csv = await reporting.get(f"/datasets/{dataset_id}.csv")
    as_json = await reporting.get(f"/datasets/{dataset_id}.json")
    assert as_csv.status_code == as_json.status_code == 200, as_json.text
    document = as_json.json()
    header, rows = csv_rows(as_csv.content)
    assert header == [f"{c['ar']} / {c['en']}" for c in document["columns"]]
    names = [c["name"] for c in document["columns"]]
    assert [dict(zip(names, row, strict=True)) for row in rows] == [
        {n: _as_csv(v) for n, v in row.items()} for row in document["rows"]
    ]
    return document["rows"]


def _as_csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return str(value)


def at(moment: datetime) -> datetime:
    return datetime.fromisoformat(moment) if isinstance(moment, str) else moment


async def test_campaigns_with_their_steps_and_decisions_with_their_progress(reporting, read_model):
    agency = agency_id()
    history = consultation_history(agency)
    await apply(read_model, all_events(history))

    campaigns = await files_of(reporting, f"campaigns-{agency}")
    launched = [e for e in history["campaigns"] if isinstance(e, CampaignLaunched)]
    assert [r["campaign_id"] for r in campaigns] == [e.campaign_id for e in launched]
    reported, cancelled = campaigns
    assert (reported["state"], reported["title_en"], reported["decisions"]) == ("reported", "Public transport plan", 2)
    assert reported["tools"] == [f"{t.kind}:{t.tool_id}" for t in launched[0].tools]
    steps = {type(e).__name__: e for e in history["campaigns"] if e.campaign_id == launched[0].campaign_id}
    assert at(reported["analysed_at"]) == steps["CampaignAnalysed"].analysed_at
    assert at(reported["reported_at"]) == steps["CampaignReported"].reported_at
    assert (reported["closed_at"], reported["cancelled_at"]) == (None, None)
    assert (cancelled["state"], cancelled["decisions"]) == ("cancelled", 0)

    # An agency with campaigns and no decision has no decisions dataset.
    quiet = agency_id()
    await apply(read_model, [e.model_copy(update={"agency": quiet, "campaign_id": str(ULID())})
                             for e in launched])
    assert len(await files_of(reporting, f"campaigns-{quiet}")) == 2
    assert (await reporting.get(f"/datasets/decisions-{quiet}.json")).status_code == 404

    decisions = await files_of(reporting, f"decisions-{agency}")
    expected = sorted(
        [(e.decision_id, 0, e.status, e.progress) for e in history["decisions"] if isinstance(e, DecisionRecorded)]
        + [(e.decision_id, e.sequence, e.status, e.progress) for e in history["decisions"]
           if isinstance(e, DecisionProgressed)],
        key=lambda step: ([e.decision_id for e in history["decisions"] if isinstance(e, DecisionRecorded)]
                          .index(step[0]), step[1]),
    )
    assert [(r["decision_id"], r["sequence"], r["status"], r["progress"]) for r in decisions] == expected
    assert decisions[-1]["note_en"] == "Completed"
    assert decisions[0]["inputs"][0]["figures"][0]["count"] == 40


async def test_the_kpi_table_has_each_indicator_s_target_actual_and_gap(reporting, read_model):
    agency = agency_id()
    history = consultation_history(agency)
    await apply(read_model, all_events(history))

    rows = await files_of(reporting, f"kpi-{agency}")
    [targets] = history["targets"]
    sessions = len(history["tools"])  # both opened in 2026-H2
    recorded = {e.decision_id for e in history["decisions"] if isinstance(e, DecisionRecorded)}
    done = {e.decision_id for e in history["decisions"] if isinstance(e, DecisionProgressed) and e.status == "done"}
    actuals = {"sessions_run": sessions, "decisions_implemented_pct": round(100 * len(done) / len(recorded), 1),
               "results_published_pct": 100.0}
    assert [(r["period"], r["indicator"], r["target"], r["actual"], r["gap"]) for r in rows] == [
        ("2026-H2", name, getattr(targets.targets, name), actuals[name],
         round(max(getattr(targets.targets, name) - actuals[name], 0), 1)) for name in INDICATORS
    ]
    assert [r["label_ar"] for r in rows] == [i["ar"] for i in INDICATORS.values()]


async def test_survey_responses_by_governorate_withhold_small_cells(reporting, read_model):
    agency = agency_id()
    history = consultation_history(agency)
    await apply(read_model, all_events(history))

    rows = await files_of(reporting, f"survey-responses-{agency}")
    counted = Counter(e.governorate or "" for e in history["responses"])
    assert counted == {"Muscat": 6, "Dhofar": 2, "": 5}
    assert [(r["governorate"], r["responses"], r["suppressed"]) for r in rows] == [
        (g, n if n >= 5 else None, n < 5) for g, n in sorted(counted.items())
    ]
    assert {r["survey_id"] for r in rows} == {history["tools"][0].survey_id}


async def test_comments_that_passed_moderation_by_section_and_stance(reporting, read_model):
    agency = agency_id()
    history = consultation_history(agency)
    await apply(read_model, all_events(history))

    rows = await files_of(reporting, f"draft-policy-comments-{agency}")
    shown = [c for c in history["comments"] if c.comment_id not in history["hidden"]]

    def kept(n: int) -> int | None:
        return None if 0 < n < 5 else n

    expected = []
    for section in (1, 2):
        stances = Counter(c.stance for c in shown if c.section == section and c.reply_to is None)
        replies = sum(1 for c in shown if c.section == section and c.reply_to)
        expected.append((section, *(kept(stances[s]) for s in ("for", "against", "neutral")), kept(stances[None]),
                         kept(replies)))
    assert expected == [(1, 5, None, 0, None, None), (2, 0, 0, 5, 0, 0)]  # one "for" hidden for good
    assert [(r["section"], r["for"], r["against"], r["neutral"], r["no_stance"], r["replies"]) for r in rows] == expected
    assert [(r["outcome"], r["outcome_reason_en"]) for r in rows] == [
        ("partly_accepted", "The clause was amended"), (None, None)]
    # The accountability page counts the same comments.
    page = await ParticipationViews(read_model).accountability(history["campaigns"][0].campaign_id)
    [document] = [t for t in page["tools"] if t["kind"] == "draft_policy"]
    assert [(s["section"], s["for"]) for s in document["comments_by_section"]] == [(1, 5), (2, 0)]


async def test_alerts_issued_with_their_updates_and_cancellations(reporting, read_model):
    agency = agency_id()
    events = alert_history(agency)
    await apply(read_model, events)

    rows = await files_of(reporting, f"alerts-{agency}")
    actual = sorted((e for e in events if e.status == "Actual"), key=lambda e: e.sent)
    assert [(r["alert_id"], r["message_type"], r["replaces"], r["superseded_by"]) for r in rows] == [
        (e.alert_id, {"AlertIssued": "Alert", "AlertUpdated": "Update", "AlertCancelled": "Cancel"}[e.name],
         e.references[-1] if e.references else None, next((n.alert_id for n in actual if n.references
                                                         and n.references[-1] == e.alert_id), None))
        for e in actual
    ]
    assert rows[0]["area_codes"] == ["governorate:muscat", "wilayat:bawshar"]
    assert (rows[0]["headline_ar"], rows[0]["severity"], rows[0]["categories"]) == ("أمطار غزيرة", "Severe", ["Met"])
    assert [at(r["sent"]) for r in rows] == [e.sent for e in actual]
    raw = (await reporting.get(f"/datasets/alerts-{agency}.json")).content
    assert b"pacdm@example.om" not in raw and b"omantel" not in raw


async def test_the_new_datasets_are_in_the_catalogue_valid_dcat_ap(reporting, read_model):
    agency = agency_id()
    await apply(read_model, all_events(consultation_history(agency)) + alert_history(agency))
    for name in ("campaigns", "decisions", "kpi", "survey-responses", "draft-policy-comments", "alerts"):
        own = await reporting.get(f"/datasets/{name}-{agency}.ttl")
        assert own.status_code == 200, own.text
        assert_valid_dcat_ap(Graph().parse(data=own.text, format="turtle"))
