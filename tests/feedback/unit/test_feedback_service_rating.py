"""The services catalogue entry, a citizen's rating of a service, and the summary."""

from datetime import UTC, datetime, timedelta

import pytest

from feedback.domain.rating import DimensionTotal, RatingSummary, Scores, ServiceRating
from feedback.domain.service import Service
from feedback.domain.text import Text
from sharik.errors import Invalid

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)
NAME = Text(ar="تجديد رخصة القيادة", en="Driving licence renewal")


def service(**overrides) -> Service:
    fields = dict(service_code="licence-renewal", agency="rop", name=NAME, channels=("web", "service_centre"), now=NOW)
    return Service.register(**{**fields, **overrides})


def test_a_service_is_rated_on_ease_speed_and_staff_unless_told_otherwise():
    assert service().dimensions == ("ease", "speed", "staff")
    assert service(dimensions=("clarity",)).dimensions == ("clarity",)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"service_code": "Licence Renewal"}, "service_code"),
        ({"name": Text(ar="", en="Renewal")}, "name"),
        ({"channels": ()}, "channels"),
        ({"channels": ("web", "web")}, "channels"),
        ({"dimensions": ()}, "dimensions"),
        ({"dimensions": ("ease", "ease")}, "dimensions"),
        ({"dimensions": ("Ease!",)}, "dimensions"),
    ],
)
def test_a_bad_catalogue_entry_names_the_field(overrides, field):
    with pytest.raises(Invalid) as error:
        service(**overrides)
    assert error.value.details == [{"field": field}]


def test_a_first_rating_keeps_what_was_given_as_revision_1():
    rating = ServiceRating.first(
        service(),
        rating_id="r-1",
        scores=Scores(channel="web", overall=4, dimensions={"ease": 5}, comment=" سهل "),
        now=NOW,
    )
    assert (rating.service_code, rating.agency, rating.channel, rating.overall) == ("licence-renewal", "rop", "web", 4)
    assert rating.dimensions == {"ease": 5}
    assert rating.comment == "سهل"
    assert rating.revision == 1


def test_a_revision_replaces_the_scores_and_counts_up():
    first = ServiceRating.first(
        service(), rating_id="r-1", scores=Scores(channel="web", overall=2, dimensions={"ease": 1, "staff": 2}), now=NOW
    )
    later = NOW + timedelta(days=3)
    scores = Scores(channel="service_centre", overall=5, dimensions={"speed": 4})
    revised = first.revise(service(), scores=scores, now=later)
    assert (revised.overall, revised.channel, revised.dimensions) == (5, "service_centre", {"speed": 4})
    assert revised.revision == 2
    assert (revised.first_rated_at, revised.rated_at) == (NOW, later)


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        (Scores(channel="web", overall=0, dimensions={}), "overall"),
        (Scores(channel="web", overall=6, dimensions={}), "overall"),
        (Scores(channel="web", overall=3, dimensions={"speed": 9}), "dimensions.speed"),
        (Scores(channel="web", overall=3, dimensions={"parking": 3}), "dimensions.parking"),
        (Scores(channel="app", overall=3, dimensions={}), "channel"),
        (Scores(channel="web", overall=3, dimensions={}, comment="x" * 1001), "comment"),
    ],
)
def test_a_bad_rating_names_the_field(scores, field):
    with pytest.raises(Invalid) as error:
        ServiceRating.first(service(), rating_id="r-1", scores=scores, now=NOW)
    assert error.value.details == [{"field": field}]


def test_the_summary_averages_from_sums_and_counts():
    summary = RatingSummary.of(
        service(),
        overall_counts={5: 2, 4: 1, 1: 1},
        dimensions={"ease": DimensionTotal(total=9, count=2), "staff": DimensionTotal(total=4, count=3)},
    )
    assert summary.count == 4
    assert summary.overall_average == 3.75
    assert summary.distribution == {1: 1, 2: 0, 3: 0, 4: 1, 5: 2}
    assert summary.dimension_averages == {"ease": 4.5, "speed": None, "staff": 1.33}
    assert summary.dimension_counts == {"ease": 2, "speed": 0, "staff": 3}


def test_an_unrated_service_has_no_averages():
    summary = RatingSummary.of(service(), overall_counts={}, dimensions={})
    assert summary.count == 0
    assert summary.overall_average is None
    assert set(summary.dimension_averages.values()) == {None}
