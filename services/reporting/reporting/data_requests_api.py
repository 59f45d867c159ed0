"""HTTP routes of data requests: citizens ask, the agency's officers answer, anyone reads."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field, model_validator

from reporting.caching import ETagRoute
from reporting.data_requests import Answer, DataRequests
from sharik.events import LocalizedText
from sharik.events.reporting import DataFormat
from sharik.http import CurrentUser

router = APIRouter(prefix="/data-requests", tags=["data requests"], route_class=ETagRoute)

ERRORS = {
    401: {"description": "No or a bad bearer token"},
    403: {"description": "Not a citizen (asking) or not an officer of the request's agency (answering)"},
    404: {"description": "No such data request or dataset"},
    409: {"description": "The request changed meanwhile; try again"},
    422: {"description": "A field is missing or wrong; `details` names it"},
}


def _requests(request: Request) -> DataRequests:
    return request.app.state.data_requests


Requests = Annotated[DataRequests, Depends(_requests)]


class Ask(BaseModel):
    agency: str = Field(min_length=1, max_length=100)
    what: str = Field(min_length=1, max_length=2000, description="The data wanted")
    why: str = Field(min_length=1, max_length=2000, description="What it is for")
    format: DataFormat


class AnswerBody(BaseModel):
    decision: Literal["published", "refused"]
    dataset_id: str | None = Field(None, description="The catalogue's dataset that answers it (published)")
    reason: LocalizedText | None = Field(None, description="Why not, in Arabic and English (refused)")

    @model_validator(mode="after")
    def _complete(self) -> "AnswerBody":
        if self.decision == "published" and not self.dataset_id:
            raise ValueError("a published answer names its dataset_id")
        if self.decision == "refused" and self.reason is None:
            raise ValueError("a refusal gives its reason in Arabic and English")
        return self


class DataRequestView(BaseModel):
    """A data request as the public sees it: never who asked."""

    request_id: str
    agency: str
    what: str
    why: str
    format: DataFormat
    requested_at: datetime
    due_at: datetime
    status: Literal["open", "overdue", "published", "refused"]
    late: bool = Field(description="Answered after the due time, or still unanswered past it")
    answered_at: datetime | None = None
    dataset_id: str | None = None
    dataset_url: str | None = None
    reason: LocalizedText | None = None


class DataRequestPage(BaseModel):
    items: list[DataRequestView]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last")


def _view(request: Request, document: dict) -> DataRequestView:
    url = f"{str(request.base_url).rstrip('/')}/datasets/{document['dataset_id']}.json" if document["dataset_id"] else None
    return DataRequestView(**{k: v for k, v in document.items() if k != "version"}, dataset_url=url)


@router.post("", status_code=201, responses=ERRORS)
async def ask(body: Ask, user: CurrentUser, requests: Requests, request: Request) -> DataRequestView:
    """A citizen asks an agency for data it does not publish (what, why, format)."""
    return _view(request, await requests.ask(user, **body.model_dump()))


@router.post("/{request_id}/answer", responses=ERRORS)
async def answer(request_id: str, body: AnswerBody, user: CurrentUser, requests: Requests,
                 request: Request) -> DataRequestView:
    """The agency's officer answers: published (with the dataset) or refused (with why)."""
    return _view(request, await requests.answer(user, request_id, Answer(**dict(body))))


@router.get("", responses={422: ERRORS[422]})
async def requests_page(
    requests: Requests, request: Request, agency: str | None = None, cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DataRequestPage:
    """Every data request and its answer, oldest first, a page at a time."""
    page = await requests.page(agency=agency, after=cursor, limit=limit + 1)
    more = len(page) > limit
    items = [_view(request, d) for d in page[:limit]]
    return DataRequestPage(items=items, next_cursor=items[-1].request_id if more else None)


@router.get("/{request_id}", responses={404: ERRORS[404]})
async def one(request_id: str, requests: Requests, request: Request) -> DataRequestView:
    """One data request and its answer."""
    return _view(request, await requests.one(request_id))
