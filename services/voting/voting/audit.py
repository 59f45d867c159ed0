"""The audit log: administrative actions on ballots, appended and never changed.

Entries carry counts and place names, never a civil number."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from ulid import ULID

from sharik.auth import Principal

Action = Literal["create", "open", "close", "roll_import", "roll_transfer", "candidate_approve", "candidate_reject"]
CLOSE_JOB = "system:close-job"
"""The actor of a close the job makes when a ballot's time is up."""


@dataclass(frozen=True)
class AuditEntry:
    entry_id: str
    ballot_id: str
    agency: str
    action: Action
    actor: str
    at: datetime
    details: dict[str, Any] = field(default_factory=dict)


class AuditLog:
    def __init__(self, db: AsyncDatabase) -> None:
        self.entries = db["audit_log"]

    async def create_indexes(self) -> None:
        await self.entries.create_index([("ballot_id", ASCENDING), ("at", ASCENDING)])
        await self.entries.create_index([("agency", ASCENDING), ("at", ASCENDING)])
        await self.entries.create_index([("at", ASCENDING), ("_id", ASCENDING)])  # an auditor's, every ballot

    async def append(
        self,
        *,
        ballot_id: str,
        agency: str,
        action: Action,
        actor: str,
        at: datetime,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Insert one entry; nothing in the service updates or deletes them."""
        await self.entries.insert_one(
            {
                "_id": str(ULID()),
                "ballot_id": ballot_id,
                "agency": agency,
                "action": action,
                "actor": actor,
                "at": at,
                "details": details or {},
            }
        )

    async def read(self, *, ballot_id: str | None, by: Principal, limit: int) -> list[AuditEntry]:
        """Entries, oldest first: every agency's for auditors, their own agency's for agency admins."""
        by.require("auditor", "agency_admin")
        query: dict[str, Any] = {}
        if ballot_id:
            query["ballot_id"] = ballot_id
        if not by.has("auditor"):
            query["agency"] = by.agency
        cursor = self.entries.find(query).sort([("at", ASCENDING), ("_id", ASCENDING)]).limit(limit)
        return [
            AuditEntry(
                entry_id=d["_id"],
                ballot_id=d["ballot_id"],
                agency=d["agency"],
                action=d["action"],
                actor=d["actor"],
                at=d["at"],
                details=d["details"],
            )
            async for d in cursor
        ]
