"""Use cases of satisfaction with the handling of a complaint: rate it, read the rating."""

from feedback.agency_settings import AgencySettingsStore
from feedback.clock import now
from feedback.domain.satisfaction import Satisfaction
from feedback.satisfaction_store import SatisfactionStore
from feedback.store import ComplaintStore
from sharik.auth import Principal
from sharik.auth.principal import STAFF_ROLES
from sharik.errors import NotFound
from sharik.events import Envelope
from sharik.events.feedback import ComplaintRated
from sharik.pseudonym import pseudonym

SOURCE = "feedback"


class SatisfactionHandlers:
    def __init__(
        self,
        complaints: ComplaintStore,
        store: SatisfactionStore,
        agency_settings: AgencySettingsStore,
        *,
        pseudonym_key: str,
        on_saved=lambda: None,
    ) -> None:
        self._complaints = complaints
        self._store = store
        self._agency_settings = agency_settings
        self._pseudonym_key = pseudonym_key
        self._on_saved = on_saved

    async def rate(self, complaint_id: str, *, score: int, comment: str | None, by: Principal) -> Satisfaction:
        """The citizen who filed a resolved or closed complaint rates its handling, once; emits ComplaintRated."""
        by.require("citizen")
        complaint = await self._complaints.get(complaint_id)
        if not complaint.is_filed_by(self._reporter_id(by)):
            # Another citizen's case does not exist for them (a confidential case has no
            # reporter on it, so it is not rateable: see docs/services/feedback.md).
            raise NotFound(f"no complaint {complaint_id}")
        satisfaction = Satisfaction.rate(
            complaint, reporter_id=self._reporter_id(by), score=score, comment=comment, now=now()
        )
        saved = await self._store.add(satisfaction, [_rated_event(satisfaction)])
        self._on_saved()
        return saved

    async def view(self, complaint_id: str, *, by: Principal) -> Satisfaction:
        """The rating, for the citizen who gave it or staff of the complaint's agency."""
        satisfaction = await self._store.get(complaint_id)
        if satisfaction.reporter_id == self._reporter_id(by):
            return satisfaction
        # As for the case itself: to anyone else, another unit's staff included where the
        # agency limits units, it does not exist.
        if not (by.has(*STAFF_ROLES) and by.agency == satisfaction.agency):
            raise NotFound(f"no rating of complaint {complaint_id}")
        unit = await self._agency_settings.unit_of(by, satisfaction.agency)
        if unit is not None and (await self._complaints.get(complaint_id)).unit != unit:
            raise NotFound(f"no rating of complaint {complaint_id}")
        return satisfaction

    def _reporter_id(self, by: Principal) -> str:
        return pseudonym(self._pseudonym_key, by.subject)


def _rated_event(satisfaction: Satisfaction) -> Envelope:
    # The comment and the reporter stay here: reports need the score, not the person.
    return Envelope(
        source=SOURCE,
        agency=satisfaction.agency,
        event=ComplaintRated(
            complaint_id=satisfaction.complaint_id,
            agency=satisfaction.agency,
            category=satisfaction.category,
            governorate=satisfaction.governorate,
            score=satisfaction.score,
            rated_at=satisfaction.rated_at,
        ),
    )
