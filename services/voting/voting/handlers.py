"""Use cases: command in, ballot loaded, rule applied, state and events saved."""

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from ulid import ULID

from sharik.auth import Principal
from sharik.errors import ConcurrentChange, Conflict, NotFound
from sharik.pseudonym import pseudonym
from voting import catalog_events
from voting.audit import CLOSE_JOB, Action, AuditLog
from voting.board_store import BoardStore
from voting.domain.ballot import Ballot, Marked, OptionDraft, Text, WindowClosed
from sharik_verify.board import ListSeal
from voting.domain.constituency import Candidacy, Constituency, same_place
from voting.domain.eligibility import Eligibility, not_on_roll
from sharik_verify.tally import BallotKind, Tally
from voting.domain.turnout import Turnout, count_turnout
from voting.domain.vote import Vote
from voting.roll_store import RollStore
from voting.running_tally import RunningTally
from voting.store import BallotStore
from voting.vote_writer import VoteWriter

log = structlog.get_logger(__name__)

IN_FLIGHT_POLL_SECONDS = 0.05
OPEN_BALLOT_SECONDS = 5.0


@dataclass(frozen=True)
class DraftBallot:
    question: Text
    options: list[tuple[str | None, Text] | OptionDraft]
    opens_at: datetime
    closes_at: datetime
    campaign_id: str | None = None
    show_preliminary: bool = False
    binding: bool = False
    kind: BallotKind = "single_choice"
    allow_write_in: bool = False
    min_selections: int | None = None
    max_selections: int | None = None
    seats: int | None = None
    total_budget: int | None = None
    max_projects: int | None = None
    budget_limit: bool | None = None
    rule: str | None = None
    constituencies: tuple[Constituency, ...] = ()
    eligibility: Eligibility = Eligibility()


