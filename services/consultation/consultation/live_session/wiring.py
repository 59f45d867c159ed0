"""Live question sessions' part of the wiring."""

from typing import Any

from consultation.live_session.feed import Feed
from consultation.live_session.handlers import LiveSessionHandlers
from consultation.live_session.store import QuestionStore, SessionStore
from consultation.moderation.handlers import ModerationHandlers
from sharik.runtime import ServiceRuntime


def live_sessions(
    runtime: ServiceRuntime, *, moderation: ModerationHandlers, pseudonym_key: str, poll_seconds: float
) -> dict[str, Any]:
    sessions = SessionStore(runtime.db)
    questions = QuestionStore(runtime.db, sessions)
    runtime.relay_outbox_of(sessions.collection)
    for each in (sessions, questions):
        runtime.on_startup(each.create_indexes)
    feed = Feed(sessions, questions, poll_seconds=poll_seconds)
    runtime.on_shutdown(feed.close)
    handlers = LiveSessionHandlers(
        sessions, questions, moderation=moderation, pseudonym_key=pseudonym_key, on_saved=runtime.wake_relay
    )
    return {"live_sessions": handlers, "live_feed": feed}
