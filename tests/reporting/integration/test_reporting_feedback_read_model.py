"""The feedback projections on the real store, read through the views: every order and
repeat of a complaint's events gives the same document and figures, a rating counts
once at its latest revision, and the figures are what the events say."""

from datetime import UTC, datetime, timedelta
from itertools import permutations

import pytest
from pymongo import AsyncMongoClient

from reporting.projections import project
from reporting.store import ReadModel
from reporting.views import TransparencyViews
from sharik.events import CATALOG
from sharik.events.feedback import (
    ComplaintFiled,
    ComplaintRated,
    ComplaintStatusChanged,
    ServiceEvaluated,
    ServiceRated,
)
from tests.support.service import unique_database

pytestmark = pytest.mark.integration

FILED = datetime(2026, 11, 22, 8, tzinfo=UTC)
ESCALATED = CATALOG.get("om.sharik.feedback.ComplaintEscalated.v1")


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


def filed(complaint_id: str, category: str = "roads", governorate: str | None = "Muscat") -> ComplaintFiled:
    return ComplaintFiled(
        complaint_id=complaint_id, agency="mm", kind="complaint", category=category, governorate=governorate,
        filed_at=FILED,
    )


def lifecycle(complaint_id: str, *, acknowledged_after: int, resolved_after: int) -> list[ComplaintStatusChanged]:
    """routed → acknowledged → in_progress → resolved, hours after filing."""
    steps = [("routed", "submitted", 1), ("acknowledged", "routed", acknowledged_after),
             ("in_progress", "acknowledged", acknowledged_after), ("resolved", "in_progress", resolved_after)]
    return [
        ComplaintStatusChanged(
            complaint_id=complaint_id, agency="mm", status=new, previous_status=previous, sequence=sequence,
            changed_at=FILED + timedelta(hours=hours),
        )
        for sequence, (new, previous, hours) in enumerate(steps, start=1)
    ]


def rated(complaint_id: str, score: int) -> ComplaintRated:
    return ComplaintRated(
        complaint_id=complaint_id, agency="mm", category="roads", governorate="Muscat", score=score,
        rated_at=FILED + timedelta(days=3),
    )


async def test_every_order_and_repeat_of_a_complaint_gives_the_same_document_and_figures(read_model):
    events = [filed("k1"), *lifecycle("k1", acknowledged_after=2, resolved_after=30)[1:], rated("k1", 4)]
    views = TransparencyViews(read_model)
    await apply(read_model, *events)
    expected = await read_model["complaints"].find().to_list()
    assert expected[0]["status"] == "resolved"
    assert (expected[0]["acknowledged_at"], expected[0]["resolved_at"], expected[0]["rated_score"]) == (
        FILED + timedelta(hours=2), FILED + timedelta(hours=30), 4,
    )
    figures = (await views.timings(agency="mm"), await views.satisfaction(agency="mm"))
    for order in permutations(events):
        await read_model.drop()
        await apply(read_model, *order, *order)
        assert await read_model["complaints"].find().to_list() == expected, [type(e).__name__ for e in order]
        assert (await views.timings(agency="mm"), await views.satisfaction(agency="mm")) == figures


async def test_volumes_timings_and_handling_satisfaction(read_model):
    await apply(
        read_model,
        filed("k1"), *lifecycle("k1", acknowledged_after=2, resolved_after=10), rated("k1", 5),
        filed("k2"), *lifecycle("k2", acknowledged_after=4, resolved_after=50), rated("k2", 2),
        filed("k3", category="water", governorate=None), *lifecycle("k3", acknowledged_after=9, resolved_after=9)[:2],
        filed("k4", category="water", governorate="Dhofar"),
    )
    views = TransparencyViews(read_model)
    assert await views.volumes(agency="mm", by="category") == {
        "agency": "mm", "by": "category", "total": 4,
        "counts": [{"category": "roads", "count": 2}, {"category": "water", "count": 2}],
    }
    governorates = await views.volumes(agency=None, by="governorate")
    assert governorates["counts"] == [
        {"governorate": "Muscat", "count": 2}, {"governorate": "Dhofar", "count": 1}, {"governorate": None, "count": 1},
    ]
    assert (await views.volumes(agency=None, by="agency"))["counts"] == [{"agency": "mm", "count": 4}]
    assert await views.timings(agency="mm") == {
        "agency": "mm", "unit": "hours", "clock": "wall",
        "acknowledge": {"count": 3, "median_hours": 4.0},
        "resolve": {"count": 2, "median_hours": 30.0},
    }
    assert (await views.timings(agency="elsewhere"))["resolve"] == {"count": 0, "median_hours": None}
    satisfaction = await views.satisfaction(agency="mm")
    assert satisfaction["handling"] == {
        "count": 2, "average": 3.5, "distribution": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1},
    }


