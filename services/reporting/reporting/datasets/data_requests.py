"""Data requests: one dataset per agency, a row per request with its answer and whether
it came late, so the agency's record on requests is public. Never the requester."""

from typing import Any

from reporting.config import ReportingSettings
from reporting.data_requests import REQUESTS
from reporting.datasets.table import Column, Source, Table, register
from reporting.store import ReadModel
from sharik.store import STATE_ONLY

COLUMNS = (
    Column("request_id", "رقم الطلب", "Request id"),
    Column("what", "البيانات المطلوبة", "Data asked for"),
    Column("why", "الغرض", "Purpose"),
    Column("format", "الصيغة", "Format"),
    Column("requested_at", "تاريخ الطلب", "Requested at"),
    Column("due_at", "موعد الرد", "Due at"),
    Column("status", "الحالة", "Status"),
    Column("late", "متأخر", "Late"),
    Column("answered_at", "تاريخ الرد", "Answered at"),
    Column("dataset_id", "مجموعة البيانات المنشورة", "Dataset published"),
    Column("reason_ar", "سبب الرفض", "Reason for refusal (Arabic)"),
    Column("reason_en", "سبب الرفض بالإنجليزية", "Reason for refusal (English)"),
)


async def data_requests(read_model: ReadModel, settings: ReportingSettings) -> list[Table]:
    agencies: dict[str, list[dict[str, Any]]] = {}
    async for request in read_model[REQUESTS].find({}, STATE_ONLY).sort("_id", 1):
        agencies.setdefault(request["agency"], []).append(request)
    return [_table(agency, agencies[agency]) for agency in sorted(agencies)]


def _table(agency: str, requests: list[dict[str, Any]]) -> Table:
    times = [t for r in requests for t in (r["requested_at"], r.get("answered_at")) if t]
    return Table(
        dataset_id=f"data-requests-{agency}",
        publisher=agency,
        title={"ar": "طلبات البيانات والردود عليها", "en": "Data requests and their answers"},
        description={"ar": "طلبات المواطنين لبيانات غير منشورة، وردود الجهة عليها وهل جاءت في موعدها.",
                     "en": "Citizens' requests for unpublished data, the agency's answers and whether they came in time."},
        keywords=({"ar": "طلبات البيانات", "en": "data requests"}, {"ar": "الشفافية", "en": "transparency"}),
        theme="GOVE",
        columns=COLUMNS,
        rows=[_row(r) for r in requests],
        issued=min(times),
        modified=max(times),
        temporal=(min(times), max(times)),
    )


def _row(request: dict[str, Any]) -> dict[str, Any]:
    reason = request.get("reason") or {}
    return {
        "request_id": request["_id"], "what": request["what"], "why": request["why"], "format": request["format"],
        "requested_at": request["requested_at"].isoformat(), "due_at": request["due_at"].isoformat(),
        "status": request["status"], "late": request["late"],
        "answered_at": request["answered_at"].isoformat() if request.get("answered_at") else None,
        "dataset_id": request.get("dataset_id"), "reason_ar": reason.get("ar"), "reason_en": reason.get("en"),
    }


register(Source("data requests", data_requests))
