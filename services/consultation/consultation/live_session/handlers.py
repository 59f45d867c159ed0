"""Use cases of live question sessions."""

from datetime import UTC, datetime
from typing import Any

from ulid import ULID

from consultation.events import envelope
from consultation.live_session.session import SHOWN, Plan, Session, moderated
from consultation.live_session.store import QuestionStore, SessionStore, public
from consultation.moderation.handlers import ModerationHandlers, require_moderator
from sharik.auth import Principal
from sharik.errors import Conflict, Invalid
from sharik.events.consultation import LiveSessionPublished, LiveSessionScheduled
from sharik.pseudonym import pseudonym


def _now() -> datetime:
    return datetime.now(UTC)


class LiveSessionHandlers:
    def __init__(
        self,
        sessions: SessionStore,
        questions: QuestionStore,
        *,
        moderation: ModerationHandlers,
        pseudonym_key: str,
        on_saved=lambda: None,
    ) -> None:
        self.sessions = sessions
        self.questions = questions
        self._moderation = moderation
        self._key = pseudonym_key
        self._on_saved = on_saved

    async def schedule(self, plan: Plan, *, by: Principal) -> Session:
        by.require("officer", "agency_admin")
        session = Session(session_id=str(ULID()), agency=by.agency, plan=plan, created_at=_now())
        event = LiveSessionScheduled(
            session_id=session.session_id,
            agency=session.agency,
            campaign_id=plan.campaign_id,
            title=plan.title,
            starts_at=plan.starts_at,
            ends_at=plan.ends_at,
        )
        saved = await self.sessions.add(session, [envelope(event, agency=session.agency)])
        self._on_saved()
        return saved

    async def ask(self, session_id: str, text: str, *, display_name: str | None, by: Principal) -> dict[str, Any]:
        """A citizen asks; the question waits for a moderator (held at once if it looks
        like personal data)."""
        by.require("citizen")
        session = await self.sessions.get(session_id)
        session.require_open(_now())
        question_id = str(ULID())
        content = await self._moderation.submit(
            content_id=str(ULID()), kind="question", agency=session.agency, ref=f"{session_id}/{question_id}", text=text, author=None
        )
        question = {
            "_id": question_id,
            "session_id": session_id,
            "text": text,
            "display_name": display_name,
            "author": self._voter(session_id, by),
            "content_id": content.content_id,
            "held": content.visibility == "held",
            "status": "pending",
            "asked_at": _now(),
        }
        return public(await self.questions.add(question))

    async def vote(self, session_id: str, question_id: str, *, by: Principal) -> dict[str, Any]:
        by.require("citizen")
        (await self.sessions.get(session_id)).require_open(_now())
        question = await self.questions.get(session_id, question_id)
        voter = self._voter(session_id, by)
        if question["status"] not in SHOWN:
            raise Conflict(f"a {question['status']} question takes no votes", details=[{"field": "question_id"}])
        if question["author"] == voter:
            raise Conflict("you cannot vote for your own question", details=[{"field": "question_id", "code": "own_question"}])
        return public(await self.questions.vote(question, voter))

    async def moderate(self, session_id: str, question_id: str, action: str, *, by: Principal) -> dict[str, Any]:
        """approve, reject, answering or answered."""
        session = await self.sessions.get(session_id)
        require_moderator(by, session.agency)
        question = await self.questions.get(session_id, question_id)
        if action == "approve" and question.get("held"):
            raise Conflict("the question looks like personal data; restore it in moderation first", details=[{"field": "question_id"}])
        return public(await self.questions.set_status(question, moderated(question["status"], action)))

    async def merge(self, session_id: str, question_id: str, into: str, *, by: Principal) -> dict[str, Any]:
        """A duplicate joins the question it repeats; its votes go along, counted once."""
        session = await self.sessions.get(session_id)
        require_moderator(by, session.agency)
        if into == question_id:
            raise Invalid("a question is not merged into itself", details=[{"field": "into"}])
        source = await self.questions.get(session_id, question_id)
        target = await self.questions.get(session_id, into)
        if target["status"] not in SHOWN:
            raise Conflict("merge into a shown question", details=[{"field": "into"}])
        if source["status"] in ("merged", "rejected"):
            raise Conflict(f"a {source['status']} question is not merged", details=[{"field": "question_id"}])
        merged = await self.questions.set_status(source, "merged", extra={"merged_into": into})
        await self.questions.merge_votes(merged, target)
        return public(merged)

    async def pending(self, session_id: str, *, by: Principal) -> list[dict[str, Any]]:
        session = await self.sessions.get(session_id)
        require_moderator(by, session.agency)
        return [public(q) | {"text": q["text"], "held": q.get("held", False)} for q in await self.questions.shown(session_id, statuses=("pending",))]

    async def queue(self, session_id: str) -> list[dict[str, Any]]:
        """The speaker's screen: what is being answered first, then the most voted."""
        shown = [q for q in await self.questions.shown(session_id, statuses=("answering", "approved"))]
        shown.sort(key=lambda q: (q["status"] != "answering", -q["votes"], q["asked_at"]))
        return [public(q) for q in shown]

    async def listed(self, session_id: str) -> list[dict[str, Any]]:
        await self.sessions.get(session_id)
        return [public(q) for q in await self.questions.shown(session_id)]

    async def publish(self, session_id: str, *, by: Principal) -> Session:
        """After the session: its questions and their status stay public, and the
        figures go out as an event."""
        session = await self.sessions.get(session_id)
        by.require_staff_of(session.agency)
        done = session.publish(_now())
        shown = await self.questions.shown(session_id, statuses=("approved", "answering", "answered", "rejected", "merged", "pending"))
        counts = {status: sum(1 for q in shown if q["status"] == status) for status in ("answered", "rejected", "merged")}
        event = LiveSessionPublished(
            session_id=session_id,
            agency=session.agency,
            campaign_id=session.plan.campaign_id,
            questions=len(shown),
            answered=counts["answered"],
            rejected=counts["rejected"],
            merged=counts["merged"],
            votes=sum(q["votes"] for q in shown if q["status"] != "merged"),
            published_at=done.published_at,
        )
        saved = await self.sessions.save(done, [envelope(event, agency=session.agency)])
        self._on_saved()
        return saved

    def _voter(self, session_id: str, by: Principal) -> str:
        return pseudonym(self._key, by.subject, purpose=f"live-question:{session_id}")
