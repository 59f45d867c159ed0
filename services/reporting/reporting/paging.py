"""Cursor paging of a list sorted newest first on a time field, then by id: the cursor
names the last item of a page, so a page never repeats or skips an item when newer ones
arrive meanwhile (unlike an offset). Items without the time sort last."""

import base64
import json
from datetime import datetime
from typing import Any

from sharik.errors import Invalid


def cursor_of(document: dict[str, Any], field: str) -> str:
    value = document.get(field)
    key = [value.isoformat() if value else None, document["_id"]]
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def after(cursor: str | None, field: str) -> dict[str, Any]:
    """The query for the items after the cursor's, in (field descending, _id) order."""
    if cursor is None:
        return {}
    try:
        value, last_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        moment = datetime.fromisoformat(value) if value else None
    except (ValueError, TypeError) as error:
        raise Invalid(f"cursor {cursor!r} is not one this API gave", details=[{"field": "cursor"}]) from error
    if moment is None:
        return {field: None, "_id": {"$gt": last_id}}
    return {"$or": [{field: {"$lt": moment}}, {field: moment, "_id": {"$gt": last_id}}, {field: None}]}
