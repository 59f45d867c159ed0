"""GeoReport v2 routes under /open311/v2, each in .json and .xml, over the complaint handlers."""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from feedback.category_handlers import CategoryHandlers
from feedback.domain.complaint import Complaint
from feedback.handlers import ComplaintHandlers, FileComplaint
from feedback.domain.text import Text
from feedback.open311.mapping import (
    MUSCAT,
    OPEN311_STATUS,
    Locale,
    created_record,
    discovery,
    public_record,
    request_record,
    service_definition,
    service_record,
)
from feedback.open311.render import FORMATS, Format, Open311Error, document, error
from sharik.auth import Principal
from sharik.errors import DomainError, Forbidden, NotFound
from sharik.http import current_user, optional_user

PREFIX = "/open311/v2"
# Errors are GeoReport v2 error documents, not the platform's error shape.
GEOREPORT_ERROR = {
    "description": "GeoReport v2 error document, in the format asked for",
    "content": {
        "application/json": {
            "schema": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
                },
            }
        },
        "application/xml": {"schema": {"type": "string"}},
    },
}
router = APIRouter(
    prefix=PREFIX, tags=["open311"], responses={status: GEOREPORT_ERROR for status in (400, 401, 403, 404)}
)

# When the façade last changed.
CHANGESET = datetime(2026, 11, 22, tzinfo=MUSCAT)
# The spec's defaults for GET requests: the last 90 days, at most 1000 requests.
DEFAULT_WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
MAX_SERVICES = 500
_AGENCY = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
# Nobody's contact details are kept: Open311's email, names, phone, device and
# account fields are read past, never stored (docs/services/feedback-open311.md).


def _handlers(request: Request) -> ComplaintHandlers:
    return request.app.state.complaints


Handlers = Annotated[ComplaintHandlers, Depends(_handlers)]


def _categories(request: Request) -> CategoryHandlers:
    return request.app.state.categories


Categories = Annotated[CategoryHandlers, Depends(_categories)]


async def _answer(fmt: str, build: Callable[[Format], Awaitable[Response]]) -> Response:
    """Run `build` in the asked format, with every failure as a GeoReport error document."""
    if fmt not in FORMATS:
        return error("json", Open311Error(400, f"format {fmt!r} is not supported; use json or xml"))
    try:
        return await build(fmt)
    except Open311Error as failure:
        return error(fmt, failure)
    except DomainError as failure:
        # The spec knows 400 for a bad request; our 422 and 409 are that here.
        status = failure.status if failure.status in (401, 403, 404) else 400
        return error(fmt, Open311Error(status, failure.message))


def _locale(request: Request) -> Locale:
    return "en" if request.query_params.get("locale", "").lower().startswith("en") else "ar"


@router.get("/discovery.{fmt}")
async def get_discovery(fmt: str, request: Request) -> Response:
    """Where this endpoint is, which version and formats it speaks."""

    async def build(f: Format) -> Response:
        base = str(request.base_url).rstrip("/") + PREFIX
        return document(f, discovery(base, CHANGESET), root="discovery")

    return await _answer(fmt, build)


@router.get("/services.{fmt}")
async def get_services(fmt: str, request: Request, categories: Categories) -> Response:
    """The agencies' categories that take filings (or `jurisdiction_id`'s), named in
    `locale` (ar by default, or en)."""
    locale = _locale(request)
    agency = request.query_params.get("jurisdiction_id") or None

    async def build(f: Format) -> Response:
        offered = await categories.listed(agency=agency, retired=False, limit=MAX_SERVICES)
        records = [service_record(category, locale) for category in offered]
        return document(f, records, root="services", item="service")

    return await _answer(fmt, build)


@router.get("/services/{service_code}.{fmt}")
async def get_service_definition(service_code: str, fmt: str, categories: Categories) -> Response:
    """A service's definition; none asks for extra attributes."""

    async def build(f: Format) -> Response:
        offered = await categories.offered(service_code)
        if not offered:
            raise Open311Error(404, f"no service {service_code}")
        return document(f, service_definition(offered[0]), root="service_definition")

    return await _answer(fmt, build)


