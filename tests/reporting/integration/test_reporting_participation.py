"""Consultation's read models on the real store: a decision's page is the same in
whatever order its events arrive, and participation, KPI and "you said, we did" are
computed from the events."""

from datetime import UTC, datetime, timedelta
from itertools import permutations

import pytest
from pymongo import AsyncMongoClient

from reporting.participation_views import ParticipationViews, kpi_csv
from reporting.projections import project
from reporting.store import ReadModel
from sharik.events import LocalizedText as T
from sharik.events.consultation import (
    Assessment,
    CampaignAnalysed,
    CampaignLaunched,
    CampaignReported,
    CommentPosted,
    DecisionInput,
    DecisionProgressed,
    DecisionRecorded,
    DraftPolicyPublished,
    KpiTargets,
    KpiTargetsSet,
    SectionConcluded,
    SurveyPublished,
    SurveyResponseSubmitted,
)
from sharik.events.voting import BallotClosed, BallotOpened, BallotOption
from tests.support.service import unique_database

pytestmark = pytest.mark.integration

NOW = datetime(2026, 9, 1, 8, tzinfo=UTC)
TEXT = T(ar="نص", en="Text")


@pytest.fixture
async def read_model(mongodb_url):
    client = AsyncMongoClient(mongodb_url, tz_aware=True)
    database = client[unique_database("reporting")]
    model = ReadModel(database)
    await model.create_indexes()
    yield model
    await client.drop_database(database.name)
    await client.close()


async def apply(model: ReadModel, *events) -> None:
    for event in events:
        for change in project(event):
            await model.apply(change)


def recorded(decision_id: str = "d1", status: str = "planned", progress: int = 0) -> DecisionRecorded:
    return DecisionRecorded(
        campaign_id="c1",
        agency="mm",
        decision_id=decision_id,
        text=T(ar="تخفيض الرسوم", en="Lower the fee"),
        inputs=(
            DecisionInput(kind="survey_question", ref="s1/rebuild", label=TEXT),
            DecisionInput(kind="section_comments", ref="doc1/2", label=TEXT),
        ),
        status=status,
        progress=progress,
        recorded_at=NOW,
    )


def progressed(sequence: int, status: str, progress: int) -> DecisionProgressed:
    return DecisionProgressed(
        campaign_id="c1", agency="mm", decision_id="d1", sequence=sequence, status=status, progress=progress,
        progressed_at=NOW + timedelta(days=sequence),
    )


DECISION_EVENTS = [recorded(), progressed(1, "in_progress", 50), progressed(2, "done", 100)]


async def test_a_decision_is_the_same_whatever_the_order_and_repeats(read_model):
    pages = []
    for order in permutations(DECISION_EVENTS):
        await read_model["decisions"].drop()
        await apply(read_model, *order, *order)
        document = await read_model["decisions"].find_one({"_id": "d1"})
        document["history"] = sorted(document["history"], key=lambda s: s["sequence"])
        pages.append(document)
    assert all(page == pages[0] for page in pages)
    assert (pages[0]["status"], pages[0]["progress"], len(pages[0]["history"])) == ("done", 100, 3)
    assert pages[0]["text"]["en"] == "Lower the fee"


