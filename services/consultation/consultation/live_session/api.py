"""HTTP routes of live question sessions, with their server-sent event stream."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from consultation.live_session.feed import Feed
from consultation.live_session.handlers import LiveSessionHandlers
from consultation.live_session.session import Plan, Session
from sharik.http import CurrentUser

router = APIRouter(prefix="/sessions", tags=["live question sessions"])


def _handlers(request: Request) -> LiveSessionHandlers:
    return request.app.state.live_sessions


def _feed(request: Request) -> Feed:
    return request.app.state.live_feed


Handlers = Annotated[LiveSessionHandlers, Depends(_handlers)]
Feeds = Annotated[Feed, Depends(_feed)]


class QuestionIn(BaseModel):
    text: str = Field(min_length=5, max_length=1000)
    display_name: str | None = Field(default=None, min_length=1, max_length=60)
    """Shown beside the question; none asks anonymously."""


class ModerationIn(BaseModel):
    action: Literal["approve", "reject", "answering", "answered"]


class MergeIn(BaseModel):
    into: str = Field(min_length=1, max_length=60)


def _out(session: Session) -> dict[str, Any]:
    return session.model_dump(mode="json", exclude={"version"})


@router.post("", status_code=201)
async def schedule_session(body: Plan, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    """An officer schedules a session of a campaign or forum → LiveSessionScheduled."""
    return _out(await handlers.schedule(body, by=user))


@router.get("/{session_id}")
async def view_session(session_id: str, handlers: Handlers) -> dict[str, Any]:
    return _out(await handlers.sessions.get(session_id))


@router.post("/{session_id}/questions", status_code=201)
async def ask_question(session_id: str, body: QuestionIn, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    """Ask during the session (moderators approve it before it is shown)."""
    return await handlers.ask(session_id, body.text, display_name=body.display_name, by=user)


@router.post("/{session_id}/questions/{question_id}/vote")
async def vote_question(session_id: str, question_id: str, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    """One upvote per citizen, never on one's own question."""
    return await handlers.vote(session_id, question_id, by=user)


@router.post("/{session_id}/questions/{question_id}/moderation")
async def moderate_question(
    session_id: str, question_id: str, body: ModerationIn, user: CurrentUser, handlers: Handlers
) -> dict[str, Any]:
    """Moderators of the agency: approve, reject, mark being answered or answered."""
    return await handlers.moderate(session_id, question_id, body.action, by=user)


@router.post("/{session_id}/questions/{question_id}/merge")
async def merge_question(session_id: str, question_id: str, body: MergeIn, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    return await handlers.merge(session_id, question_id, body.into, by=user)


@router.get("/{session_id}/questions")
async def list_questions(session_id: str, handlers: Handlers) -> list[dict[str, Any]]:
    """Shown questions, most voted first (after the session: its published record)."""
    return await handlers.listed(session_id)


@router.get("/{session_id}/pending")
async def pending_questions(session_id: str, user: CurrentUser, handlers: Handlers) -> list[dict[str, Any]]:
    """The moderators' queue."""
    return await handlers.pending(session_id, by=user)


@router.get("/{session_id}/queue")
async def speaker_queue(session_id: str, handlers: Handlers) -> list[dict[str, Any]]:
    """The speaker's screen: being answered first, then by votes."""
    return await handlers.queue(session_id)


@router.get("/{session_id}/stream")
async def stream_questions(session_id: str, handlers: Handlers, feed: Feeds) -> StreamingResponse:
    """Server-sent events: `question` events with each shown question, then each change."""
    await handlers.sessions.get(session_id)
    return StreamingResponse(
        feed.stream(session_id),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )


@router.post("/{session_id}/publish")
async def publish_session(session_id: str, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    """After the session: publish its questions and their status → LiveSessionPublished."""
    return _out(await handlers.publish(session_id, by=user))