@router.post("/requests.{fmt}")
async def post_request(fmt: str, request: Request, handlers: Handlers, categories: Categories) -> Response:
    """A citizen (bearer token) files a request to the agency `jurisdiction_id` names."""

    async def build(f: Format) -> Response:
        user = await current_user(request)
        fields = {**request.query_params, **dict(parse_qsl((await request.body()).decode("utf-8", "replace")))}
        agency = _required(fields, "jurisdiction_id")
        if not _AGENCY.fullmatch(agency):
            raise Open311Error(400, f"jurisdiction_id {agency!r} names no agency")
        service_code = _required(fields, "service_code")
        if not await categories.offered(service_code):
            raise Open311Error(400, f"service_code {service_code!r} is not in the service list")
        latitude, longitude = _location(fields)
        description = _required(fields, "description")
        command = FileComplaint(
            kind="complaint",
            agency=agency,
            category=service_code,
            description=description,
            channel="app",
            language="en" if fields.get("locale", "").lower().startswith("en") else "ar",
            latitude=latitude,
            longitude=longitude,
        )
        complaint = await handlers.file(command, by=user)
        return document(f, [created_record(complaint)], root="service_requests", item="request", status=201)

    return await _answer(fmt, build)


@router.get("/requests.{fmt}")
async def get_requests(fmt: str, request: Request, handlers: Handlers, categories: Categories) -> Response:
    """Public as the spec says: without a token, every agency's requests anyone may see
    (no anonymous or confidential case, no description, the place rounded). With one, a
    citizen's own requests or their agency's for staff, whole. Filtered as the spec says."""
    params = request.query_params
    locale = _locale(request)

    async def build(f: Format) -> Response:
        user = await optional_user(request)
        names = await _names(categories)
        if user is None:
            if params.get("service_request_id"):
                found = await _public_ones(handlers, _listed(params["service_request_id"]))
            else:
                found = await handlers.public(**RequestFilter.of(params).store_filters(), limit=MAX_REQUESTS)
            records = [public_record(c, locale, names) for c in found]
        else:
            if params.get("service_request_id"):
                found = await _visible(handlers, _listed(params["service_request_id"]), user)
            else:
                matches = RequestFilter.of(params).matches
                found = [c for c in await _reachable(handlers, user) if matches(c)]
            records = [request_record(c, locale, names) for c in found[:MAX_REQUESTS]]
        return document(f, records, root="service_requests", item="request")

    return await _answer(fmt, build)


@router.get("/requests/{service_request_id}.{fmt}")
async def get_request(
    service_request_id: str, fmt: str, request: Request, handlers: Handlers, categories: Categories
) -> Response:
    """One request: whole for the citizen who filed it or its agency's staff, as in the
    public list without a token."""
    locale = _locale(request)

    async def build(f: Format) -> Response:
        names = await _names(categories)
        user = await optional_user(request)
        if user is None:
            record = public_record(await handlers.public_one(service_request_id), locale, names)
        else:
            record = request_record(await handlers.view(service_request_id, by=user), locale, names)
        return document(f, [record], root="service_requests", item="request")

    return await _answer(fmt, build)


@router.get("/tokens/{token}.{fmt}")
async def get_token(token: str, fmt: str, request: Request, handlers: Handlers) -> Response:
    """Requests are created at once, so a token is the request id itself."""

    async def build(f: Format) -> Response:
        user = await optional_user(request)
        if user is None:
            complaint = await handlers.public_one(token)
        else:
            complaint = await handlers.view(token, by=user)
        record = {"service_request_id": complaint.complaint_id, "token": token}
        return document(f, [record], root="service_requests", item="request")

    return await _answer(fmt, build)


async def _names(categories: CategoryHandlers) -> dict[str, Text]:
    """Every category's name by slug, retired ones included: old requests keep theirs."""
    return {c.category: c.name for c in await categories.listed(agency=None, retired=True, limit=MAX_SERVICES)}


