"""Electoral roll use cases: import, transfer and summary, while the ballot is a draft."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sharik.auth import Principal
from sharik.errors import Invalid, NotFound
from sharik.places import check_place
from sharik.pseudonym import pseudonym
from voting.audit import AuditLog
from voting.domain.ballot import Ballot
from voting.domain.roll import Rejected, check_civil_number, parse_roll
from voting.roll_store import RollStore
from voting.store import BallotStore

T = TypeVar("T")
CITIZEN = "citizen"
"""The pseudonym purpose the national identity provider derives token subjects with."""


@dataclass(frozen=True)
class RollImport:
    imported: int
    rejected: list[Rejected]


class RollHandlers:
    def __init__(
        self,
        store: BallotStore,
        roll: RollStore,
        audit: AuditLog,
        *,
        pseudonym_key: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._roll = roll
        self._audit = audit
        self._key = pseudonym_key
        self._clock = clock

    async def import_roll(self, ballot_id: str, csv_text: str, *, by: Principal) -> RollImport:
        """Staff register the valid rows of a `civil_number,wilayat` CSV; bad lines are reported, not stored."""
        ballot = await self._editable(ballot_id, by)
        registrations, rejected = parse_roll(csv_text)
        voters = [(self._voter(r.civil_number), r.wilayat) for r in registrations]
        imported = await self._changing(ballot_id, lambda: self._roll.register(ballot_id, voters))
        await self._audit.append(
            ballot_id=ballot_id,
            agency=ballot.agency,
            action="roll_import",
            actor=by.subject,
            at=self._clock(),
            details={"imported": imported, "rejected": len(rejected)},
        )
        return RollImport(imported=imported, rejected=rejected)

    async def transfer(self, ballot_id: str, civil_number: str, to_wilayat: str, *, by: Principal) -> str:
        """Staff move a registration to another wilayat; return the wilayat it left."""
        ballot = await self._editable(ballot_id, by)
        to_wilayat = " ".join(to_wilayat.split())
        if not to_wilayat:
            raise Invalid("to_wilayat must not be blank", details=[{"field": "to_wilayat"}])
        check_place(None, to_wilayat, field="to_wilayat")
        voter = self._voter(check_civil_number(civil_number))
        left = await self._changing(ballot_id, lambda: self._roll.transfer(ballot_id, voter, to_wilayat))
        if left is None:
            raise NotFound("that civil number is not on this ballot's roll")
        await self._audit.append(
            ballot_id=ballot_id,
            agency=ballot.agency,
            action="roll_transfer",
            actor=by.subject,
            at=self._clock(),
            details={"from_wilayat": left, "to_wilayat": to_wilayat},
        )
        return left

    async def summary(self, ballot_id: str, *, by: Principal) -> dict[str, int]:
        """Registered voters per wilayat, for the ballot's staff."""
        ballot = await self._store.get(ballot_id)
        by.require_staff_of(ballot.agency)
        return await self._roll.summary(ballot_id)

    def _voter(self, civil_number: str) -> str:
        # Assumed: the identity provider's token subject is this same keyed pseudonym.
        return pseudonym(self._key, civil_number, purpose=CITIZEN)

    async def _editable(self, ballot_id: str, by: Principal) -> Ballot:
        ballot = await self._store.get(ballot_id)
        by.require_staff_of(ballot.agency)
        ballot.check_roll_editable()
        return ballot

    async def _changing(self, ballot_id: str, change: Callable[[], Awaitable[T]]) -> T:
        """Run `change` noted in flight, after checking again that the roll is not frozen.

        An open saves its state, then waits for the notes to go: a change that saw the
        draft finishes before the open returns, one that started after it is refused."""
        note = await self._roll.begin_change(ballot_id)
        try:
            (await self._store.get(ballot_id)).check_roll_editable()
            return await change()
        finally:
            await self._roll.end_change(note)
