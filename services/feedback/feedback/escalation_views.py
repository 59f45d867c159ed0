"""Who reads which escalations: the read side of the escalation ladder.

Like the complaints themselves: staff see their own agency's ordinary cases, the
agency's confidential team its confidential ones (404 to other staff, so their existence
does not leak), auditors every case. Listings: the platform operator sees every agency,
an agency admin their own."""

from typing import Any

from feedback.agency_settings import AgencySettingsStore
from feedback.escalation_store import EscalationStore
from sharik.auth import Principal
from sharik.auth.principal import STAFF_ROLES
from sharik.errors import Forbidden, NotFound


class EscalationViews:
    def __init__(self, store: EscalationStore, agency_settings: AgencySettingsStore) -> None:
        self._store = store
        self._agency_settings = agency_settings

    async def of_complaint(self, complaint_id: str, *, by: Principal) -> list[dict[str, Any]]:
        """One complaint's escalations, oldest first."""
        complaint = await self._store.complaint_access(complaint_id)
        if complaint is None:
            raise NotFound(f"no complaint {complaint_id}")
        if not by.has("auditor"):
            own = by.agency == complaint["agency"]
            if complaint.get("confidential"):
                if not (own and by.has("confidential_team")):
                    raise NotFound(f"no complaint {complaint_id}")
            elif not (by.has(*STAFF_ROLES) and own):
                # 404, not 403: another citizen or agency must not learn that the case exists.
                raise NotFound(f"no complaint {complaint_id}")
            elif await self._agency_settings.unit_of(by, complaint["agency"]) not in (None, complaint.get("unit")):
                raise NotFound(f"no complaint {complaint_id}")  # Another unit's, where the agency limits units.
        return await self._store.of_complaint(complaint_id)

    async def listing(self, *, level: str | None, limit: int, by: Principal) -> list[dict[str, Any]]:
        """Newest first: every agency's for the operator, the own agency's for its admin."""
        if by.has("operator"):
            return await self._store.listing(agency=None, level=level, confidential=None, limit=limit)
        by.require("agency_admin")
        if not by.agency:
            raise Forbidden("an agency admin needs an agency")
        confidential = None if by.has("confidential_team") else False
        return await self._store.listing(agency=by.agency, level=level, confidential=confidential, limit=limit)
