"""Use cases of a draft-policy consultation: the agency drafts, publishes, answers,
concludes and adopts; citizens comment, reply and support while it is open."""

from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from ulid import ULID

from consultation.aggregates import AggregateStore
from consultation.analysis.terms import frequent_terms
from consultation.draft_policy.comments import CommentStore
from consultation.draft_policy.document import Draft, DraftPolicy, Section
from consultation.draft_policy.report import public_comment, section_report
from consultation.events import envelope
from consultation.moderation.handlers import ModerationHandlers
from consultation.participants import participant
from sharik.auth import Principal
from sharik.errors import Invalid, NotFound
from sharik.events import LocalizedText
from sharik.events.consultation import (
    CommentPosted,
    DraftPolicyAdopted,
    DraftPolicyPublished,
    SectionConcluded,
    SectionOutcome,
    Stance,
)
from sharik.pseudonym import pseudonym

STAFF = ("officer", "agency_admin")
MOST_SUPPORTED = 5
ANALYSED_COMMENTS = 5000


def _now() -> datetime:
    return datetime.now(UTC)


class DraftPolicyStore(AggregateStore[DraftPolicy]):
    def __init__(self, db: AsyncDatabase) -> None:
        super().__init__(db["draft_policies"], DraftPolicy, id_field="document_id", noun="document")

    async def create_indexes(self) -> None:
        await self.collection.create_index([("agency", ASCENDING), ("created_at", ASCENDING)])


