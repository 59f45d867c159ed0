"""The caller of a request, as its verified token describes it."""

from dataclasses import dataclass
from datetime import date
from typing import Literal

from sharik.errors import Forbidden

Role = Literal[
    "citizen", "officer", "agency_admin", "confidential_team", "moderator", "jury", "auditor", "alert_authority",
    "operator",
]
STAFF_ROLES: frozenset[str] = frozenset({"officer", "agency_admin"})


@dataclass(frozen=True)
class Principal:
    subject: str
    """Pseudonymous subject from the identity provider, never a civil number."""
    roles: frozenset[str]
    agency: str | None = None
    governorate: str | None = None
    wilayat: str | None = None
    birthdate: date | None = None
    """From the identity provider, for age rules (e.g. a ballot's minimum age)."""
    unit: str | None = None
    """Staff's unit within the agency, where the agency limits staff to their unit's cases."""

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def require(self, *roles: str) -> None:
        """Raise Forbidden unless the caller holds one of `roles`."""
        if not self.has(*roles):
            raise Forbidden(f"this action needs one of the roles: {', '.join(roles)}")

    def require_staff_of(self, agency: str) -> None:
        """Raise Forbidden unless the caller is an officer or admin of `agency`."""
        self.require(*STAFF_ROLES)
        if self.agency != agency:
            raise Forbidden("officers act only on their own agency's things")
