"""Use cases of ideas: citizens submit (after seeing likely duplicates), edit until
the deadline, withdraw, or support another's instead; officers screen them; an
adopted winner becomes a decision of the competition's campaign."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from ulid import ULID

from consultation.competition import published
from consultation.competition.competition import Competition
from consultation.competition.handlers import CompetitionHandlers
from consultation.competition.idea import Idea, Proposal, Screening
from consultation.competition.store import IdeaStore
from consultation.moderation.handlers import ModerationHandlers
from consultation.participants import participant
from sharik.auth import Principal
from sharik.errors import ConcurrentChange, Conflict, Invalid, NotFound
from sharik.events import LocalizedText
from sharik.pseudonym import pseudonym
from sharik.text import similarity

SIMILAR = 0.3
"""Jaccard index of normalised words from which an existing idea is shown as a likely duplicate."""
SHOWN_SIMILAR = 5
RETRIES = 5
STANDING = ("submitted", "eligible")

Decide = Callable[..., Awaitable[str]]
"""Records a campaign decision resting on an idea; returns the decision's id."""


def _now() -> datetime:
    return datetime.now(UTC)


class IdeaHandlers:
    def __init__(
        self,
        ideas: IdeaStore,
        competitions: CompetitionHandlers,
        *,
        moderation: ModerationHandlers,
        decide: Decide,
        pseudonym_key: str,
        on_saved=lambda: None,
    ) -> None:
        self.store = ideas
        self._competitions = competitions
        self._moderation = moderation
        self._decide = decide
        self._key = pseudonym_key
        self._on_saved = on_saved

    def submitter(self, competition: Competition, by: Principal) -> str:
        """The citizen's pseudonym within this competition."""
        return pseudonym(self._key, by.subject, purpose=f"idea-submitter:{competition.competition_id}")

    async def similar(self, competition_id: str, text: str) -> list[dict[str, Any]]:
        """Standing ideas of the competition whose words overlap `text`, most similar first."""
        competition = await self._competitions.view(competition_id, by=None)
        ideas = await self.store.of_competition(competition.competition_id, statuses=STANDING)
        visible = await self._moderation.store.by_ids([i.content_id for i in ideas])
        scored = [
            (round(similarity(text, i.proposal.text()), 3), i)
            for i in ideas
            if i.content_id in visible and visible[i.content_id].visibility == "visible"
        ]
        scored = sorted((s for s in scored if s[0] >= SIMILAR), key=lambda s: (-s[0], s[1].submitted_at))
        return [
            {"idea_id": i.idea_id, "title": i.proposal.title, "similarity": score, "supports": len(i.supporters)}
            for score, i in scored[:SHOWN_SIMILAR]
        ]

    async def submit(self, competition_id: str, proposal: Proposal, *, by: Principal) -> Idea:
        by.require("citizen")
        competition = await self._competitions.view(competition_id, by=None)
        competition.require_submissions_open(_now())
        _check_fits_call(competition, proposal)
        idea_id = str(ULID())
        content = await self._text(competition, idea_id, proposal)
        now = _now()
        idea = Idea(
            idea_id=idea_id,
            competition_id=competition_id,
            agency=competition.agency,
            submitter=self.submitter(competition, by),
            proposal=proposal,
            content_id=content.content_id,
            submitted_at=now,
            updated_at=now,
        )
        author = participant(self._key, by, campaign_id=competition.campaign_id, tool_id=competition_id)
        saved = await self.store.add(idea, [published.submitted(idea, campaign_id=competition.campaign_id, participant=author)])
        self._on_saved()
        return saved

    async def edit(self, competition_id: str, idea_id: str, proposal: Proposal, *, by: Principal) -> Idea:
        competition, idea = await self._own(competition_id, idea_id, by)
        competition.require_submissions_open(_now())
        _check_fits_call(competition, proposal)
        content = await self._text(competition, idea_id, proposal)
        return await self._save(idea.edited(proposal, content_id=content.content_id, now=_now()), [])

    async def withdraw(self, competition_id: str, idea_id: str, *, by: Principal) -> Idea:
        _, idea = await self._own(competition_id, idea_id, by)
        gone = idea.withdrawn(_now())
        return await self._save(gone, [published.withdrawn(gone)])

    async def support(self, competition_id: str, idea_id: str, *, by: Principal) -> Idea:
        """"Support this one instead": one support per citizen."""
        by.require("citizen")
        competition = await self._competitions.view(competition_id, by=None)
        supporter = self.submitter(competition, by)
        for _ in range(RETRIES):
            idea = await self.store.in_competition(competition_id, idea_id)
            try:
                return await self._save(idea.supported(supporter), [])
            except ConcurrentChange:
                continue
        raise ConcurrentChange("many are supporting this idea at once; try again")

    async def screen(
        self, competition_id: str, idea_id: str, *, eligible: bool, reason: LocalizedText, by: Principal
    ) -> Idea:
        competition = await self._competitions.own(competition_id, by)
        if competition.kind != "screening":
            raise Conflict("ideas are screened in the screening stage", details=[{"field": "stage", "stage": competition.kind}])
        idea = await self.store.in_competition(competition_id, idea_id)
        done = idea.screened(Screening(eligible=eligible, reason=reason, by=by.subject, at=_now()))
        return await self._save(done, [published.screened(done)])

    async def adopt(
        self, competition_id: str, idea_id: str, *, text: LocalizedText, funded_omr: float | None, by: Principal
    ) -> Idea:
        """A winning idea is adopted: it becomes a decision of the competition's campaign."""
        competition = await self._competitions.own(competition_id, by)
        if idea_id not in competition.winners:
            raise Conflict("only an announced winner is adopted", details=[{"field": "idea_id"}])
        if competition.campaign_id is None:
            raise Conflict("the competition belongs to no campaign to decide in", details=[{"field": "campaign_id"}])
        idea = await self.store.in_competition(competition_id, idea_id)
        idea.adopted(decision_id="-", funded_omr=funded_omr)  # refuse a second adoption before deciding
        decision_id = await self._decide(
            competition.campaign_id,
            idea_id=idea_id,
            label=LocalizedText(ar=f"فكرة فائزة: {idea.proposal.title}", en=f"Winning idea: {idea.proposal.title}"),
            text=text,
            by=by,
        )
        adopted = idea.adopted(decision_id=decision_id, funded_omr=funded_omr)
        return await self._save(adopted, [published.adopted(adopted, campaign_id=competition.campaign_id, at=_now())])

    async def listed(self, competition_id: str, *, by: Principal | None) -> list[dict[str, Any]]:
        """The competition's standing ideas as the public sees them: no submitter, no
        team, the text only while moderation shows it."""
        competition = await self._competitions.view(competition_id, by=by)
        ideas = await self.store.of_competition(competition.competition_id, statuses=STANDING)
        texts = await self._moderation.store.by_ids([i.content_id for i in ideas])
        return [public(i, texts.get(i.content_id)) for i in ideas]

    async def mine(self, competition_id: str, *, by: Principal) -> list[Idea]:
        """The caller's own ideas, with the screening reason."""
        by.require("citizen")
        competition = await self._competitions.view(competition_id, by=None)
        return await self.store.of_submitter(competition_id, self.submitter(competition, by))

    async def _own(self, competition_id: str, idea_id: str, by: Principal) -> tuple[Competition, Idea]:
        by.require("citizen")
        competition = await self._competitions.view(competition_id, by=None)
        idea = await self.store.in_competition(competition_id, idea_id)
        try:
            idea.require_submitter(self.submitter(competition, by))
        except Conflict:
            raise NotFound(f"no idea {idea_id} of yours", details=[{"field": "idea_id"}]) from None
        return competition, idea

    async def _text(self, competition: Competition, idea_id: str, proposal: Proposal):
        return await self._moderation.submit(
            content_id=str(ULID()),
            kind="idea",
            agency=competition.agency,
            ref=f"{competition.competition_id}/{idea_id}",
            text=proposal.text(),
            author=None,
        )

    async def _save(self, idea: Idea, events) -> Idea:
        saved = await self.store.save(idea, events)
        self._on_saved()
        return saved


