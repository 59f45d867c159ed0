"""Use cases of moderation; each change is saved with its catalog events."""

from datetime import UTC, datetime

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from consultation.aggregates import AggregateStore
from consultation.events import envelope
from consultation.moderation.content import Content
from sharik.auth import Principal
from sharik.errors import ConcurrentChange, Forbidden
from sharik.events import Envelope
from sharik.events.consultation import ContentFlagged, ContentHidden, ContentKind, ContentRestored, FlagReason
from sharik.pseudonym import pseudonym

RETRIES = 5


class ContentStore(AggregateStore[Content]):
    def __init__(self, db: AsyncDatabase) -> None:
        super().__init__(db["contents"], Content, id_field="content_id", noun="content")

    async def create_indexes(self) -> None:
        await self.collection.create_index([("agency", ASCENDING), ("visibility", ASCENDING), ("created_at", ASCENDING)])
        await self.collection.create_index([("ref", ASCENDING), ("created_at", ASCENDING)])

    async def by_ids(self, ids: list[str]) -> dict[str, Content]:
        found = await self.find({"_id": {"$in": ids}}, sort=[("_id", 1)], limit=len(ids) or 1)
        return {c.content_id: c for c in found}

    async def of_ref(self, ref: str, *, limit: int, visible_only: bool = False) -> list[Content]:
        """Texts of one question or section, oldest first."""
        query = {"ref": ref, "visibility": "visible"} if visible_only else {"ref": ref}
        return await self.find(query, sort=[("created_at", 1)], limit=limit)


class ModerationHandlers:
    def __init__(self, store: ContentStore, *, pseudonym_key: str, flags_to_hide: int, on_saved=lambda: None) -> None:
        self.store = store
        self._key = pseudonym_key
        self._threshold = flags_to_hide
        self._on_saved = on_saved

    async def submit(
        self, *, content_id: str, kind: ContentKind, agency: str, ref: str, text: str, author: str | None
    ) -> Content:
        """Keep citizen text, held at once if it looks like personal data."""
        content = Content.submitted(
            content_id=content_id, kind=kind, agency=agency, ref=ref, text=text, author=author, now=_now()
        )
        events = [_hidden(content, "personal_data", content.audit[-1].reason)] if content.visibility == "held" else []
        saved = await self.store.add(content, events)
        self._on_saved()
        return saved

    async def flag(self, content_id: str, reason: FlagReason, *, by: Principal) -> Content:
        """A signed-in citizen flags it, once."""
        by.require("citizen")
        flagger = pseudonym(self._key, by.subject, purpose="flagger")
        for _ in range(RETRIES):
            content = await self.store.get(content_id)
            flagged = content.flag(flagger, reason, threshold=self._threshold, now=_now())
            events = [
                envelope(
                    ContentFlagged(
                        content_id=content_id,
                        content_kind=content.kind,
                        agency=content.agency,
                        reason=reason,
                        flags=flagged.total_flags,
                        flagged_at=flagged.audit[-1].at,
                    ),
                    agency=content.agency,
                )
            ]
            if flagged.visibility != content.visibility:
                events.append(_hidden(flagged, "flags", flagged.audit[-1].reason))
            try:
                return await self._save(flagged, events)
            except ConcurrentChange:
                continue
        raise ConcurrentChange("the content is being flagged by many at once; try again")

    async def hide(self, content_id: str, reason: str, *, by: Principal) -> Content:
        content = await self._moderated(content_id, by)
        hidden = content.hide(reason=reason, by=by.subject, now=_now())
        return await self._save(hidden, [_hidden(hidden, "moderator", reason)])

    async def restore(self, content_id: str, reason: str, *, by: Principal) -> Content:
        content = await self._moderated(content_id, by)
        restored = content.restore(reason=reason, by=by.subject, now=_now())
        event = ContentRestored(
            content_id=content_id, content_kind=content.kind, agency=content.agency, reason=reason, restored_at=_now()
        )
        return await self._save(restored, [envelope(event, agency=content.agency)])

    async def queue(self, *, visibility: str, by: Principal, limit: int) -> list[Content]:
        """The caller's agency's held or hidden texts, oldest first."""
        require_moderator(by, by.agency)
        query = {"agency": by.agency, "visibility": visibility}
        return await self.store.find(query, sort=[("created_at", 1)], limit=limit)

    async def _moderated(self, content_id: str, by: Principal) -> Content:
        content = await self.store.get(content_id)
        require_moderator(by, content.agency)
        return content

    async def _save(self, content: Content, events: list[Envelope]) -> Content:
        saved = await self.store.save(content, events)
        self._on_saved()
        return saved


def require_moderator(by: Principal, agency: str | None) -> None:
    """Moderators act on their own agency's citizen text only."""
    by.require("moderator")
    if agency is None or by.agency != agency:
        raise Forbidden("moderators act only on their own agency's content")


def _hidden(content: Content, cause: str, reason: str) -> Envelope:
    event = ContentHidden(
        content_id=content.content_id,
        content_kind=content.kind,
        agency=content.agency,
        cause=cause,
        reason=reason,
        hidden_at=content.audit[-1].at,
    )
    return envelope(event, agency=content.agency)


def _now() -> datetime:
    return datetime.now(UTC)
