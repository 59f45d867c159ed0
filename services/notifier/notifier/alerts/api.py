"""HTTP routes of public alerts: the authorities' drafting desk (with a preview of the
lengths), the operators' view of each centre's hand-off, and the public feeds."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, Field

from notifier.alerts import feed
from notifier.alerts.alert import (
    Alert,
    AlertState,
    Category,
    Certainty,
    Content,
    Info,
    MsgType,
    ResponseType,
    Severity,
    Status,
    Urgency,
)
from notifier.alerts.area import Area, Circle, Geocode, GeocodeName
from notifier.alerts.broadcast import Broadcast, BroadcastState, Endpoint
from notifier.alerts.handlers import AlertHandlers
from notifier.alerts.lengths import SHORT_LIMITS, broadcast_length
from sharik.http import CurrentUser

alerts = APIRouter(prefix="/alerts", tags=["alerts"])
public = APIRouter(prefix="/public/alerts", tags=["public alerts"])


def _handlers(request: Request) -> AlertHandlers:
    return request.app.state.alerts


AlertsDep = Annotated[AlertHandlers, Depends(_handlers)]

Text = Annotated[str, Field(min_length=1, max_length=2000)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]


class InfoIn(BaseModel):
    language: Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$", description="ar and en are required")]
    event: Annotated[str, Field(min_length=1, max_length=200)]
    headline: Annotated[str, Field(min_length=1, max_length=160)]
    description: Text
    instruction: Text
    text_90: Annotated[str, Field(min_length=1, description="for handsets that show 90 characters")]
    text_360: Annotated[str, Field(min_length=1, description="for handsets that show 360 characters")]
    sender_name: Annotated[str, Field(min_length=1, max_length=200)]


class CircleIn(BaseModel):
    lat: Latitude
    lon: Longitude
    radius_km: float


class GeocodeIn(BaseModel):
    name: GeocodeName
    value: Annotated[str, Field(min_length=1, max_length=64)]


class AreaIn(BaseModel):
    description: dict[str, Annotated[str, Field(min_length=1, max_length=500)]] = Field(
        description="areaDesc per language"
    )
    polygons: list[list[tuple[Latitude, Longitude]]] = Field(default=[], max_length=20)
    circles: list[CircleIn] = Field(default=[], max_length=20)
    geocodes: list[GeocodeIn] = Field(default=[], max_length=100)


class ContentIn(BaseModel):
    status: Status = Field(description="Exercise and Test need no second authority")
    categories: list[Category] = Field(min_length=1)
    response_types: list[ResponseType] = []
    urgency: Urgency
    severity: Severity
    certainty: Certainty
    onset: AwareDatetime
    expires: AwareDatetime
    infos: list[InfoIn] = Field(min_length=1, max_length=10)
    area: AreaIn
    note: str | None = Field(default=None, max_length=500)

    def content(self) -> Content:
        return Content(
            status=self.status,
            categories=tuple(self.categories),
            response_types=tuple(self.response_types),
            urgency=self.urgency,
            severity=self.severity,
            certainty=self.certainty,
            onset=self.onset,
            expires=self.expires,
            infos=tuple(Info(**i.model_dump()) for i in self.infos),
            area=Area(
                description=self.area.description,
                polygons=tuple(tuple(p) for p in self.area.polygons),
                circles=tuple(Circle(**c.model_dump()) for c in self.area.circles),
                geocodes=tuple(Geocode(**g.model_dump()) for g in self.area.geocodes),
            ),
            note=self.note,
        )


class LengthOut(BaseModel):
    encoding: Literal["gsm7", "ucs2"] | None = None
    characters: int
    max_characters: int
    pages: int | None = None
    fits: bool


class LengthsOut(BaseModel):
    """What the cell broadcast and the short renderings take, in one language."""

    broadcast: LengthOut
    text_90: LengthOut
    text_360: LengthOut


def lengths(info: InfoIn) -> LengthsOut:
    length = broadcast_length(Info(**info.model_dump()).broadcast_text)
    short = {
        field: LengthOut(characters=len(getattr(info, field)), max_characters=limit, fits=len(getattr(info, field)) <= limit)
        for field, limit in SHORT_LIMITS.items()
    }
    return LengthsOut(
        broadcast=LengthOut(
            encoding=length.encoding, characters=length.characters, max_characters=length.max_characters,
            pages=length.pages, fits=length.fits,
        ),
        **short,
    )


class AlertOut(BaseModel):
    alert_id: str
    agency: str
    identifier: str
    sender: str
    msg_type: MsgType
    state: AlertState
    follows: str | None
    references: list[str] = Field(description="alert ids of the earlier alerts of the chain, oldest first")
    needs_approval: bool
    drafted_at: datetime
    approved_at: datetime | None
    sent: datetime | None
    content: ContentIn
    lengths: dict[str, LengthsOut]

    @classmethod
    def of(cls, a: Alert) -> "AlertOut":
        content = ContentIn.model_validate(
            {
                **a.content.__dict__,
                "infos": [i.__dict__ for i in a.content.infos],
                "area": {
                    "description": a.content.area.description,
                    "polygons": a.content.area.polygons,
                    "circles": [c.__dict__ for c in a.content.area.circles],
                    "geocodes": [g.__dict__ for g in a.content.area.geocodes],
                },
            }
        )
        return cls(
            alert_id=a.alert_id,
            agency=a.agency,
            identifier=a.identifier,
            sender=a.sender,
            msg_type=a.msg_type,
            state=a.state,
            follows=a.follows,
            references=[r.alert_id for r in a.references],
            needs_approval=a.needs_approval,
            drafted_at=a.drafted_at,
            approved_at=a.approved_at,
            sent=a.sent,
            content=content,
            lengths={i.language: lengths(i) for i in content.infos},
        )


class StepOut(BaseModel):
    at: datetime
    endpoint: Endpoint
    outcome: Literal["acknowledged", "failed"]
    detail: str | None


class BroadcastOut(BaseModel):
    """One operator's hand-off of the alert."""

    operator: str
    state: BroadcastState
    attempts: int
    acknowledged_by: Endpoint | None
    acknowledged_at: datetime | None
    failed_at: datetime | None
    next_attempt_at: datetime
    last_error: str | None
    operator_retries: int
    history: list[StepOut]

    @classmethod
    def of(cls, b: Broadcast) -> "BroadcastOut":
        return cls(
            operator=b.operator,
            state=b.state,
            attempts=b.attempts,
            acknowledged_by=b.acknowledged_by,
            acknowledged_at=b.acknowledged_at,
            failed_at=b.failed_at,
            next_attempt_at=b.next_attempt_at,
            last_error=b.last_error,
            operator_retries=b.operator_retries,
            history=[StepOut(**s.__dict__) for s in b.history],
        )


