"""Settings an agency's admin chooses for their agency: one document per agency in
`agency_settings` (`_id` = agency slug); an agency without one has the defaults."""

from dataclasses import dataclass

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from sharik.auth import Principal
from sharik.errors import Forbidden


@dataclass(frozen=True)
class AgencySettings:
    agency: str
    units_restricted: bool = False
    """Officers whose token names a `unit` see and act only on their unit's cases;
    agency admins, and officers without a unit, on all the agency's."""


class AgencySettingsStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.settings = db["agency_settings"]

    async def of(self, agency: str) -> AgencySettings:
        document = await self.settings.find_one({"_id": agency})
        return AgencySettings(agency=agency, units_restricted=bool(document and document.get("units_restricted")))

    async def restrict_units(self, agency: str, restricted: bool) -> AgencySettings:
        document = await self.settings.find_one_and_update(
            {"_id": agency},
            {"$set": {"units_restricted": restricted}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return AgencySettings(agency=agency, units_restricted=document["units_restricted"])

    async def unit_of(self, by: Principal, agency: str | None) -> str | None:
        """The unit `by` is limited to in `agency`, or None when they see all its cases."""
        if not by.unit or by.has("agency_admin") or agency is None or by.agency != agency:
            return None
        return by.unit if (await self.of(agency)).units_restricted else None


def require_admin_of(by: Principal, agency: str) -> None:
    """Only the agency's own admins read or change its settings."""
    by.require("agency_admin")
    if by.agency != agency:
        raise Forbidden("an agency admin changes their own agency's settings")