def _required(fields: dict[str, str], name: str) -> str:
    value = fields.get(name, "").strip()
    if not value:
        raise Open311Error(400, f"{name} is required")
    return value


def _location(fields: dict[str, str]) -> tuple[float | None, float | None]:
    """The spec needs lat and long, address_string or address_id. lat/long become the
    complaint's coordinates (outside Oman is a 400); the address is checked, not kept."""
    lat, long = fields.get("lat", "").strip(), fields.get("long", "").strip()
    if lat and long:
        try:
            return float(lat), float(long)
        except ValueError:
            raise Open311Error(400, "lat and long are numbers in degrees") from None
    if fields.get("address_string", "").strip() or fields.get("address_id", "").strip():
        return None, None
    raise Open311Error(400, "a location is required: lat and long, address_string or address_id")


def _listed(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


async def _visible(handlers: ComplaintHandlers, ids: list[str], user: Principal) -> list[Complaint]:
    """The listed requests the caller may see; the others are left out, not reported."""
    found = []
    for complaint_id in ids[:MAX_REQUESTS]:
        try:
            found.append(await handlers.view(complaint_id, by=user))
        except (Forbidden, NotFound):
            continue
    return found


async def _public_ones(handlers: ComplaintHandlers, ids: list[str]) -> list[Complaint]:
    """The listed requests anyone may see; the others are left out, not reported."""
    found = []
    for complaint_id in ids[:MAX_REQUESTS]:
        try:
            found.append(await handlers.public_one(complaint_id))
        except NotFound:
            continue
    return found


async def _reachable(handlers: ComplaintHandlers, user: Principal) -> list[Complaint]:
    """Staff (and the confidential team) see their agency's requests as the handlers
    allow, citizens their own; newest first."""
    if user.has("officer", "agency_admin", "confidential_team"):
        return await handlers.of_agency(by=user, status=None, limit=MAX_REQUESTS)
    return await handlers.mine(by=user, limit=MAX_REQUESTS)


@dataclass(frozen=True)
class RequestFilter:
    """The spec's filters on GET requests; with no dates, the last 90 days."""

    start: datetime | None
    end: datetime | None
    statuses: list[str]
    """Open311's: open, closed."""
    codes: list[str]
    agency: str | None

    @classmethod
    def of(cls, params) -> "RequestFilter":
        start, end = _moment(params, "start_date"), _moment(params, "end_date")
        if start is None and end is None:
            start = datetime.now(MUSCAT) - DEFAULT_WINDOW
        statuses = _listed(params.get("status", ""))
        if unknown := set(statuses) - {"open", "closed"}:
            raise Open311Error(400, f"status must be open or closed, not {', '.join(sorted(unknown))}")
        return cls(start, end, statuses, _listed(params.get("service_code", "")), params.get("jurisdiction_id"))

    def matches(self, complaint: Complaint) -> bool:
        return (
            (self.start is None or complaint.filed_at >= self.start)
            and (self.end is None or complaint.filed_at <= self.end)
            and (not self.statuses or OPEN311_STATUS[complaint.status] in self.statuses)
            and (not self.codes or complaint.category in self.codes)
            and (not self.agency or complaint.agency == self.agency)
        )

    def store_filters(self) -> dict:
        """The same filters as the store's query for the public list."""
        ours = [status for status, theirs in OPEN311_STATUS.items() if theirs in self.statuses]
        return {
            "agency": self.agency,
            "categories": self.codes,
            "statuses": ours,
            "since": self.start,
            "until": self.end,
        }


def _moment(params, name: str) -> datetime | None:
    value = params.get(name)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace(" ", "+"))
    except ValueError:
        raise Open311Error(400, f"{name} is not an ISO 8601 datetime") from None
    # A datetime without an offset is read as Muscat time.
    return moment if moment.tzinfo else moment.replace(tzinfo=MUSCAT)