def public(idea: Idea, content) -> dict[str, Any]:
    """An idea as anyone may see it; a notice in place of text moderation hid."""
    shown: dict[str, Any] = {
        "idea_id": idea.idea_id,
        "theme_id": idea.proposal.theme_id,
        "language": idea.proposal.language,
        "status": idea.status,
        "supports": len(idea.supporters),
        "team_size": 1 + len(idea.proposal.team),
        "submitted_at": idea.submitted_at,
        "decision_id": idea.decision_id,
    }
    if content is not None and content.visibility == "visible":
        return shown | idea.proposal.model_dump(include={"title", "problem", "solution", "impact", "attachments"})
    notice = content.public()["notice"] if content is not None else None
    return shown | {"visibility": content.visibility if content else "held", "notice": notice}


def _check_fits_call(competition: Competition, proposal: Proposal) -> None:
    if proposal.theme_id not in {t.theme_id for t in competition.call.themes}:
        raise Invalid(f"no theme {proposal.theme_id!r} in this competition", details=[{"field": "theme_id"}])
    if competition.call.eligibility == "individuals" and proposal.team:
        raise Invalid("this competition takes ideas from individuals only", details=[{"field": "team"}])
    if competition.call.eligibility == "teams" and not proposal.team:
        raise Invalid("this competition takes ideas from teams only", details=[{"field": "team"}])
    if 1 + len(proposal.team) > competition.call.max_team_size:
        raise Invalid(f"a team has at most {competition.call.max_team_size} members", details=[{"field": "team"}])
