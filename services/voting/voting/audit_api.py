"""HTTP route for the audit log (auditors: all agencies; agency admins: their own)."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from sharik.http import CurrentUser
from voting.audit import Action, AuditLog

router = APIRouter(prefix="/audit", tags=["audit"])


async def _log(request: Request) -> AuditLog:
    return request.app.state.audit


class AuditEntryOut(BaseModel):
    entry_id: str
    ballot_id: str
    agency: str
    action: Action
    actor: str
    at: datetime
    details: dict[str, Any]


@router.get("")
async def audit_entries(
    user: CurrentUser,
    log: Annotated[AuditLog, Depends(_log)],
    ballot_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditEntryOut]:
    """Administrative actions on ballots (create, open, close, roll, candidate decisions), oldest first."""
    entries = await log.read(ballot_id=ballot_id, by=user, limit=limit)
    return [AuditEntryOut(**vars(e)) for e in entries]
