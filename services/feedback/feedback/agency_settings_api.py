"""HTTP routes of an agency's settings, for its admins."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel

from feedback.agency_settings import AgencySettings, AgencySettingsStore, require_admin_of
from sharik.http import CurrentUser

router = APIRouter(prefix="/agencies", tags=["agencies"])

Agency = Annotated[str, Path(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=64)]


def _store(request: Request) -> AgencySettingsStore:
    return request.app.state.agency_settings


Store = Annotated[AgencySettingsStore, Depends(_store)]


class SettingsIn(BaseModel):
    units_restricted: bool


class SettingsOut(BaseModel):
    agency: str
    units_restricted: bool

    @classmethod
    def of(cls, settings: AgencySettings) -> "SettingsOut":
        return cls(agency=settings.agency, units_restricted=settings.units_restricted)


@router.get("/{agency}/settings")
async def agency_settings(agency: Agency, user: CurrentUser, store: Store) -> SettingsOut:
    """The agency's settings, for its admins."""
    require_admin_of(user, agency)
    return SettingsOut.of(await store.of(agency))


@router.put("/{agency}/settings")
async def change_agency_settings(agency: Agency, body: SettingsIn, user: CurrentUser, store: Store) -> SettingsOut:
    """An agency admin limits their officers to their unit's cases, or lifts the limit."""
    require_admin_of(user, agency)
    return SettingsOut.of(await store.restrict_units(agency, body.units_restricted))