def campaign_events() -> list:
    launched = CampaignLaunched(
        campaign_id="c1", agency="mm", kind="consultation", title=TEXT, summary=TEXT, opens_at=NOW, closes_at=NOW + timedelta(days=30),
        launched_at=NOW,
    )
    survey = SurveyPublished(
        survey_id="s1", agency="mm", campaign_id="c1", title=TEXT, anonymous=False, questions=3, opens_at=NOW,
        closes_at=NOW + timedelta(days=7), published_at=NOW,
    )
    document = DraftPolicyPublished(
        document_id="doc1", agency="mm", campaign_id="c1", title=TEXT, sections=2, opens_at=NOW,
        closes_at=NOW + timedelta(days=7), published_at=NOW,
    )
    responses = [
        SurveyResponseSubmitted(
            survey_id="s1", agency="mm", campaign_id="c1", response_id=f"r{i}", participant=f"p{i}", governorate=g,
            submitted_at=NOW + timedelta(days=i % 2),
        )
        for i, g in enumerate(["muscat", "muscat", "dhofar"])
    ]
    comments = [
        CommentPosted(
            document_id="doc1", agency="mm", campaign_id="c1", comment_id="k1", section=2, stance="against", participant="p0",
            governorate="muscat", posted_at=NOW,
        ),
        CommentPosted(
            document_id="doc1", agency="mm", campaign_id="c1", comment_id="k2", section=2, participant="p9", reply_to="k1",
            posted_at=NOW,
        ),
    ]
    ballot = BallotOpened(
        ballot_id="b1", agency="mm", campaign_id="c1", kind="single_choice", question=TEXT,
        options=(BallotOption(option_id="a", label=TEXT), BallotOption(option_id="b", label=TEXT)),
        opens_at=NOW, closes_at=NOW + timedelta(days=1),
    )
    closed = BallotClosed(ballot_id="b1", agency="mm", closed_at=NOW, votes_cast=40)
    analysed = CampaignAnalysed(campaign_id="c1", agency="mm", assessment=Assessment(quality=TEXT, strengths=TEXT, challenges=TEXT), analysed_at=NOW)
    concluded = SectionConcluded(document_id="doc1", agency="mm", section=2, outcome="partly_accepted", reason=TEXT, concluded_at=NOW)
    reported = CampaignReported(campaign_id="c1", agency="mm", report=TEXT, press_release=TEXT, reported_at=NOW)
    targets = KpiTargetsSet(
        agency="mm", period="2026-H2", revision=1, set_at=NOW,
        targets=KpiTargets(sessions_run=5, decisions_implemented_pct=90, results_published_pct=100),
    )
    return [launched, survey, document, *responses, *comments, ballot, closed, analysed, *DECISION_EVENTS, concluded, reported, targets]


async def test_participation_kpi_and_accountability_from_events(read_model):
    await apply(read_model, *campaign_events(), *campaign_events())
    views = ParticipationViews(read_model)

    participation = await views.participation("c1")
    assert participation["participants"] == 4, "p0 responded and commented: one participant"
    assert participation["contributions"] == 45
    assert participation["by_tool"] == [
        {"kind": "ballot", "tool_id": "b1", "contributions": 40},
        {"kind": "draft_policy", "tool_id": "doc1", "contributions": 2},
        {"kind": "survey", "tool_id": "s1", "contributions": 3},
    ]
    assert participation["by_governorate"] == [
        {"governorate": "unknown", "contributions": 1},
        {"governorate": "dhofar", "contributions": 1},
        {"governorate": "muscat", "contributions": 3},
    ]
    assert [d["contributions"] for d in participation["over_time"]] == [4, 1]

    kpi = {row["indicator"]: row for row in (await views.kpi("mm", "2026-H2"))["indicators"]}
    assert (kpi["sessions_run"]["target"], kpi["sessions_run"]["actual"], kpi["sessions_run"]["gap"]) == (5, 2, 3)
    assert kpi["decisions_implemented_pct"]["actual"] == 100.0 and kpi["decisions_implemented_pct"]["gap"] == 0
    assert kpi["results_published_pct"]["actual"] == 100.0
    other_half = {row["indicator"]: row for row in (await views.kpi("mm", "2026-H1"))["indicators"]}
    assert other_half["sessions_run"]["actual"] == 0 and other_half["sessions_run"]["target"] is None
    national = await views.national_kpi("2026-H2")
    assert [t["agency"] for t in national["agencies"]] == ["mm"]
    csv_text = kpi_csv(national["agencies"])
    assert csv_text.splitlines()[1].startswith("mm,2026-H2,sessions_run,")

    page = await views.accountability("c1")
    assert page["state"] == "reported" and page["report"]["report"]["en"] == "Text"
    [decision] = page["decisions"]
    assert [s["sequence"] for s in decision["history"]] == [0, 1, 2]
    assert [i.get("href") for i in decision["inputs"]] == ["/surveys/s1/results", "/documents/doc1/report"]
    [doc] = [t for t in page["tools"] if t["tool_id"] == "doc1"]
    assert doc["outcomes"][0]["outcome"] == "partly_accepted"
    assert doc["comments_by_section"] == [{"section": 2, "for": 0, "against": 1, "neutral": 0}]
    agency_page = await views.agency_accountability("mm", limit=10)
    assert agency_page["decisions"] == 1 and agency_page["done"] == 1
