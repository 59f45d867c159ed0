"""Use cases of a competition's call, stages and jury: officers of the agency run it,
its jurors declare conflicts and its chair may override a stage's result."""

from datetime import UTC, datetime

from ulid import ULID

from consultation.competition import published
from consultation.competition.assignment import assign
from consultation.competition.competition import Call, Competition, Jury, Outcome, Override
from consultation.competition.scoring import ScoredReview, rank, top
from consultation.competition.stages import JUDGED
from consultation.competition.store import CompetitionStore, IdeaStore, ReviewStore
from sharik.auth import Principal
from sharik.errors import Conflict, Forbidden, Invalid, NotFound
from sharik.events import Envelope

STAFF = ("officer", "agency_admin")


def _now() -> datetime:
    return datetime.now(UTC)


class CompetitionHandlers:
    def __init__(self, store: CompetitionStore, ideas: IdeaStore, reviews: ReviewStore, *, on_saved=lambda: None) -> None:
        self.store = store
        self._ideas = ideas
        self._reviews = reviews
        self._on_saved = on_saved

    async def create(self, call: Call, *, campaign_id: str | None, by: Principal) -> Competition:
        """An officer drafts a competition for their own agency."""
        by.require(*STAFF)
        competition = Competition(
            competition_id=str(ULID()),
            agency=by.agency,
            campaign_id=campaign_id,
            call=call,
            created_by=by.subject,
            created_at=_now(),
        )
        return await self.store.add(competition, [])

    async def revise(self, competition_id: str, call: Call, *, by: Principal) -> Competition:
        competition = await self.own(competition_id, by)
        return await self._save(competition.revise(call), [])

    async def publish(self, competition_id: str, *, by: Principal) -> Competition:
        """Announce the call; submissions open."""
        competition = await self.own(competition_id, by)
        now = _now()
        opened = competition.publish(now)
        return await self._save(opened, [published.published(opened), published.stage_opened(opened, now)])

    async def name_jury(self, competition_id: str, jury: Jury, *, by: Principal) -> Competition:
        competition = await self.own(competition_id, by)
        return await self._save(competition.name_jury(jury), [])

    async def declare_conflicts(self, competition_id: str, idea_ids: tuple[str, ...], *, by: Principal) -> Competition:
        """A juror names the ideas they must not judge (a relative's, a colleague's)."""
        competition = await self.as_juror(competition_id, by)
        for index, idea_id in enumerate(idea_ids):
            try:
                await self._ideas.in_competition(competition_id, idea_id)
            except NotFound:
                raise Invalid(f"no idea {idea_id} in this competition", details=[{"field": f"idea_ids.{index}"}]) from None
        return await self._save(competition.declare_conflicts(by.subject, idea_ids), [])

    async def advance(self, competition_id: str, *, by: Principal) -> Competition:
        """Open the next stage with the ideas it considers; a judged stage's reviews
        are assigned as it opens."""
        competition = await self.own(competition_id, by)
        following = competition.call.stages[competition.stage_index + 1].kind if competition.stage_index >= 0 else None
        in_play = await self._in_play_of(competition, following)
        now = _now()
        opened = competition.next_stage(now=now, in_play=in_play)
        if opened.kind in JUDGED:
            assignment = assign(
                in_play, opened.jury.jurors, k=opened.jury.reviews_per_idea, conflicts=opened.conflicts_by_juror()
            )
            await self._reviews.assign(competition_id, opened.stage_index, assignment)
        events = [published.stage_opened(opened, now)]
        if opened.kind == "winners":
            events.append(published.winners(opened, now))
        return await self._save(opened, events)

    async def conclude(self, competition_id: str, *, override: tuple[tuple[str, ...], str] | None, by: Principal) -> Competition:
        """Rank the open judged stage's ideas from its reviews; the best advance. A tie
        at the cut, or any other choice, is the chair's, with a reason."""
        competition = await self.store.get(competition_id)
        if override is not None:
            competition.require_juror(by.subject)
            if by.subject != competition.jury.chair or by.agency != competition.agency:
                raise Forbidden("only the jury's chair overrides a result")
        else:
            by.require_staff_of(competition.agency)
        if competition.kind not in JUDGED:
            raise Conflict(f"a {competition.kind} stage is not judged", details=[{"field": "stage"}])
        reviews = await self._reviews.of_stage(competition_id, competition.stage_index)
        missing = [r for r in reviews if r["status"] != "submitted"]
        if missing:
            raise Conflict(
                f"{len(missing)} review(s) are not submitted yet",
                details=[{"field": "reviews", "missing": len(missing)}],
            )
        ranking = rank(
            [ScoredReview(idea_id=r["idea_id"], juror=r["juror"], total=r["total"]) for r in reviews],
            normalise=competition.jury.normalise,
        )
        advancing, tied = top(ranking, competition.stage.advancing)
        chosen = None
        if override is not None:
            chosen = Override(advancing=override[0], reason=override[1], by=by.subject)
            advancing = chosen.advancing
        elif tied:
            raise Conflict(
                "a tie at the cut: the chair decides which advance",
                details=[{"field": "override", "tied": list(tied), "advancing": list(advancing)}],
            )
        outcome = Outcome(
            stage_index=competition.stage_index,
            ranking=tuple(ranking),
            advancing=advancing,
            normalised=competition.jury.normalise,
            override=chosen,
            concluded_at=_now(),
        )
        concluded = competition.conclude(outcome)
        return await self._save(concluded, [published.concluded(concluded, outcome)])

    async def link_people_choice(self, competition_id: str, ballot_id: str, *, by: Principal) -> Competition:
        """The voting service's ballot over the shortlist (the public's choice)."""
        competition = await self.own(competition_id, by)
        if competition.kind != "shortlist":
            raise Conflict("a people's choice ballot runs over the shortlist", details=[{"field": "stage"}])
        return await self._save(competition.model_copy(update={"people_choice_ballot": ballot_id}), [])

    async def view(self, competition_id: str, *, by: Principal | None) -> Competition:
        """Published competitions are public; drafts only to their agency's staff."""
        competition = await self.store.get(competition_id)
        if competition.published_at is None:
            if by is None or not by.has(*STAFF) or by.agency != competition.agency:
                raise NotFound(f"no competition {competition_id}")
        return competition

    async def listed(self, *, agency: str | None, limit: int) -> list[Competition]:
        query: dict = {"published_at": {"$ne": None}}
        if agency:
            query["agency"] = agency
        return await self.store.find(query, sort=[("published_at", -1)], limit=limit)

    async def own(self, competition_id: str, by: Principal) -> Competition:
        competition = await self.store.get(competition_id)
        by.require_staff_of(competition.agency)
        return competition

    async def as_juror(self, competition_id: str, by: Principal) -> Competition:
        """Jurors hold the `jury` role in the competition's agency and are named for it."""
        by.require("jury")
        competition = await self.store.get(competition_id)
        if by.agency != competition.agency:
            raise Forbidden("jurors act only on their own agency's competitions")
        competition.require_juror(by.subject)
        return competition

    async def _in_play_of(self, competition: Competition, following: str | None) -> tuple[str, ...]:
        if following == "screening":
            ideas = await self._ideas.of_competition(competition.competition_id, statuses=("submitted",))
            return tuple(i.idea_id for i in ideas)
        if competition.kind == "screening":
            ideas = await self._ideas.of_competition(competition.competition_id, statuses=("submitted", "eligible"))
            unscreened = [i.idea_id for i in ideas if i.status == "submitted"]
            if unscreened:
                raise Conflict(
                    f"{len(unscreened)} idea(s) are not screened yet", details=[{"field": "ideas", "unscreened": unscreened}]
                )
            return tuple(i.idea_id for i in ideas)
        return competition.carried_forward()

    async def _save(self, competition: Competition, events: list[Envelope]) -> Competition:
        saved = await self.store.save(competition, events)
        self._on_saved()
        return saved
