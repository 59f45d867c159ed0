"""HTTP routes of draft-policy consultations."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from consultation.draft_policy.document import Adoption, Conclusion, Draft, DraftPolicy, Phase, Section
from consultation.draft_policy.handlers import DraftPolicyHandlers
from sharik.events import LocalizedText
from sharik.events.consultation import SectionOutcome, Stance
from sharik.http import CurrentUser, OptionalUser

router = APIRouter(prefix="/documents", tags=["draft policies"])


def _handlers(request: Request) -> DraftPolicyHandlers:
    return request.app.state.documents


Handlers = Annotated[DraftPolicyHandlers, Depends(_handlers)]


class DocumentOut(BaseModel):
    document_id: str
    agency: str
    phase: Phase
    published_at: datetime | None
    draft: Draft
    conclusions: tuple[Conclusion, ...]
    adoption: Adoption | None

    @classmethod
    def of(cls, document: DraftPolicy) -> "DocumentOut":
        return cls(
            **document.model_dump(include={"document_id", "agency", "published_at", "draft", "conclusions", "adoption"}),
            phase=document.phase(datetime.now(UTC)),
        )


class CommentIn(BaseModel):
    stance: Stance | None = None
    """Required on a comment; replies take none."""
    reply_to: str | None = None
    text: str = Field(min_length=2, max_length=5000)


class AnswerIn(BaseModel):
    text: LocalizedText


class ConclusionIn(BaseModel):
    outcome: SectionOutcome
    reason: LocalizedText


class AdoptionIn(BaseModel):
    sections: tuple[Section, ...] = Field(min_length=1, max_length=500)


@router.post("", status_code=201)
async def create(body: Draft, user: CurrentUser, handlers: Handlers) -> DocumentOut:
    """Write a draft for the caller's agency."""
    return DocumentOut.of(await handlers.create(body, by=user))


@router.put("/{document_id}")
async def edit(document_id: str, body: Draft, user: CurrentUser, handlers: Handlers) -> DocumentOut:
    return DocumentOut.of(await handlers.edit(document_id, body, by=user))


@router.post("/{document_id}/publish")
async def publish(document_id: str, user: CurrentUser, handlers: Handlers) -> DocumentOut:
    """Open it for comment until its deadline → DraftPolicyPublished."""
    return DocumentOut.of(await handlers.publish(document_id, by=user))


@router.get("/{document_id}")
async def view(document_id: str, user: OptionalUser, handlers: Handlers) -> DocumentOut:
    return DocumentOut.of(await handlers.view(document_id, by=user))


@router.post("/{document_id}/sections/{section}/comments", status_code=201)
async def comment(document_id: str, section: int, body: CommentIn, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    """Comment on a section with a stance, or reply to a comment → CommentPosted."""
    return await handlers.comment(
        document_id, section=section, stance=body.stance, reply_to=body.reply_to, text=body.text, by=user
    )


@router.get("/{document_id}/sections/{section}/comments")
async def comments(
    document_id: str, section: int, user: OptionalUser, handlers: Handlers, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[dict[str, Any]]:
    """A section's comments, most supported first, with replies and the agency's answers."""
    return await handlers.comments(document_id, section, by=user, limit=limit)


@router.post("/{document_id}/comments/{comment_id}/supports", status_code=201)
async def support(document_id: str, comment_id: str, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    """Support a comment, once per citizen."""
    return await handlers.support(document_id, comment_id, by=user)


@router.post("/{document_id}/comments/{comment_id}/answer")
async def answer(document_id: str, comment_id: str, body: AnswerIn, user: CurrentUser, handlers: Handlers) -> dict[str, Any]:
    """The agency answers a comment."""
    return await handlers.answer(document_id, comment_id, body.text, by=user)


@router.post("/{document_id}/sections/{section}/outcome")
async def conclude(
    document_id: str, section: int, body: ConclusionIn, user: CurrentUser, handlers: Handlers
) -> DocumentOut:
    """After the deadline: accepted, partly accepted or not accepted, and why → SectionConcluded."""
    return DocumentOut.of(await handlers.conclude(document_id, section, body.outcome, body.reason, by=user))


@router.post("/{document_id}/adoption")
async def adopt(document_id: str, body: AdoptionIn, user: CurrentUser, handlers: Handlers) -> DocumentOut:
    """After the deadline: the adopted text as version 2 → DraftPolicyAdopted."""
    return DocumentOut.of(await handlers.adopt(document_id, body.sections, by=user))


@router.get("/{document_id}/report")
async def report(document_id: str, user: OptionalUser, handlers: Handlers) -> dict[str, Any]:
    """Per section: comments by stance, most supported, answers, outcome, the change made."""
    return await handlers.report(document_id, by=user)
