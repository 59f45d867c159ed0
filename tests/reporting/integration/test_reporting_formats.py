"""Competitions', initiatives' and live sessions' read models on the real store: the
same figures in whatever order (and however often) the events arrive."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import AsyncMongoClient

from reporting.formats_views import FormatViews
from reporting.projections import project
from reporting.store import ReadModel
from sharik.events import LocalizedText as T
from sharik.events.consultation import (
    CompetitionPublished,
    CompetitionStageDates,
    CompetitionStageOpened,
    IdeaAdopted,
    IdeaScreened,
    IdeaSubmitted,
    InitiativeAdmitted,
    InitiativeAnswered,
    InitiativeAnswerOverdue,
    InitiativeExpired,
    InitiativeFiled,
    InitiativeThresholdReached,
    JuryStageConcluded,
    LiveSessionPublished,
    LiveSessionScheduled,
    RankedIdea,
    WinnersAnnounced,
)
from tests.support.service import unique_database

pytestmark = pytest.mark.integration

NOW = datetime(2026, 9, 1, 8, tzinfo=UTC)
TEXT = T(ar="نص", en="Text")
A = "mtcit"


def events() -> list:
    stages = tuple(
        CompetitionStageDates(kind=k, opens_at=NOW, closes_at=NOW + timedelta(days=1), advancing=n)
        for k, n in [("submission", None), ("screening", None), ("jury_round", 2), ("shortlist", None), ("final", 1), ("winners", None)]
    )
    out = [
        CompetitionPublished(competition_id="c", agency=A, campaign_id="k", title=TEXT, themes=("mobility", "health"),
                             eligibility="both", stages=stages, published_at=NOW),
        *[CompetitionStageOpened(competition_id="c", agency=A, stage_index=i, stage=s.kind, ideas=3, opened_at=NOW + timedelta(hours=i))
          for i, s in enumerate(stages)],
        JuryStageConcluded(competition_id="c", agency=A, stage_index=2, stage="jury_round",
                           ranking=(RankedIdea(idea_id="i1", score=4.5, reviews=2, rank=1, tied=False),),
                           advancing=("i1", "i2"), normalised=False, overridden=False, concluded_at=NOW),
        WinnersAnnounced(competition_id="c", agency=A, winners=("i1",), announced_at=NOW),
        IdeaAdopted(idea_id="i1", competition_id="c", agency=A, campaign_id="k", decision_id="d", funded_omr=50_000, adopted_at=NOW),
    ]
    for n, theme in enumerate(["mobility", "mobility", "health"], start=1):
        out.append(IdeaSubmitted(idea_id=f"i{n}", competition_id="c", agency=A, campaign_id="k", participant=f"p{n}",
                                 theme_id=theme, language="ar", team_size=1, submitted_at=NOW))
        out.append(IdeaScreened(idea_id=f"i{n}", competition_id="c", agency=A, eligible=n < 3, screened_at=NOW))
    for n in (1, 2, 3):
        out.append(InitiativeFiled(initiative_id=f"n{n}", agency=A, level="national", code=None, language="ar", committee=3, filed_at=NOW))
        out.append(InitiativeAdmitted(initiative_id=f"n{n}", agency=A, threshold=10, closes_at=NOW, answer_days=30, admitted_at=NOW))
    out += [
        InitiativeThresholdReached(initiative_id="n1", agency=A, supports=10, threshold=10, answer_due_at=NOW, reached_at=NOW),
        InitiativeAnswerOverdue(initiative_id="n1", agency=A, answer_due_at=NOW, flagged_at=NOW),
        InitiativeAnswered(initiative_id="n1", agency=A, outcome="accepted", reasoning=TEXT, late=True, answered_at=NOW),
        InitiativeThresholdReached(initiative_id="n2", agency=A, supports=12, threshold=10, answer_due_at=NOW, reached_at=NOW),
        InitiativeExpired(initiative_id="n3", agency=A, supports=4, threshold=10, expired_at=NOW),
        LiveSessionScheduled(session_id="s", agency=A, campaign_id="k", title=TEXT, starts_at=NOW, ends_at=NOW),
        LiveSessionPublished(session_id="s", agency=A, campaign_id="k", questions=40, answered=12, rejected=3, merged=5,
                             votes=300, published_at=NOW),
    ]
    return out


@pytest.fixture
async def read_models(mongodb_url):
    client = AsyncMongoClient(mongodb_url, tz_aware=True)
    names = [unique_database("reporting"), unique_database("reporting")]
    models = [ReadModel(client[n]) for n in names]
    for model in models:
        await model.create_indexes()
    yield models
    for n in names:
        await client.drop_database(n)
    await client.close()


async def test_an_agency_s_formats_are_counted_the_same_in_any_order(read_models):
    in_order, shuffled = read_models
    ordered = events()
    mixed = ordered + ordered[:5]  # some delivered twice
    random.Random(7).shuffle(mixed)
    for model, stream in ((in_order, ordered), (shuffled, mixed)):
        for event in stream:
            for change in project(event):
                await model.apply(change)
    first, second = FormatViews(in_order), FormatViews(shuffled)
    figures = await first.agency(A)
    assert figures == await second.agency(A)
    assert figures["competitions"] == {"published": 1, "ideas": 3, "eligible": 2, "adopted": 1, "funded_omr": 50_000}
    assert figures["initiatives"] == {
        "filed": 3, "admitted": 3, "rejected": 0, "reached_threshold": 2, "answered": 1, "answered_late": 1,
        "overdue": 1, "expired": 1,
    }
    assert figures["live_sessions"] == {"scheduled": 1, "published": 1, "questions": 40, "answered": 12}
    summary = await first.competition("c")
    assert summary == await second.competition("c")
    assert summary["stage"] == "winners" and summary["winners"] == ["i1"]
    assert summary["ideas_by_theme"] == [{"theme_id": "health", "ideas": 1}, {"theme_id": "mobility", "ideas": 2}]
    assert summary["outcomes"][0]["stage_index"] == 2 and summary["outcomes"][0]["advancing"] == ["i1", "i2"]
