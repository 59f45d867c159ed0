"""Moderation of draft-policy comments: a hidden comment leaves the public counts until
a moderator restores it. Each contribution keeps the latest moderation decision only,
by its time, so the order the events arrive in does not matter."""

from datetime import datetime

from reporting.projections.change import Change
from reporting.projections.participation import CONTRIBUTIONS
from sharik.events.consultation import ContentHidden, ContentRestored


def content_hidden(event: ContentHidden) -> list[Change]:
    return _moderated(event.content_kind, event.content_id, hidden=True, at=event.hidden_at)


def content_restored(event: ContentRestored) -> list[Change]:
    return _moderated(event.content_kind, event.content_id, hidden=False, at=event.restored_at)


def _moderated(kind: str, content_id: str, *, hidden: bool, at: datetime) -> list[Change]:
    # A comment is its own content (content_id is the comment_id); survey answers are
    # never published, so their moderation changes no figure.
    if kind != "comment":
        return []
    newer = {"$or": [{"moderated_at": {"$exists": False}}, {"moderated_at": {"$lt": at}}]}
    return [Change(CONTRIBUTIONS, content_id, {"$set": {"hidden": hidden, "moderated_at": at}}, guard=newer)]


PROJECTIONS = {ContentHidden: content_hidden, ContentRestored: content_restored}