class DraftPolicyHandlers:
    def __init__(
        self,
        store: DraftPolicyStore,
        comments: CommentStore,
        *,
        moderation: ModerationHandlers,
        pseudonym_key: str,
        on_saved=lambda: None,
    ) -> None:
        self.store = store
        self._comments = comments
        self._moderation = moderation
        self._key = pseudonym_key
        self._on_saved = on_saved

    async def create(self, draft: Draft, *, by: Principal) -> DraftPolicy:
        by.require(*STAFF)
        document = DraftPolicy(
            document_id=str(ULID()), agency=by.agency, draft=draft, created_by=by.subject, created_at=_now()
        )
        return await self.store.add(document, [])

    async def edit(self, document_id: str, draft: Draft, *, by: Principal) -> DraftPolicy:
        document = await self._own(document_id, by)
        return await self.store.save(document.edit(draft), [])

    async def publish(self, document_id: str, *, by: Principal) -> DraftPolicy:
        document = await self._own(document_id, by)
        published = document.publish(now=_now())
        d = published.draft
        event = DraftPolicyPublished(
            document_id=document_id,
            agency=document.agency,
            campaign_id=d.campaign_id,
            title=d.title,
            sections=len(d.sections),
            opens_at=d.opens_at,
            closes_at=d.closes_at,
            published_at=published.published_at,
        )
        return await self._save(published, event)

    async def view(self, document_id: str, *, by: Principal | None) -> DraftPolicy:
        document = await self.store.get(document_id)
        if document.published_at is None and not (by is not None and by.has(*STAFF) and by.agency == document.agency):
            raise NotFound(f"no document {document_id}", details=[{"field": "document_id"}])
        return document

    async def comment(
        self, document_id: str, *, section: int, stance: Stance | None, reply_to: str | None, text: str, by: Principal
    ) -> dict[str, Any]:
        """A citizen comments on a section with a stance, or replies to a comment."""
        by.require("citizen")
        document = await self.view(document_id, by=by)
        document.require_open(_now())
        document.section(section)
        if reply_to is None and stance is None:
            raise Invalid("a comment takes a stance: for, against or neutral", details=[{"field": "stance"}])
        if reply_to is not None:
            parent = await self._comments.get(reply_to)
            if parent["document_id"] != document_id or parent["section"] != section:
                raise Invalid("reply to a comment on the same section", details=[{"field": "reply_to"}])
            if parent["reply_to"] is not None:
                raise Invalid("replies go one level deep: reply to the comment itself", details=[{"field": "reply_to"}])
            stance = None
        now = _now()
        comment_id = str(ULID())
        author = participant(self._key, by, campaign_id=document.campaign_id, tool_id=document_id)
        content = await self._moderation.submit(
            content_id=comment_id,
            kind="comment",
            agency=document.agency,
            ref=f"{document_id}/{section}",
            text=text,
            author=author,
        )
        comment = {
            "_id": comment_id,
            "document_id": document_id,
            "section": section,
            "stance": stance,
            "reply_to": reply_to,
            "governorate": by.governorate,
            "created_at": now,
        }
        event = CommentPosted(
            document_id=document_id,
            agency=document.agency,
            campaign_id=document.campaign_id,
            comment_id=comment_id,
            section=section,
            stance=stance,
            reply_to=reply_to,
            participant=author,
            governorate=by.governorate,
            posted_at=now,
        )
        try:
            await self._comments.add(comment, envelope(event, agency=document.agency))
        except BaseException:
            await self._moderation.store.collection.delete_one({"_id": comment_id})
            raise
        self._on_saved()
        return public_comment({**comment, "supports": 0, "answer": None}, {comment_id: content})

    async def support(self, document_id: str, comment_id: str, *, by: Principal) -> dict[str, Any]:
        by.require("citizen")
        document = await self.view(document_id, by=by)
        document.require_open(_now())
        comment = await self._comments.get(comment_id)
        if comment["document_id"] != document_id:
            raise NotFound(f"no comment {comment_id} on this document", details=[{"field": "comment_id"}])
        await self._comments.support(comment_id, pseudonym(self._key, by.subject, purpose=f"supporter:{document_id}"))
        return {"comment_id": comment_id, "supports": comment["supports"] + 1}

    async def answer(self, document_id: str, comment_id: str, text: LocalizedText, *, by: Principal) -> dict[str, Any]:
        """The agency answers a comment (in Arabic and English)."""
        await self._own(document_id, by)
        comment = await self._comments.get(comment_id)
        if comment["document_id"] != document_id:
            raise NotFound(f"no comment {comment_id} on this document", details=[{"field": "comment_id"}])
        answer = {"text": text.model_dump(), "answered_at": _now()}
        await self._comments.answer(comment_id, answer)
        return {"comment_id": comment_id, "answer": answer}

    async def conclude(
        self, document_id: str, section: int, outcome: SectionOutcome, reason: LocalizedText, *, by: Principal
    ) -> DraftPolicy:
        document = await self._own(document_id, by)
        concluded = document.conclude(section, outcome, reason, now=_now())
        c = concluded.conclusions[-1]
        event = SectionConcluded(
            document_id=document_id, agency=document.agency, section=section, outcome=outcome, reason=reason, concluded_at=c.concluded_at
        )
        return await self._save(concluded, event)

    async def adopt(self, document_id: str, sections: tuple[Section, ...], *, by: Principal) -> DraftPolicy:
        document = await self._own(document_id, by)
        adopted = document.adopt(sections, now=_now())
        a = adopted.adoption
        event = DraftPolicyAdopted(
            document_id=document_id,
            agency=document.agency,
            text_version=a.text_version,
            changed_sections=a.changed_sections,
            adopted_at=a.adopted_at,
        )
        return await self._save(adopted, event)

    async def comments(self, document_id: str, section: int, *, by: Principal | None, limit: int) -> list[dict[str, Any]]:
        document = await self.view(document_id, by=by)
        document.section(section)
        listed = await self._comments.of_section(document_id, section, limit=limit)
        return [public_comment(c, await self._texts(c)) for c in listed]

    async def report(self, document_id: str, *, by: Principal | None) -> dict[str, Any]:
        """The consolidated report: every section with its comments by stance, the most
        supported ones, the agency's answers and outcome, and what changed."""
        document = await self.view(document_id, by=by)
        stances = await self._comments.stance_counts(document_id)
        sections = []
        for section in document.draft.sections:
            top = await self._comments.of_section(document_id, section.number, limit=MOST_SUPPORTED)
            shown = await self._moderation.store.of_ref(f"{document_id}/{section.number}", limit=ANALYSED_COMMENTS, visible_only=True)
            sections.append(
                section_report(
                    document,
                    section.number,
                    stances=stances.get(section.number, {}),
                    top_comments=[public_comment(c, await self._texts(c)) for c in top],
                    analysis=frequent_terms(c.text for c in shown),
                )
            )
        return {
            "document_id": document_id,
            "agency": document.agency,
            "campaign_id": document.campaign_id,
            "title": document.draft.title.model_dump(),
            "phase": document.phase(_now()),
            "text_version": document.adoption.text_version if document.adoption else 1,
            "sections": sections,
        }

    async def _texts(self, comment: dict[str, Any]):
        ids = [comment["_id"], *(r["_id"] for r in comment.get("replies", []))]
        return await self._moderation.store.by_ids(ids)

    async def _own(self, document_id: str, by: Principal) -> DraftPolicy:
        document = await self.store.get(document_id)
        by.require_staff_of(document.agency)
        return document

    async def _save(self, document: DraftPolicy, event) -> DraftPolicy:
        saved = await self.store.save(document, [envelope(event, agency=document.agency)])
        self._on_saved()
        return saved
