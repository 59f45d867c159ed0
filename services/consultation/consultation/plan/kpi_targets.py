"""An agency's KPI targets per half-year, set by its admins; reporting computes the
actuals from events and puts them side by side."""

from datetime import UTC, datetime

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from consultation.events import envelope
from sharik.auth import Principal
from sharik.errors import ConcurrentChange, Forbidden, NotFound
from sharik.events.consultation import KpiTargets, KpiTargetsSet
from sharik.store import STATE_ONLY, insert_aggregate, update_aggregate


class KpiTargetHandlers:
    def __init__(self, db: AsyncDatabase, *, on_saved=lambda: None) -> None:
        self.collection = db["kpi_targets"]
        self._on_saved = on_saved

    async def set(self, agency: str, period: str, targets: KpiTargets, *, by: Principal) -> dict:
        """An admin of the agency sets its targets for the period → KpiTargetsSet."""
        by.require("agency_admin")
        if by.agency != agency:
            raise Forbidden("admins set their own agency's targets")
        key = f"{agency}:{period}"
        current = await self.collection.find_one({"_id": key}, STATE_ONLY)
        revision = (current["revision"] if current else 0) + 1
        event = KpiTargetsSet(agency=agency, period=period, targets=targets, revision=revision, set_at=datetime.now(UTC))
        fields = {"agency": agency, "period": period, "targets": targets.model_dump(), "revision": revision}
        events = [envelope(event, agency=agency)]
        try:
            if current is None:
                await insert_aggregate(self.collection, {"_id": key, **fields}, events)
            else:
                await update_aggregate(self.collection, key, expected_version=current["version"], changes=fields, events=events)
        except DuplicateKeyError:
            raise ConcurrentChange("the targets changed while this request was handled; try again") from None
        self._on_saved()
        return fields

    async def get(self, agency: str, period: str) -> dict:
        document = await self.collection.find_one({"_id": f"{agency}:{period}"}, {**STATE_ONLY, "_id": 0, "version": 0})
        if document is None:
            raise NotFound(f"no targets for {agency} in {period}", details=[{"field": "period"}])
        return document
