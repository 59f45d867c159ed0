"""Our complaints and catalogue as GeoReport v2 records (plain dicts for the renderers)."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Literal

from feedback.domain.complaint import Complaint
from feedback.domain.routing import Category
from feedback.domain.text import Text
from feedback.domain.tracking import grouped

Locale = Literal["ar", "en"]
Open311Status = Literal["open", "closed"]

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
PUBLIC_DECIMALS = 3
"""Coordinates shown to anyone are rounded to about 110 m: the street, not the door."""
# Oman keeps no daylight saving, so Asia/Muscat is always +04:00.
MUSCAT = timezone(timedelta(hours=4), "Asia/Muscat")

OPEN311_STATUS: dict[str, Open311Status] = {
    "submitted": "open",
    "routed": "open",
    "acknowledged": "open",
    "in_progress": "open",
    "waiting_for_citizen": "open",
    "resolved": "closed",
    "rejected": "closed",
    "closed": "closed",
}


def iso(moment: datetime) -> str:
    """A W3C/ISO 8601 datetime in Muscat time with its offset, e.g. 2026-11-22T10:00:00+04:00."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(MUSCAT).isoformat(timespec="seconds")


def text_in(text: Text, locale: Locale) -> str:
    return text.en if locale == "en" else text.ar


def service_record(category: Category, locale: Locale) -> dict[str, Any]:
    """One entry of GET services: an agency's category; the group is the agency."""
    name = text_in(category.name, locale)
    return {
        "service_code": category.category,
        "service_name": name,
        "description": name,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": category.agency,
    }


def service_definition(category: Category) -> dict[str, Any]:
    """GET services/{code}: no extra attributes are asked for."""
    return {"service_code": category.category, "attributes": []}


def status_notes(complaint: Complaint, locale: Locale) -> str | None:
    """The agency's latest public reply, in the asked language when it wrote one."""
    for change in reversed(complaint.history):
        if change.reply is not None:
            first, second = (change.reply.en, change.reply.ar) if locale == "en" else (change.reply.ar, change.reply.en)
            return first or second
    return None


def request_record(complaint: Complaint, locale: Locale, names: dict[str, Text]) -> dict[str, Any]:
    """One service request, whole, for its reporter or handlers; fields we do not keep
    (address, media) are present and empty. `names` names the categories by slug."""
    name = names.get(complaint.category)
    return {
        "service_request_id": complaint.complaint_id,
        "status": OPEN311_STATUS[complaint.status],
        "status_notes": status_notes(complaint, locale),
        "service_name": text_in(name, locale) if name else complaint.category,
        "service_code": complaint.category,
        "description": complaint.description,
        "agency_responsible": complaint.agency,
        "service_notice": None,
        "requested_datetime": iso(complaint.filed_at),
        "updated_datetime": iso(complaint.updated_at),
        "expected_datetime": None,
        "address": None,
        "address_id": None,
        "zipcode": None,
        "lat": complaint.latitude,
        "long": complaint.longitude,
        "media_url": None,
    }


def public_record(complaint: Complaint, locale: Locale, names: dict[str, Text]) -> dict[str, Any]:
    """A request as anyone sees it: the citizen's free text may name people, so no
    description; the place rounded. The agency's public reply stays (it is public)."""
    record = request_record(complaint, locale, names)
    rounded = {k: None if record[k] is None else round(record[k], PUBLIC_DECIMALS) for k in ("lat", "long")}
    return {**record, "description": None, **rounded}


def created_record(complaint: Complaint) -> dict[str, Any]:
    """POST requests' answer; the notice carries the tracking code for the reporter."""
    code = grouped(complaint.tracking_code)
    return {
        "service_request_id": complaint.complaint_id,
        "service_notice": f"رمز المتابعة / Tracking code: {code}",
        "account_id": None,
    }


def discovery(base_url: str, changeset: datetime) -> dict[str, Any]:
    """GET discovery: this one production endpoint and its formats."""
    return {
        "changeset": iso(changeset),
        "contact": "Sharik feedback service",
        "key_service": "Bearer tokens from the national identity provider; no API keys.",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url,
                "changeset": iso(changeset),
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
