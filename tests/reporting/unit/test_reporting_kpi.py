"""The KPI table's arithmetic: half-years, percentages and gaps."""

import pytest

from reporting.kpi import Actuals, gap, half_year, kpi_rows, percent
from sharik.errors import Invalid


def test_half_years():
    first, second = half_year("2026-H1"), half_year("2026-H2")
    assert (first[0].month, first[1].month, second[0].month, second[1].year) == (1, 7, 7, 2027)
    for bad in ("2026-H3", "2026H1", "26-H1", "2026-h1"):
        with pytest.raises(Invalid):
            half_year(bad)


def test_gap_is_the_shortfall_and_never_negative():
    assert gap(5, 3) == 2
    assert gap(90, 100) == 0
    assert gap(100, None) is None and gap(None, 3) is None
    assert percent(2, 3) == 66.7 and percent(0, 0) is None


def test_the_seed_table():
    """Seed 002: 5 sessions targeted, 3 run; 90% of decisions targeted, all done;
    all results published after analysis."""
    actuals = Actuals(sessions_run=3, decisions=4, decisions_done=4, analysed=2, analysed_reported=2)
    targets = {"sessions_run": 5, "decisions_implemented_pct": 90, "results_published_pct": 100}
    rows = {row["indicator"]: row for row in kpi_rows(targets, actuals)}
    assert (rows["sessions_run"]["actual"], rows["sessions_run"]["gap"]) == (3, 2)
    assert (rows["decisions_implemented_pct"]["actual"], rows["decisions_implemented_pct"]["gap"]) == (100.0, 0)
    assert (rows["results_published_pct"]["actual"], rows["results_published_pct"]["gap"]) == (100.0, 0)
    assert rows["sessions_run"]["label"]["ar"]


def test_without_targets_the_actuals_still_show():
    rows = kpi_rows(None, Actuals(sessions_run=1, decisions=0, decisions_done=0, analysed=1, analysed_reported=0))
    assert [(r["target"], r["actual"], r["gap"]) for r in rows] == [(None, 1, None), (None, None, None), (None, 0.0, None)]
