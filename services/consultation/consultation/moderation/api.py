"""HTTP routes of moderation: flagging by citizens, the moderators' queue and actions."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from consultation.moderation.content import Content
from consultation.moderation.handlers import ModerationHandlers
from sharik.events.consultation import FlagReason
from sharik.http import CurrentUser

router = APIRouter(prefix="/moderation", tags=["moderation"])


def _handlers(request: Request) -> ModerationHandlers:
    return request.app.state.moderation


Handlers = Annotated[ModerationHandlers, Depends(_handlers)]


class FlagIn(BaseModel):
    reason: FlagReason


class ActionIn(BaseModel):
    reason: str = Field(min_length=3, max_length=500)


class ModeratedOut(BaseModel):
    """A content as moderators see it: text, state, flags and its audit trail."""

    content_id: str
    kind: str
    ref: str
    text: str
    visibility: str
    flags: int
    flags_since_review: int
    audit: list[dict]

    @classmethod
    def of(cls, content: Content) -> "ModeratedOut":
        return cls(
            content_id=content.content_id,
            kind=content.kind,
            ref=content.ref,
            text=content.text,
            visibility=content.visibility,
            flags=content.total_flags,
            flags_since_review=content.flags_since_review,
            audit=[a.model_dump(mode="json") for a in content.audit],
        )


@router.post("/contents/{content_id}/flags", status_code=201)
async def flag(content_id: str, body: FlagIn, user: CurrentUser, handlers: Handlers) -> dict:
    """Flag citizen text (spam, offensive, off topic, personal data); once per citizen."""
    content = await handlers.flag(content_id, body.reason, by=user)
    return content.public()


@router.post("/contents/{content_id}/hide")
async def hide(content_id: str, body: ActionIn, user: CurrentUser, handlers: Handlers) -> ModeratedOut:
    return ModeratedOut.of(await handlers.hide(content_id, body.reason, by=user))


@router.post("/contents/{content_id}/restore")
async def restore(content_id: str, body: ActionIn, user: CurrentUser, handlers: Handlers) -> ModeratedOut:
    return ModeratedOut.of(await handlers.restore(content_id, body.reason, by=user))


@router.get("/queue")
async def queue(
    user: CurrentUser,
    handlers: Handlers,
    visibility: Literal["held", "hidden"] = "held",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[ModeratedOut]:
    """The moderator's agency's held (or hidden) texts, oldest first."""
    return [ModeratedOut.of(c) for c in await handlers.queue(visibility=visibility, by=user, limit=limit)]
