"""Use cases of initiatives: citizens draft, join the committee, file, support and
withdraw; the addressed agency's officers check admissibility and answer; a clock
expires initiatives past their deadline and flags answers past due."""

from datetime import UTC, datetime
from typing import Any

from ulid import ULID

from consultation.initiative import published
from consultation.initiative.initiative import AnswerOutcome, Initiative, Proposal
from consultation.initiative.rules import RuleStore
from consultation.initiative.store import InitiativeStore
from consultation.initiative.supports import SupportStore
from consultation.moderation.handlers import ModerationHandlers
from sharik.auth import Principal
from sharik.errors import ConcurrentChange, Forbidden, NotFound
from sharik.events import Envelope, LocalizedText
from sharik.pseudonym import pseudonym

RETRIES = 5
CLOCK_BATCH = 200


def _now() -> datetime:
    return datetime.now(UTC)


class InitiativeHandlers:
    def __init__(
        self,
        store: InitiativeStore,
        supports: SupportStore,
        rules: RuleStore,
        *,
        moderation: ModerationHandlers,
        pseudonym_key: str,
        min_committee: int,
        on_saved=lambda: None,
    ) -> None:
        self.store = store
        self.supports = supports
        self.rules = rules
        self._moderation = moderation
        self._key = pseudonym_key
        self._min_committee = min_committee
        self._on_saved = on_saved

    def person(self, initiative_id: str, by: Principal, *, role: str) -> str:
        """A citizen's pseudonym within one initiative (as promoter or supporter)."""
        return pseudonym(self._key, by.subject, purpose=f"initiative-{role}:{initiative_id}")

    async def draft(self, proposal: Proposal, *, by: Principal) -> Initiative:
        by.require("citizen")
        initiative_id = str(ULID())
        content = await self._moderation.submit(
            content_id=str(ULID()),
            kind="initiative",
            agency=proposal.agency,
            ref=f"initiative/{initiative_id}",
            text=f"{proposal.title}\n{proposal.text}",
            author=None,
        )
        initiative = Initiative(
            initiative_id=initiative_id,
            promoter=self.person(initiative_id, by, role="promoter"),
            proposal=proposal,
            content_id=content.content_id,
            min_committee=self._min_committee,
            created_at=_now(),
        )
        saved = await self.store.add(initiative, [])
        self._on_saved()
        return saved

    async def join(self, initiative_id: str, *, by: Principal) -> Initiative:
        """A co-promoter accepts the promoter's invitation (the initiative's link)."""
        by.require("citizen")
        member = self.person(initiative_id, by, role="promoter")
        return await self._retrying(initiative_id, lambda i: (i.join_committee(member), []))

    async def file(self, initiative_id: str, *, by: Principal) -> Initiative:
        by.require("citizen")
        promoter = self.person(initiative_id, by, role="promoter")
        now = _now()

        def change(i: Initiative):
            done = i.file(promoter)
            return done, [published.filed(done, now)]

        return await self._retrying(initiative_id, change)

    async def admit(self, initiative_id: str, *, by: Principal) -> Initiative:
        initiative = await self._own(initiative_id, by)
        now = _now()
        admitted = initiative.admit(await self.rules.of(initiative.agency, initiative.proposal.scope), now=now)
        return await self._save(admitted, [published.admitted(admitted, now)])

    async def reject(self, initiative_id: str, reason: LocalizedText, *, by: Principal) -> Initiative:
        initiative = await self._own(initiative_id, by)
        return await self._save(initiative.reject(reason), [published.rejected(initiative, reason, _now())])

    async def support(self, initiative_id: str, *, by: Principal) -> int:
        """One support per resident of the scope; the count afterwards."""
        by.require("citizen")
        initiative = await self.store.get(initiative_id)
        initiative.require_collecting(_now())
        if not initiative.proposal.scope.includes(by):
            raise Forbidden("only residents of the initiative's scope support it", details=[{"field": "scope"}])
        count = await self.supports.add(initiative_id, self.person(initiative_id, by, role="supporter"))
        await self._check_threshold(initiative_id, count)
        return count

    async def support_many(self, initiative_id: str, supporters: list[str]) -> int:
        """Count many supporters' pseudonyms at once (supports gathered in bulk)."""
        initiative = await self.store.get(initiative_id)
        initiative.require_collecting(_now())
        count = await self.supports.add_many(initiative_id, supporters)
        await self._check_threshold(initiative_id, count)
        return count

    async def withdraw(self, initiative_id: str, *, by: Principal) -> int:
        by.require("citizen")
        initiative = await self.store.get(initiative_id)
        initiative.require_collecting(_now())
        return await self.supports.remove(initiative_id, self.person(initiative_id, by, role="supporter"))

    async def answer(
        self, initiative_id: str, *, outcome: AnswerOutcome, reasoning: LocalizedText, by: Principal
    ) -> Initiative:
        initiative = await self._own(initiative_id, by)
        done = initiative.answered(outcome, reasoning, now=_now())
        return await self._save(done, [published.answered(done)])

    async def tick(self, now: datetime | None = None) -> int:
        """Expire initiatives past their deadline below the threshold, and flag those
        whose answer is overdue; how many changed."""
        now = now or _now()
        changed = 0
        for initiative in await self.store.closing(now, limit=CLOCK_BATCH):
            gone = initiative.expired(now)
            if gone is not None:
                count = await self.store.count(initiative.initiative_id)
                changed += await self._save_quietly(gone, [published.expired(gone, count, now)])
        for initiative in await self.store.answer_overdue(now, limit=CLOCK_BATCH):
            late = initiative.overdue(now)
            if late is not None:
                changed += await self._save_quietly(late, [published.overdue(late)])
        return changed

    async def view(self, initiative_id: str, *, by: Principal | None) -> dict[str, Any]:
        """Filed initiatives are public (with the live count, never the supporters);
        a draft to its promoter and committee only."""
        initiative = await self.store.get(initiative_id)
        if initiative.state == "draft":
            me = self.person(initiative_id, by, role="promoter") if by is not None else None
            if me != initiative.promoter and me not in initiative.committee:
                raise NotFound(f"no initiative {initiative_id}")
        [content] = (await self._moderation.store.by_ids([initiative.content_id])).values()
        shown = initiative.model_dump(
            mode="json",
            exclude={"promoter", "committee", "content_id", "version"},
        )
        if content.visibility != "visible":
            shown["proposal"] |= {"title": None, "text": None, "notice": content.public()["notice"]}
        supporting = by is not None and await self.supports.supports(
            initiative_id, self.person(initiative_id, by, role="supporter")
        )
        return shown | {
            "committee_size": len(initiative.committee),
            "supports": await self.store.count(initiative_id),
            "you_support": supporting,
        }

    async def _check_threshold(self, initiative_id: str, count: int) -> None:
        for _ in range(RETRIES):
            initiative = await self.store.get(initiative_id)
            reached = initiative.reached(count, now=_now())
            if reached is None:
                return
            try:
                await self._save(reached, [published.reached(reached, count)])
                return
            except ConcurrentChange:
                continue

    async def _own(self, initiative_id: str, by: Principal) -> Initiative:
        initiative = await self.store.get(initiative_id)
        by.require_staff_of(initiative.agency)
        return initiative

    async def _retrying(self, initiative_id: str, change) -> Initiative:
        for _ in range(RETRIES):
            changed, events = change(await self.store.get(initiative_id))
            try:
                return await self._save(changed, events)
            except ConcurrentChange:
                continue
        raise ConcurrentChange("the initiative is changing; try again")

    async def _save_quietly(self, initiative: Initiative, events: list[Envelope]) -> int:
        """For the clock: a change someone else made first is theirs."""
        try:
            await self._save(initiative, events)
            return 1
        except ConcurrentChange:
            return 0

    async def _save(self, initiative: Initiative, events: list[Envelope]) -> Initiative:
        saved = await self.store.save(initiative, events)
        self._on_saved()
        return saved