class BallotHandlers:
    def __init__(
        self,
        store: BallotStore,
        *,
        board: BoardStore,
        roll: RollStore,
        audit: AuditLog,
        tally: RunningTally,
        votes: VoteWriter,
        pseudonym_key: str,
        in_flight_wait_seconds: float = 10.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_saved: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._board = board
        self._roll = roll
        self._audit = audit
        self._tally = tally
        self._votes = votes
        self._open_ballots: dict[str, tuple[float, Ballot]] = {}
        self._pseudonym_key = pseudonym_key
        self._in_flight_wait = in_flight_wait_seconds
        self._clock = clock
        self._on_saved = on_saved

    async def draft(self, command: DraftBallot, *, by: Principal) -> Ballot:
        """An officer drafts a ballot for their own agency."""
        by.require("officer", "agency_admin")
        ballot = Ballot.draft(
            ballot_id=str(ULID()),
            agency=by.agency,
            question=command.question,
            options=command.options,
            opens_at=command.opens_at,
            closes_at=command.closes_at,
            campaign_id=command.campaign_id,
            show_preliminary=command.show_preliminary,
            binding=command.binding,
            kind=command.kind,
            allow_write_in=command.allow_write_in,
            min_selections=command.min_selections,
            max_selections=command.max_selections,
            seats=command.seats,
            total_budget=command.total_budget,
            max_projects=command.max_projects,
            budget_limit=command.budget_limit,
            rule=command.rule,
            constituencies=command.constituencies,
            eligibility=command.eligibility,
            created_by=by.subject,
            now=self._clock(),
        )
        saved = await self._store.add(ballot, [])
        await self._audited(saved, "create", by.subject, {"kind": saved.kind, "eligibility": saved.eligibility.mode})
        return saved

    async def open(self, ballot_id: str, *, by: Principal) -> Ballot:
        """Staff of the ballot's agency open it; votes count from opens_at."""
        ballot = await self._store.get(ballot_id)
        by.require_staff_of(ballot.agency)
        opened = ballot.open(now=self._clock())
        saved = await self._store.save(opened, [catalog_events.ballot_opened(opened)])
        self._on_saved()
        # The roll froze with this save; an import that began before it is let finish.
        await self._until_none_in_flight(self._roll.changes_in_flight, ballot_id, "roll changes")
        await self._audited(saved, "open", by.subject)
        return saved

    async def vote(self, ballot_id: str, marked: Marked, *, by: Principal) -> Vote:
        """A citizen casts one vote; the vote is stored without them."""
        by.require("citizen")
        ballot = await self._ballot_to_vote_in(ballot_id)
        now = self._clock()
        choice = ballot.check_vote(marked, now=now)
        registered_in = await self._check_eligible(ballot, by)
        ballot.check_constituency(choice, registered_in)
        governorate = ballot.governorate_of(registered_in=registered_in, claimed=by.governorate)
        vote = Vote(vote_id=uuid.uuid4().hex, ballot_id=ballot_id, choice=choice)
        voter = pseudonym(self._pseudonym_key, by.subject, purpose=f"voter:{ballot_id}")
        try:
            await self._votes.record(
                ballot_id, voter=voter, governorate=governorate, vote_id=vote.vote_id, choice=vote.choice
            )
        except WindowClosed:
            self._open_ballots.pop(ballot_id, None)
            raise
        # Announced by the board sealer once on the board (board_handlers.py).
        return vote

    async def _ballot_to_vote_in(self, ballot_id: str) -> Ballot:
        """The ballot as read in the last seconds while open. What a vote is checked
        against never changes once a ballot opens, and `vote` reads the state again
        before storing, so a national ballot is not read twice per vote."""
        now = time.monotonic()
        read_at, ballot = self._open_ballots.get(ballot_id, (0.0, None))
        if ballot is not None and now - read_at < OPEN_BALLOT_SECONDS:
            return ballot
        ballot = await self._store.get(ballot_id)
        if ballot.state == "open":
            self._open_ballots[ballot_id] = (now, ballot)
        return ballot

    async def close(self, ballot_id: str, *, by: Principal | None, take_over_before: datetime | None = None) -> Ballot:
        """Stop voting, count, and publish the result; `by` is None for the close job,
        which takes over a count only when it started before `take_over_before`."""
        ballot = await self._store.get(ballot_id)
        if by is not None:
            by.require_staff_of(ballot.agency)
        elif ballot.state == "counting" and take_over_before is not None and ballot.closed_at > take_over_before:
            # Another replica stopped it since this job listed it as due: that one counts it.
            raise Conflict("another replica is counting this ballot")
        if ballot.state != "counting":
            ballot = await self._store.save(ballot.stop_voting(now=self._clock()), [])
        # Every vote admitted before the stop, by a writer still alive, is in the box before the count.
        while await self._store.votes_in_flight(ballot_id, now=datetime.now(UTC)):
            await asyncio.sleep(IN_FLIGHT_POLL_SECONDS)
        board = await self._sealed_board(ballot)
        # Counted from the sealed board, so the published result is the board's by construction.
        cast = await self._board.choices(ballot_id, binding=ballot.binding)
        closed = ballot.publish(cast, board=board, now=self._clock(), turnout=await self._turnout(ballot))
        try:
            saved = await self._store.save(closed, catalog_events.ballot_closed_with_result(closed))
        except ConcurrentChange:
            # The close job took over a count that looked abandoned while this one waited
            # for votes in flight: both count the same sealed board.
            current = await self._store.get(ballot_id)
            if current.state == "closed" and by is not None:
                return current
            raise Conflict("another replica closed this ballot") from None
        self._on_saved()
        assert saved.result is not None
        await self._audited(
            saved, "close", by.subject if by is not None else CLOSE_JOB, {"votes_cast": saved.result.total_votes}
        )
        await self._report_lost_votes(saved)
        return saved

    async def close_due(self, *, stale_after: timedelta) -> int:
        """Close every ballot whose closing time has passed; return how many this call closed.

        Safe with several replicas: each step is a conditional update, so a replica
        that loses the race gets a Conflict and leaves the ballot to the winner."""
        now = self._clock()
        closed = 0
        stale_before = now - stale_after
        for ballot_id in await self._store.due(now=now, stale_counting_before=stale_before):
            try:
                await self.close(ballot_id, by=None, take_over_before=stale_before)
                closed += 1
            except Conflict:
                continue
        return closed

    async def apply(self, ballot_id: str, wilayat: str, name: Text, *, by: Principal) -> Candidacy:
        """Staff of the ballot's agency enter a candidacy on the candidate's behalf, pending approval."""
        ballot = await self._store.get(ballot_id)
        by.require_staff_of(ballot.agency)
        candidacy_id = str(ULID())
        saved = await self._store.save(ballot.apply(candidacy_id, wilayat, name, by=by.subject, now=self._clock()), [])
        return saved.candidacy(candidacy_id)

    async def decide(
        self, ballot_id: str, candidacy_id: str, *, approve: bool, reason: str | None, by: Principal
    ) -> Candidacy:
        """Staff of the ballot's agency approve a candidacy, or reject it with a reason; audited."""
        ballot = await self._store.get(ballot_id)
        by.require_staff_of(ballot.agency)
        decided = ballot.decide(candidacy_id, approve=approve, reason=reason, by=by.subject, now=self._clock())
        saved = await self._store.save(decided, [])
        candidacy = saved.candidacy(candidacy_id)
        # The reason stays out of the log: it is free text, the decision is what is audited.
        await self._audited(
            saved,
            "candidate_approve" if approve else "candidate_reject",
            by.subject,
            {"candidacy_id": candidacy_id, "wilayat": candidacy.wilayat},
        )
        return candidacy

    async def candidacies(self, ballot_id: str, *, by: Principal) -> tuple[Candidacy, ...]:
        """Every candidacy with its status, for staff of the ballot's agency."""
        ballot = await self._store.get(ballot_id)
        by.require_staff_of(ballot.agency)
        return ballot.candidacies

    async def view(self, ballot_id: str, *, by: Principal | None) -> Ballot:
        """Opened ballots are public; drafts only to their agency's staff."""
        ballot = await self._store.get(ballot_id)
        if not ballot.is_public:
            if by is None:
                raise NotFound(f"no ballot {ballot_id}")
            by.require_staff_of(ballot.agency)
        return ballot

    async def result(self, ballot_id: str, *, by: Principal | None) -> tuple[Ballot, Tally, bool]:
        """The final result, or the running count (marked preliminary) where the ballot shows one."""
        ballot = await self.view(ballot_id, by=by)
        if ballot.state == "closed" and ballot.result is not None:
            return ballot, ballot.result, False
        return ballot, ballot.preliminary(await self._tally.merged(ballot_id)), True

    async def list(self, *, agency: str | None, by: Principal | None, limit: int) -> list[Ballot]:
        own_agency = by.agency if by is not None and by.has("officer", "agency_admin") else None
        return await self._store.visible(agency=agency, include_drafts_of=own_agency, limit=limit)

    async def _sealed_board(self, ballot: Ballot) -> dict[str, ListSeal]:
        """Put every stored vote on the board and return its lists' seals. Without the
        sealers' lease: a close must not wait for a dead replica's, and appends are safe
        to race (board_store.py)."""
        # Sealed only: the sealer job announces and files them (board_handlers.py), so a
        # close never waits on the broker.
        while votes := await self._board.waiting(ballot.ballot_id):
            await self._board.seal(ballot.ballot_id, votes, binding=ballot.binding)
        if ballot.binding:
            await self._board.seal_contents(ballot.ballot_id)
        return await self._board.seals(ballot.ballot_id, binding=ballot.binding)

    async def _turnout(self, ballot: Ballot) -> Turnout:
        """Who voted, from the voter marks, of those on the roll where the ballot has one."""
        voted = await self._store.voters_by_governorate(ballot.ballot_id)
        if ballot.eligibility.mode != "roll":
            return count_turnout(voted, eligible=None)
        rules = ballot.eligibility
        registered = {
            wilayat: n
            for wilayat, n in (await self._roll.summary(ballot.ballot_id)).items()
            if not rules.wilayats or any(same_place(wilayat, w) for w in rules.wilayats)
        }
        if ballot.kind != "constituency":
            return count_turnout(voted, eligible=sum(registered.values()))
        # Only those registered where a constituency elects can vote.
        by_governorate = {r.governorate: 0 for r in ballot.constituencies}
        for wilayat, n in registered.items():
            if (race := ballot.race_of(wilayat)) is not None:
                by_governorate[race.governorate] += n
        return count_turnout(voted, eligible=sum(by_governorate.values()), eligible_by_governorate=by_governorate)

    async def _check_eligible(self, ballot: Ballot, voter: Principal) -> str | None:
        """Raise NotEligible, naming the rule, unless `voter` may vote in `ballot`; return
        the wilayat they are registered in, for a ballot with a roll."""
        rules = ballot.eligibility
        rules.check_age(voter.birthdate, on=ballot.opens_at.date())
        if rules.mode == "rules":
            rules.check_claims(governorate=voter.governorate, wilayat=voter.wilayat)
        elif rules.mode == "roll":
            # The subject is the citizen pseudonym of the civil number the roll was imported with.
            wilayat = await self._roll.wilayat_of(ballot.ballot_id, voter.subject)
            if wilayat is None:
                raise not_on_roll()
            rules.check_wilayat(wilayat)
            return wilayat
        return None

    async def _audited(self, ballot: Ballot, action: Action, actor: str, details: dict | None = None) -> None:
        """Append to the audit log after the change is saved: a crash between loses the entry, never invents one."""
        await self._audit.append(
            ballot_id=ballot.ballot_id,
            agency=ballot.agency,
            action=action,
            actor=actor,
            at=self._clock(),
            details=details,
        )

    async def _until_none_in_flight(self, in_flight: Callable, ballot_id: str, what: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._in_flight_wait
        while (count := await in_flight(ballot_id)) > 0:
            if loop.time() >= deadline:
                # Only a replica that died mid-change leaves this.
                log.warning(f"going on with {what} still in flight", ballot_id=ballot_id, in_flight=count)
                return
            await asyncio.sleep(IN_FLIGHT_POLL_SECONDS)

    async def _report_lost_votes(self, ballot: Ballot) -> None:
        marked = await self._store.count_voters(ballot.ballot_id)
        if ballot.result is not None and marked != ballot.result.total_votes:
            log.warning(
                "voter marks and votes differ (a crash between storing them)",
                ballot_id=ballot.ballot_id,
                voters_marked=marked,
                votes_counted=ballot.result.total_votes,
            )
