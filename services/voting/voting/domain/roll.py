"""An electoral roll as an agency uploads it: a CSV of `civil_number,wilayat` rows.

Civil numbers only pass through here; the service keeps their keyed pseudonyms."""

import csv
import io
import re
from dataclasses import dataclass

from sharik.errors import Invalid
from sharik.places import wilayat_named

HEADER = ("civil_number", "wilayat")
MAX_ROWS = 100_000
CIVIL_NUMBER = re.compile(r"^[0-9]{6,12}$")
MAX_WILAYAT = 100


@dataclass(frozen=True)
class Registration:
    line: int
    civil_number: str
    wilayat: str


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str
    """Why, never the civil number: the report may be shown and logged."""


def parse_roll(text: str) -> tuple[list[Registration], list[Rejected]]:
    """The valid rows of a roll CSV and the rejected ones by line; Invalid if the file is unusable."""
    rows = _rows(text.lstrip("\ufeff"))
    header = next(rows, (1, None))[1]
    if header is None or tuple(h.strip().lower() for h in header) != HEADER:
        raise Invalid("the roll must be CSV with the header row `civil_number,wilayat`", details=[{"line": 1}])
    accepted: list[Registration] = []
    rejected: list[Rejected] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(accepted) + len(rejected) >= MAX_ROWS:
            raise Invalid(f"a roll upload has at most {MAX_ROWS} rows; split it")
        reason = _problem(row, first_line)
        if reason:
            rejected.append(Rejected(line=line, reason=reason))
            continue
        civil_number, wilayat = row[0].strip(), " ".join(row[1].split())
        first_line[civil_number] = line
        accepted.append(Registration(line=line, civil_number=civil_number, wilayat=wilayat))
    return accepted, rejected


def _rows(text: str):
    """(line, cells) of each row; a line the csv module cannot read is Invalid naming it."""
    reader = csv.reader(io.StringIO(text))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line = reader.line_num
            raise Invalid(f"line {line} is not valid CSV: {error}", details=[{"line": line}]) from None
        yield reader.line_num, row


def check_civil_number(civil_number: str) -> str:
    """`civil_number` without surrounding spaces; Invalid unless it is 6 to 12 digits."""
    if not CIVIL_NUMBER.match(civil_number.strip()):
        raise Invalid("a civil number is 6 to 12 digits", details=[{"field": "civil_number"}])
    return civil_number.strip()


def _problem(row: list[str], first_line: dict[str, int]) -> str | None:
    if len(row) != 2:
        return f"expected 2 fields, found {len(row)}"
    civil_number, wilayat = row[0].strip(), " ".join(row[1].split())
    if not CIVIL_NUMBER.match(civil_number):
        return "civil_number must be 6 to 12 digits"
    if not wilayat or len(wilayat) > MAX_WILAYAT:
        return f"wilayat must be 1 to {MAX_WILAYAT} characters"
    if wilayat_named(wilayat) is None:
        return f"{wilayat!r} is not one of Oman's wilayats"
    if civil_number in first_line:
        return f"civil number repeated (first on line {first_line[civil_number]})"
    return None
