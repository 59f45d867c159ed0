"""Open data: a closed ballot's bulletin board as CSV rows (docs/services/voting.md, "Open
data"); the result table is the one shared with the reporting service (sharik.open_data)."""

import json
from collections.abc import Mapping
from typing import Any

from sharik.open_data import Row

BOARD_COLUMNS = ("position", "prev_hash", "receipt", "choice", "hash")


def board_row(entry: Mapping[str, Any]) -> Row:
    """One board entry as a CSV row; the choice is the JSON array that was hashed."""
    choice = entry.get("choice")
    return {
        "position": entry["position"],
        "prev_hash": entry["prev_hash"],
        "receipt": entry.get("receipt") or "",
        # Compact JSON, as in the entry's canonical form: the row's fields give back the
        # entry exactly, so its hash can be checked from the CSV alone.
        "choice": "" if choice is None else json.dumps(list(choice), ensure_ascii=False, separators=(",", ":")),
        "hash": entry["hash"],
    }
