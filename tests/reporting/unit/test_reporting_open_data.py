"""The open-data result from ResultPublished: the read model keeps the whole result, and
its CSV is the voting service's table (sharik.open_data renders both)."""

import csv
import io
from datetime import UTC, datetime

from reporting.projections import project
from sharik.events import LocalizedText
from sharik.events.voting import (
    BudgetOutcome,
    BudgetProject,
    ConstituencyResult,
    GovernorateTurnout,
    OptionCount,
    ResultPublished,
    Turnout,
)
from sharik.open_data import RESULT_COLUMNS, csv_document, result_rows

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)
QUESTION = LocalizedText(ar="انتخابات المجلس البلدي", en="Municipal council election")
SALIM = LocalizedText(ar="سالم بن خالد", en="Salim bin Khalid")
MARYAM = LocalizedText(ar="مريم بنت علي", en="Maryam bint Ali")
PARK = LocalizedText(ar="حديقة الحي", en="Neighbourhood park")
ROAD = LocalizedText(ar="رصف الطريق", en="Pave the road")


def election() -> ResultPublished:
    counts = (
        OptionCount(option_id="c1", label=SALIM, votes=40, percent=40.0),
        OptionCount(option_id="c2", label=MARYAM, votes=60, percent=60.0),
    )
    return ResultPublished(
        ballot_id="b1",
        agency="mm",
        question=QUESTION,
        counts=counts,
        total_votes=100,
        outcome="winner",
        winners=("c1", "c2"),
        published_at=NOW,
        board_head="ab" * 32,
        rule="plurality",
        turnout=Turnout(
            eligible=400,
            voted=100,
            percent=25.0,
            by_governorate=(
                GovernorateTurnout(governorate="Dhofar", eligible=150, voted=60, percent=40.0),
                GovernorateTurnout(governorate="Muscat", voted=40),
            ),
        ),
        constituencies=(
            ConstituencyResult(wilayat="Bawshar", governorate="Muscat", seats=1, counts=counts[:1], total_votes=40,
                               outcome="winner", winners=("c1",)),
            ConstituencyResult(wilayat="Salalah", governorate="Dhofar", seats=1, counts=counts[1:], total_votes=60,
                               outcome="winner", winners=("c2",)),
        ),
    )


def budget() -> ResultPublished:
    return ResultPublished(
        ballot_id="b2",
        agency="mm",
        question=QUESTION,
        counts=(
            OptionCount(option_id="1", label=PARK, votes=5, percent=83.33),
            OptionCount(option_id="2", label=ROAD, votes=4, percent=66.67),
        ),
        total_votes=6,
        outcome="winner",
        winners=("1",),
        published_at=NOW,
        rule="mes-greedy",
        budget=BudgetOutcome(
            total_budget=1000,
            spent=600,
            selected=("1",),
            projects=(
                BudgetProject(project_id="1", label=PARK, cost=600, votes=5, selected=True),
                BudgetProject(project_id="2", label=ROAD, cost=700, votes=4, selected=False),
            ),
        ),
    )


def stored_result(event: ResultPublished) -> dict:
    [change] = project(event)
    return change.update["$set"]["result"]


def test_the_read_model_keeps_the_whole_result_for_the_open_data_files():
    result = stored_result(election())

    assert result["board_head"] == "ab" * 32
    assert result["rule"] == "plurality"
    assert result["turnout"]["by_governorate"][1] == {"governorate": "Muscat", "eligible": None, "voted": 40,
                                                       "percent": None}
    assert [c["wilayat"] for c in result["constituencies"]] == ["Bawshar", "Salalah"]
    assert result["constituencies"][0]["counts"][0]["label"] == {"ar": "سالم بن خالد", "en": "Salim bin Khalid"}
    assert stored_result(budget())["budget"]["projects"][1]["cost"] == 700


def test_the_csv_lists_candidates_per_wilayat_and_turnout_per_governorate_in_both_languages():
    document = csv_document(RESULT_COLUMNS, result_rows(stored_result(election())))
    data = document.encode()
    assert data.startswith(b"\xef\xbb\xbf")  # so spreadsheet software reads the Arabic as UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))

    assert list(rows[0]) == list(RESULT_COLUMNS)
    assert [(r["section"], r["constituency"], r["governorate"], r["option_id"], r["label_ar"], r["votes"]) for r in rows
            if r["section"] in ("option", "total")] == [
        ("total", "", "", "", "مجموع الأصوات الصحيحة", "100"),
        ("option", "Bawshar", "Muscat", "c1", "سالم بن خالد", "40"),
        ("total", "Bawshar", "Muscat", "", "مجموع الأصوات الصحيحة", "40"),
        ("option", "Salalah", "Dhofar", "c2", "مريم بنت علي", "60"),
        ("total", "Salalah", "Dhofar", "", "مجموع الأصوات الصحيحة", "60"),
    ]
    assert [(r["governorate"], r["votes"], r["eligible"], r["percent"]) for r in rows if r["section"] == "turnout"] == [
        ("", "100", "400", "25.0"),
        ("Dhofar", "60", "150", "40.0"),
        ("Muscat", "40", "", ""),
    ]
    assert (rows[-1]["section"], rows[-1]["option_id"], rows[-1]["label_en"]) == ("rule", "plurality", "Counting rule")


def test_the_table_of_a_budget_lists_costs_the_selected_projects_and_the_money():
    result = stored_result(budget())
    rows = result_rows(result)

    assert [(r["section"], r.get("option_id"), r.get("cost"), r.get("status")) for r in rows] == [
        ("option", "1", 600, "selected"),
        ("option", "2", 700, ""),
        ("total", None, None, "winner"),
        ("budget", None, 1000, None),
        ("budget", None, 600, None),
        ("rule", "mes-greedy", None, None),
    ]
    # The event carries no write-ins (free text), so the read model's table has no write_in rows.
    assert "write_ins" not in result
