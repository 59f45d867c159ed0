"""What the public reads of a consultation on a draft: per section the comments by
stance, the most supported ones, the agency's answers and outcome, and the change
between the draft and the adopted text next to the comments that led to it."""

from typing import Any

from consultation.draft_policy.document import DraftPolicy
from consultation.moderation.content import Content

STANCES = ("for", "against", "neutral")


def public_comment(comment: dict[str, Any], texts: dict[str, Content]) -> dict[str, Any]:
    """A comment as anyone may see it: its text or a moderation notice, never its author."""
    content = texts.get(comment["_id"])
    shown = content.public() if content else {"content_id": comment["_id"], "visibility": "held"}
    return {
        "comment_id": comment["_id"],
        "section": comment["section"],
        "stance": comment.get("stance"),
        "supports": comment.get("supports", 0),
        "answer": comment.get("answer"),
        "created_at": comment["created_at"],
        **{k: v for k, v in shown.items() if k != "content_id"},
        "replies": [public_comment({**r, "replies": []}, texts) for r in comment.get("replies", [])],
    }


def section_report(
    document: DraftPolicy,
    number: int,
    *,
    stances: dict[str, int],
    top_comments: list[dict[str, Any]],
    analysis: dict[str, Any],
) -> dict[str, Any]:
    drafted = document.section(number)
    conclusion = next((c for c in document.conclusions if c.section == number), None)
    adopted = None
    if document.adoption is not None:
        adopted = next((s for s in document.adoption.sections if s.number == number), None)
    return {
        "section": number,
        "heading": drafted.heading.model_dump(),
        "draft_text": drafted.text.model_dump(),
        "adopted_text": adopted.text.model_dump() if adopted else None,
        "changed": document.adoption is not None and number in document.adoption.changed_sections,
        "comments": {"total": sum(stances.values()), **{s: stances.get(s, 0) for s in STANCES}},
        "most_supported": top_comments,
        "outcome": conclusion.model_dump(exclude={"section"}) if conclusion else None,
        "analysis": analysis,
    }