def rating(rating_id: str, revision: int, overall: int, **dimensions: int) -> ServiceRated:
    return ServiceRated(
        service_code="passport-renewal", agency="rop", rating_id=rating_id, revision=revision, channel="app",
        overall=overall, dimensions=dimensions, rated_at=FILED + timedelta(minutes=revision),
    )


def evaluation(evaluation_id: str, score: float) -> ServiceEvaluated:
    return ServiceEvaluated(
        evaluation_id=evaluation_id, service_code="passport-renewal", agency="rop", channel="service_centre",
        score=score, items_passed=7, items_total=8, visited_at=FILED, evaluated_at=FILED,
    )


async def test_a_service_rating_counts_once_at_its_latest_revision_whatever_the_order(read_model):
    # r1 revised from 1 to 5 (revision 2 arrives first, then the stale revision 1).
    await apply(
        read_model,
        rating("r1", 2, 5, ease=4, speed=5), rating("r1", 1, 1, ease=1), rating("r1", 2, 5, ease=4, speed=5),
        rating("r2", 1, 2, ease=2),
        evaluation("e1", 80.0), evaluation("e1", 80.0), evaluation("e2", 95.0),
    )
    [service] = (await TransparencyViews(read_model).satisfaction(agency="rop"))["services"]
    assert service == {
        "agency": "rop",
        "service_code": "passport-renewal",
        "ratings": {
            "count": 2,
            "average": 3.5,
            "dimensions": {"ease": {"count": 2, "average": 3.0}, "speed": {"count": 1, "average": 5.0}},
        },
        "evaluations": {"count": 2, "average_score": 87.5},
    }


@pytest.mark.skipif(ESCALATED is None, reason="ComplaintEscalated is not in the catalog")
async def test_sla_compliance_counts_reached_deadlines_without_escalation_as_met(read_model):
    def escalated(complaint_id: str, target: str, level: str):
        return ESCALATED(
            complaint_id=complaint_id, agency="mm", category="roads", target=target, level=level,
            breach_id=f"{complaint_id}:{target}:{level}", deadline=FILED, escalated_at=FILED,
        )

    await apply(
        read_model,
        # k1 met both deadlines; k2 was acknowledged late (two rungs) and resolved in
        # time; k3 escalated for both and is not resolved yet; k4 is not due yet.
        filed("k1"), *lifecycle("k1", acknowledged_after=2, resolved_after=10),
        escalated("k2", "acknowledge", "unit_head"), filed("k2"), escalated("k2", "acknowledge", "agency_admin"),
        *lifecycle("k2", acknowledged_after=40, resolved_after=50), escalated("k2", "acknowledge", "unit_head"),
        filed("k3"), escalated("k3", "acknowledge", "unit_head"), escalated("k3", "resolve", "unit_head"),
        filed("k4"),
    )
    assert await TransparencyViews(read_model).sla(agency="mm") == {
        "agency": "mm",
        "clock": "business",
        "acknowledge": {"met": 1, "missed": 2, "compliance_percent": 33.3},
        "resolve": {"met": 2, "missed": 1, "compliance_percent": 66.7},
    }
    [k2] = await read_model["complaints"].find({"_id": "k2"}).to_list()
    assert (k2["status"], k2["sequence"], k2["category"]) == ("resolved", 4, "roads")
