"""The open-data CSV files: one result table for every kind of ballot, labels in both
languages, and board rows that give back the hashed entries exactly."""

import csv
import io
import json

from sharik.open_data import RESULT_COLUMNS, csv_document, result_rows
from sharik_verify.board import entry, extend
from sharik_verify.tally import WRITE_IN
from voting.open_data import BOARD_COLUMNS, board_row

MARKET = {"ar": "إعادة بناء السوق", "en": "Rebuild the market"}
RENOVATE = {"ar": "ترميم السوق، مع \"الساحة\"", "en": 'Renovate, with the "square"'}


def parsed(document: str) -> list[dict[str, str]]:
    """The file as spreadsheet software reads it: bytes, UTF-8 with a BOM, then CSV."""
    data = document.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def cells(rows: list[dict[str, str]], *columns: str) -> list[tuple[str, ...]]:
    return [tuple(row[c] for c in columns) for row in rows]


def single_choice(**fields) -> dict:
    return {
        "counts": [
            {"option_id": "rebuild", "label": MARKET, "votes": 3, "percent": 50.0},
            {"option_id": "renovate", "label": RENOVATE, "votes": 2, "percent": 33.3},
        ],
        "total_votes": 6,
        "outcome": "winner",
        "winners": ["rebuild"],
        "tied": [],
        "write_ins": [{"key": "سوق جديد", "label": "سوقٌ جديد", "votes": 1, "percent": 16.7}],
        "rule": "plurality",
        **fields,
    }


def test_the_result_table_keeps_its_header_and_both_languages_through_a_file():
    rows = parsed(csv_document(RESULT_COLUMNS, result_rows(single_choice())))

    assert list(rows[0]) == list(RESULT_COLUMNS)
    assert cells(rows, "section", "option_id", "label_ar", "label_en", "votes", "percent", "status") == [
        ("option", "rebuild", "إعادة بناء السوق", "Rebuild the market", "3", "50.0", "winner"),
        ("option", "renovate", "ترميم السوق، مع \"الساحة\"", 'Renovate, with the "square"', "2", "33.3", ""),
        ("write_in", "سوق جديد", "سوقٌ جديد", "سوقٌ جديد", "1", "16.7", ""),
        ("total", "", "مجموع الأصوات الصحيحة", "Valid votes", "6", "", "winner"),
        ("rule", "plurality", "قاعدة الاحتساب", "Counting rule", "", "", ""),
    ]
    assert {row["constituency"] for row in rows} == {""}


def test_a_tie_marks_the_tied_options_and_an_approval_tie_keeps_its_sure_winners():
    tie = single_choice(outcome="tie", winners=["rebuild", "renovate"], write_ins=[])
    assert [r["status"] for r in result_rows(tie) if r["section"] == "option"] == ["tied", "tied"]

    approval = single_choice(outcome="tie", winners=["rebuild"], tied=["renovate"], write_ins=[])
    assert [r["status"] for r in result_rows(approval) if r["section"] == "option"] == ["winner", "tied"]

    nobody = single_choice(outcome="no_votes", winners=[], write_ins=[])
    assert [r.get("status") for r in result_rows(nobody)] == ["", "", "no_votes", None]