@alerts.post("/preview")
async def preview(body: ContentIn, user: CurrentUser) -> dict[str, LengthsOut]:
    """The lengths of a draft per language, as the author writes it (nothing is stored)."""
    user.require("alert_authority")
    return {i.language: lengths(i) for i in body.infos}


@alerts.post("", status_code=201)
async def draft(body: ContentIn, user: CurrentUser, handlers: AlertsDep) -> AlertOut:
    """Draft an alert for the caller's agency. A text that does not fit is refused (422
    naming the field)."""
    return AlertOut.of(await handlers.draft(body.content(), by=user))


@alerts.get("")
async def agency_alerts(
    user: CurrentUser, handlers: AlertsDep, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[AlertOut]:
    """The caller's agency's alerts, newest draft first."""
    return [AlertOut.of(a) for a in await handlers.of_agency(by=user, limit=limit)]


@alerts.get("/{alert_id}")
async def get_alert(alert_id: str, user: CurrentUser, handlers: AlertsDep) -> AlertOut:
    return AlertOut.of(await handlers.get(alert_id, by=user))


@alerts.post("/{alert_id}/approve")
async def approve(alert_id: str, user: CurrentUser, handlers: AlertsDep) -> AlertOut:
    """A second alert authority of the agency approves a draft (not its author)."""
    return AlertOut.of(await handlers.approve(alert_id, by=user))


@alerts.post("/{alert_id}/issue")
async def issue(alert_id: str, user: CurrentUser, handlers: AlertsDep) -> AlertOut:
    """Issue an approved alert (or an exercise or test) and hand it to every operator."""
    return AlertOut.of(await handlers.issue(alert_id, by=user))


@alerts.post("/{alert_id}/update", status_code=201)
async def update(alert_id: str, body: ContentIn, user: CurrentUser, handlers: AlertsDep) -> AlertOut:
    """Draft an update of an issued alert; it is approved and issued like any alert."""
    return AlertOut.of(await handlers.follow_up(alert_id, body.content(), "Update", by=user))


@alerts.post("/{alert_id}/cancel", status_code=201)
async def cancel(alert_id: str, body: ContentIn, user: CurrentUser, handlers: AlertsDep) -> AlertOut:
    """Draft the cancellation of an issued alert (its texts say why, e.g. "all clear")."""
    return AlertOut.of(await handlers.follow_up(alert_id, body.content(), "Cancel", by=user))


@alerts.get("/{alert_id}/broadcasts")
async def broadcasts(alert_id: str, user: CurrentUser, handlers: AlertsDep) -> list[BroadcastOut]:
    """Each operator's hand-off: acknowledged, pending (with its next attempt) or failed."""
    return [BroadcastOut.of(b) for b in await handlers.broadcasts(alert_id, by=user)]


@alerts.post("/{alert_id}/broadcasts/{operator}/retry")
async def retry_broadcast(alert_id: str, operator: str, user: CurrentUser, handlers: AlertsDep) -> BroadcastOut:
    """Hand a failed broadcast to its operator again (platform operators only)."""
    return BroadcastOut.of(await handlers.retry_broadcast(alert_id, operator, by=user))


@public.get(".atom", response_class=Response, responses={200: {"content": {feed.ATOM: {}}}})
async def atom(request: Request, handlers: AlertsDep) -> Response:
    """The issued alerts as an Atom feed, each entry linking to its CAP document."""
    issued = await handlers.public(limit=100)
    return Response(feed.atom(issued, base_url=str(request.base_url)), media_type=feed.ATOM)


@public.get(".xml", response_class=Response, responses={200: {"content": {feed.CAP_LIST: {}}}})
async def cap_list(handlers: AlertsDep) -> Response:
    """The issued alerts' CAP documents, newest first, in one XML list."""
    return Response(feed.cap_list(await handlers.public(limit=100)), media_type=feed.CAP_LIST)


@public.get("/{alert_id}.xml", response_class=Response, responses={200: {"content": {feed.CAP: {}}}})
async def cap_document(alert_id: str, handlers: AlertsDep) -> Response:
    """One issued alert's CAP 1.2 document, as it was handed to the operators."""
    return Response(await handlers.cap_of(alert_id), media_type=feed.CAP)
