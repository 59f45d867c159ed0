"""A dataset's files: CSV (UTF-8 with a byte order mark, one header row of Arabic and
English names) and JSON (the same rows under their field names), after small-cell
suppression. Both are rendered from the same suppressed rows, so they always agree."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from reporting.datasets.table import Column, Table
from sharik.open_data import BOM, csv_lines

SUPPRESSED = Column("suppressed", "حجبت خلايا صغيرة", "Small cells withheld")


@dataclass(frozen=True)
class Rendered:
    csv: bytes
    json: bytes

    def digest(self, media: str) -> str:
        return hashlib.sha256(getattr(self, media)).hexdigest()


def suppressed(table: Table, k: int) -> tuple[tuple[Column, ...], list[dict[str, Any]]]:
    """The table's columns and rows with every people count from 1 to k-1 withheld
    (null), with the measures computed over it; a `suppressed` column tells which rows
    lost a cell. Zero is kept: it singles no one out."""
    people = [c.name for c in table.columns if c.people]
    if not people:
        return table.columns, table.rows
    rows = []
    for row in table.rows:
        small = {name for name in people if row.get(name) and 0 < row[name] < k}
        hidden = small | {c.name for c in table.columns if c.per in small}
        rows.append({**{n: (None if n in hidden else v) for n, v in row.items()}, SUPPRESSED.name: bool(small)})
    return (*table.columns, SUPPRESSED), rows


def render(table: Table, k: int) -> Rendered:
    columns, rows = suppressed(table, k)
    names = [c.name for c in columns]
    header = {c.name: f"{c.ar} / {c.en}" for c in columns}
    cells = [{n: _cell(row.get(n)) for n in names} for row in rows]
    csv_text = BOM + "".join(csv_lines(names, [header, *cells]))
    document = {
        "dataset_id": table.dataset_id,
        "columns": [{"name": c.name, "ar": c.ar, "en": c.en} for c in columns],
        "rows": [{n: row.get(n) for n in names} for row in rows],
    }
    return Rendered(
        csv=csv_text.encode("utf-8"),
        json=json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8"),
    )


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return value
