"""Open data: a published ballot result as one CSV table (docs/services/voting.md, "Open
data"), rendered by the voting service from its closed ballot and by the reporting service
from ResultPublished, so both files are the same table.

The result is one table whose `section` column says what a row is (an option, a write-in,
a total, turnout, the budget, the counting rule) and whose `constituency` column scopes
it, so one file holds every kind of ballot and a spreadsheet can filter it. Rows that
name something carry its Arabic and English labels."""

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

# Spreadsheet software (Excel in particular) reads a CSV without a byte order mark in the
# system's legacy code page, which turns Arabic into mojibake; the BOM makes it read UTF-8.
BOM = "\ufeff"

RESULT_COLUMNS = (
    "section",
    "constituency",
    "governorate",
    "option_id",
    "label_ar",
    "label_en",
    "votes",
    "percent",
    "eligible",
    "cost",
    "status",
)

TOTAL = {"ar": "مجموع الأصوات الصحيحة", "en": "Valid votes"}
TURNOUT = {"ar": "نسبة المشاركة", "en": "Turnout"}
BUDGET = {"ar": "الميزانية المتاحة", "en": "Total budget"}
SPENT = {"ar": "المبلغ المخصص للمشاريع المختارة", "en": "Spent on the selected projects"}
RULE = {"ar": "قاعدة الاحتساب", "en": "Counting rule"}

Row = dict[str, Any]


def result_rows(result: Mapping[str, Any]) -> list[Row]:
    """The rows of a published result (its JSON form), in reading order."""
    rows: list[Row] = []
    budget = result.get("budget") or {}
    costs = {p["project_id"]: p["cost"] for p in budget.get("projects") or ()}
    selected = set(budget.get("selected") or ())
    constituencies = result.get("constituencies") or ()
    # A constituency ballot's `counts` repeat every candidate: listed under their constituency only.
    if not constituencies:
        rows += _options(result, costs=costs, selected=selected)
        # A write-in's label is the text voters typed, in whichever language they typed it.
        rows += [
            _row("write_in", option_id=w["key"], label={"ar": w["label"], "en": w["label"]}, votes=w["votes"],
                 percent=w["percent"])
            for w in result.get("write_ins") or ()
        ]
    rows.append(_row("total", label=TOTAL, votes=result["total_votes"], status=result["outcome"]))
    for area in constituencies:
        where = {"constituency": area["wilayat"], "governorate": area.get("governorate")}
        rows += _options(area, costs={}, selected=set(), **where)
        rows.append(_row("total", label=TOTAL, votes=area["total_votes"], status=area["outcome"], **where))
    if turnout := result.get("turnout"):
        rows.append(_turnout(turnout))
        rows += [_turnout(t, governorate=t["governorate"]) for t in turnout.get("by_governorate") or ()]
    if budget:
        rows.append(_row("budget", label=BUDGET, cost=budget["total_budget"]))
        rows.append(_row("budget", label=SPENT, cost=budget["spent"]))
    if rule := result.get("rule"):
        rows.append(_row("rule", option_id=rule, label=RULE))
    return rows


def csv_lines(columns: Sequence[str], rows: Iterable[Row]) -> Iterator[str]:
    """CSV text (RFC 4180 line ends), one string per row; missing or None cells are empty."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="")
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_header(columns: Sequence[str]) -> str:
    """The start of a CSV file: byte order mark and header line."""
    return BOM + "".join(csv_lines(columns, [{c: c for c in columns}]))


def csv_document(columns: Sequence[str], rows: Iterable[Row]) -> str:
    """A whole CSV file: byte order mark, header, rows."""
    return csv_header(columns) + "".join(csv_lines(columns, rows))


def _options(
    tally: Mapping[str, Any], *, costs: Mapping[str, Any], selected: set[str], **where: Any
) -> list[Row]:
    return [
        _row(
            "option",
            option_id=c["option_id"],
            label=c.get("label"),
            votes=c["votes"],
            percent=c["percent"],
            cost=costs.get(c["option_id"]),
            status=_status(c["option_id"], tally, selected),
            **where,
        )
        for c in tally["counts"]
    ]


def _status(option_id: str, tally: Mapping[str, Any], selected: set[str]) -> str:
    tied, winners = tally.get("tied") or (), tally.get("winners") or ()
    if option_id in selected:
        return "selected"
    if option_id in tied:
        return "tied"
    if option_id in winners:
        # A tie with no sure winners (single choice, ranked) lists the tied options as winners.
        return "tied" if tally.get("outcome") == "tie" and not tied else "winner"
    return ""


def _turnout(turnout: Mapping[str, Any], governorate: str | None = None) -> Row:
    return _row(
        "turnout",
        governorate=governorate,
        label=TURNOUT,
        votes=turnout["voted"],
        eligible=turnout.get("eligible"),
        percent=turnout.get("percent"),
    )


def _row(section: str, *, label: Mapping[str, str] | None = None, **cells: Any) -> Row:
    named = {"label_ar": label["ar"], "label_en": label["en"]} if label else {}
    return {"section": section, **named, **cells}