def test_a_constituency_election_lists_candidates_per_wilayat_then_turnout_per_governorate():
    candidate = {"ar": "سالم بن خالد", "en": "Salim bin Khalid"}
    other = {"ar": "مريم بنت علي", "en": "Maryam bint Ali"}
    result = {
        # `counts` repeats every candidate; the table lists them under their wilayat only.
        "counts": [
            {"option_id": "c1", "label": candidate, "votes": 40, "percent": 40.0},
            {"option_id": "c2", "label": other, "votes": 60, "percent": 60.0},
        ],
        "total_votes": 100,
        "outcome": "winner",
        "winners": ["c1", "c2"],
        "constituencies": [
            {"wilayat": "Bawshar", "governorate": "Muscat", "seats": 1, "total_votes": 40, "outcome": "winner",
             "winners": ["c1"], "tied": [], "counts": [{"option_id": "c1", "label": candidate, "votes": 40,
                                                         "percent": 100.0}]},
            {"wilayat": "Salalah", "governorate": "Dhofar", "seats": 1, "total_votes": 60, "outcome": "winner",
             "winners": ["c2"], "tied": [], "counts": [{"option_id": "c2", "label": other, "votes": 60,
                                                         "percent": 100.0}]},
        ],
        "turnout": {
            "eligible": 400,
            "voted": 100,
            "percent": 25.0,
            "by_governorate": [
                {"governorate": "Dhofar", "eligible": 150, "voted": 60, "percent": 40.0},
                {"governorate": "Muscat", "eligible": None, "voted": 40, "percent": None},
            ],
        },
        "rule": "plurality",
    }
    rows = parsed(csv_document(RESULT_COLUMNS, result_rows(result)))

    columns = ("section", "constituency", "governorate", "option_id", "label_ar", "votes", "eligible", "percent")
    assert cells(rows, *columns, "status") == [
        ("total", "", "", "", "مجموع الأصوات الصحيحة", "100", "", "", "winner"),
        ("option", "Bawshar", "Muscat", "c1", "سالم بن خالد", "40", "", "100.0", "winner"),
        ("total", "Bawshar", "Muscat", "", "مجموع الأصوات الصحيحة", "40", "", "", "winner"),
        ("option", "Salalah", "Dhofar", "c2", "مريم بنت علي", "60", "", "100.0", "winner"),
        ("total", "Salalah", "Dhofar", "", "مجموع الأصوات الصحيحة", "60", "", "", "winner"),
        ("turnout", "", "", "", "نسبة المشاركة", "100", "400", "25.0", ""),
        ("turnout", "", "Dhofar", "", "نسبة المشاركة", "60", "150", "40.0", ""),
        ("turnout", "", "Muscat", "", "نسبة المشاركة", "40", "", "", ""),
        ("rule", "", "", "plurality", "قاعدة الاحتساب", "", "", "", ""),
    ]


def test_a_budget_lists_costs_the_selected_projects_the_money_and_the_rule():
    park = {"ar": "حديقة الحي", "en": "Neighbourhood park"}
    road = {"ar": "رصف الطريق", "en": "Pave the road"}
    result = {
        "counts": [
            {"option_id": "1", "label": park, "votes": 5, "percent": 83.3},
            {"option_id": "2", "label": road, "votes": 4, "percent": 66.7},
        ],
        "total_votes": 6,
        "outcome": "winner",
        "winners": ["1"],
        "budget": {
            "total_budget": 1000,
            "spent": 600,
            "selected": ["1"],
            "projects": [
                {"project_id": "1", "label": park, "cost": 600, "votes": 5, "selected": True},
                {"project_id": "2", "label": road, "cost": 700, "votes": 4, "selected": False},
            ],
        },
        "rule": "mes-greedy",
    }
    rows = parsed(csv_document(RESULT_COLUMNS, result_rows(result)))

    assert cells(rows, "section", "option_id", "label_en", "votes", "cost", "status") == [
        ("option", "1", "Neighbourhood park", "5", "600", "selected"),
        ("option", "2", "Pave the road", "4", "700", ""),
        ("total", "", "Valid votes", "6", "", "winner"),
        ("budget", "", "Total budget", "", "1000", ""),
        ("budget", "", "Spent on the selected projects", "", "600", ""),
        ("rule", "mes-greedy", "Counting rule", "", "", ""),
    ]
    assert rows[3]["label_ar"] == "الميزانية المتاحة"


def test_a_board_row_gives_back_the_entry_it_was_made_from_so_its_hash_checks():
    typed = 'سوق "جديد", قرب البحر\nرجاءً'
    chained = extend("b1", "votes", None, [("R1", ["rebuild"]), ("R2", [WRITE_IN, typed]), ("R3", ["a", "b"])])
    rows = parsed(csv_document(BOARD_COLUMNS, map(board_row, chained)))

    assert list(rows[0]) == list(BOARD_COLUMNS)
    assert [row["choice"] for row in rows] == ['["rebuild"]', f'["{WRITE_IN}","سوق \\"جديد\\", قرب البحر\\nرجاءً"]',
                                               '["a","b"]']
    for row, original in zip(rows, chained, strict=True):
        rebuilt = entry(position=int(row["position"]), prev_hash=row["prev_hash"], receipt=row["receipt"],
                        choice=json.loads(row["choice"]))
        assert rebuilt == original


def test_a_binding_ballots_lists_leave_the_missing_half_empty():
    receipts = extend("b1", "receipts", None, [("R1", None)])
    contents = extend("b1", "contents", None, [(None, ["rebuild"])])
    assert board_row(receipts[0])["choice"] == "" and board_row(receipts[0])["receipt"] == "R1"
    assert board_row(contents[0])["receipt"] == "" and board_row(contents[0])["choice"] == '["rebuild"]'
