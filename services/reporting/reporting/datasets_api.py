"""HTTP routes of the DCAT-AP catalogue and the datasets' files (public, read-only).

Every file answer carries Last-Modified (the newest event it reflects) and, like every
public read here, an ETag with a 304 for a matching If-None-Match (ETagRoute)."""

from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel

from reporting.caching import ETagRoute
from reporting.dcat import Describer, serialize
from reporting.open_data import MEDIA, OpenData
from sharik.errors import Invalid, NotFound

router = APIRouter(tags=["open data"], route_class=ETagRoute)

Rdf = Literal["ttl", "jsonld", "rdf"]
ERRORS = {404: {"description": "No such dataset, page or snapshot"},
          422: {"description": "An unknown format or a bad page number"}}


def _open_data(request: Request) -> OpenData:
    return request.app.state.open_data


Data = Annotated[OpenData, Depends(_open_data)]


def _describer(request: Request) -> Describer:
    settings = request.app.state.runtime.settings
    return Describer(str(request.base_url).rstrip("/"), contact_email=settings.open_data_contact_email)


class Snapshots(BaseModel):
    dataset_id: str
    days: list[str]
    """UTC days with a snapshot, oldest first; each at /datasets/{id}/snapshots/{day}.csv|json."""


@router.get("/catalog.{extension}", response_class=Response, responses=ERRORS)
async def catalogue(
    extension: Rdf, request: Request, data: Data, page: Annotated[int, Query(ge=1)] = 1
) -> Response:
    """The DCAT-AP 3.0 catalogue in Turtle, JSON-LD or RDF/XML; beyond one page of
    datasets, a Hydra PartialCollectionView links the next, previous, first and last."""
    page_size = request.app.state.runtime.settings.catalog_page_size
    everything = await data.all()
    pages = max(1, (len(everything) + page_size - 1) // page_size)
    if page > pages:
        raise NotFound(f"the catalogue has {pages} page(s), not {page}")
    shown = everything[(page - 1) * page_size : page * page_size]
    modified = max((p.table.modified for p in everything), default=None)
    issued = min((p.table.issued for p in everything), default=None)
    graph = _describer(request).catalogue(
        shown, page=page, page_size=page_size, total=len(everything), modified=modified, issued=issued
    )
    body, media = serialize(graph, extension)
    return _cached(request, body, media, modified)


@router.get("/datasets/{dataset_id}.{extension}", response_class=Response, responses=ERRORS)
async def dataset(
    dataset_id: str, extension: Literal["ttl", "jsonld", "rdf", "csv", "json"], request: Request, data: Data
) -> Response:
    """One dataset: its DCAT-AP description (ttl, jsonld, rdf) or its data (csv, json)."""
    published = await data.one(dataset_id)
    if extension in MEDIA:
        body = getattr(published.files, extension)
        return _cached(request, body, MEDIA[extension], published.table.modified, filename=f"{dataset_id}.{extension}")
    body, media = serialize(_describer(request).dataset(published), extension)
    return _cached(request, body, media, published.table.modified)


@router.get("/datasets/{dataset_id}/snapshots", responses=ERRORS)
async def snapshots(dataset_id: str, data: Data) -> Snapshots:
    """The days a dataset's files were kept (the last state of each UTC day)."""
    return Snapshots(dataset_id=dataset_id, days=await data.snapshots(dataset_id))


@router.get("/datasets/{dataset_id}/snapshots/{day}.{extension}", response_class=Response, responses=ERRORS)
async def snapshot(
    dataset_id: str, day: str, extension: Literal["csv", "json"], request: Request, data: Data
) -> Response:
    """A dataset's files as they stood at the end of a UTC day (YYYY-MM-DD)."""
    try:
        datetime.strptime(day, "%Y-%m-%d")
    except ValueError:
        raise Invalid(f"day must be YYYY-MM-DD, not {day!r}") from None
    body = await data.snapshot_file(dataset_id, day, extension)
    return _cached(request, body, MEDIA[extension], None, filename=f"{dataset_id}-{day}.{extension}")


def _cached(
    request: Request, body: bytes, media: str, modified: datetime | None, *, filename: str | None = None
) -> Response:
    """The file with its Last-Modified and name; ETagRoute adds the ETag (and the 304)."""
    headers = {}
    if modified is not None:
        headers["last-modified"] = format_datetime(modified.astimezone(UTC), usegmt=True)
    if filename:
        headers["content-disposition"] = f'attachment; filename="{filename}"'
    return Response(body, media_type=media, headers=headers)
