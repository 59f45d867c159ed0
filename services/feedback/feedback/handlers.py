"""Use cases: command in, complaint loaded, rule applied, state and events saved.

Who sees what: the reporter their own cases; staff (officer, agency_admin) their
agency's ordinary cases; the agency's confidential team (role `confidential_team`)
its confidential cases, which are 404 to everyone else but auditors, so their
existence does not leak; auditors every case, redacted (the API's AuditedComplaint)."""

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from ulid import ULID

from feedback.domain.complaint import Channel, Complaint, Kind, Language
from feedback.domain.guessing import window_of
from feedback.domain.secret import hash_secret, new_secret
from feedback.domain.status import Status
from feedback.domain.text import Reply
from feedback.domain.tracking import canonical, new_tracking_code
from feedback.store import ComplaintStore, GuessCounters, ReporterIdentities
from sharik.auth import Principal
from sharik.errors import DomainError, Forbidden, Invalid, NotFound
from sharik.events import Envelope
from sharik.events.feedback import ComplaintFiled, ComplaintStatusChanged
from sharik.pseudonym import pseudonym

SOURCE = "feedback"


@dataclass(frozen=True)
class FileComplaint:
    kind: Kind
    agency: str
    category: str
    description: str
    channel: Channel
    language: Language
    governorate: str | None = None
    wilayat: str | None = None
    contact: dict[str, str] | None = None
    """Phone and/or email, taken only on confidential reports and kept with the identity."""


@dataclass(frozen=True)
class ChangeStatus:
    status: Status
    reason: str | None = None
    reply: Reply | None = None


class TooManyGuesses(DomainError):
    """Too many failed tracking-code or secret checks from one address; retry later."""

    status = 429
    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed attempts; try again in {retry_after} seconds")
        self.retry_after = retry_after


@dataclass(frozen=True)
class GuessLimit:
    failures: int = 10
    window_seconds: int = 900


class ComplaintHandlers:
    def __init__(
        self,
        store: ComplaintStore,
        identities: ReporterIdentities,
        guesses: GuessCounters,
        *,
        pseudonym_key: str,
        confidential_categories: frozenset[str] = frozenset(),
        guess_limit: GuessLimit = GuessLimit(),
        on_saved=lambda: None,
    ) -> None:
        self._store = store
        self._identities = identities
        self._guesses = guesses
        self._pseudonym_key = pseudonym_key
        self._confidential = confidential_categories
        self._limit = guess_limit
        self._on_saved = on_saved

    async def file(self, command: FileComplaint, *, by: Principal) -> Complaint:
        """A citizen files a submission to an agency; emits ComplaintFiled."""
        by.require("citizen")
        return await self._file(command, reporter_id=self._reporter_id(by), secret_hash=None)

    async def file_anonymously(self, command: FileComplaint) -> tuple[Complaint, str]:
        """Anyone files without an account; returns the case and its follow-up secret,
        which is shown this once and stored only as a hash. Emits ComplaintFiled without reporter."""
        secret = new_secret()
        secret_hash = await asyncio.to_thread(hash_secret, secret)
        return await self._file(command, reporter_id=None, secret_hash=secret_hash), secret

    async def _file(self, command: FileComplaint, *, reporter_id: str | None, secret_hash: str | None) -> Complaint:
        confidential = command.category in self._confidential
        if command.contact and not confidential:
            raise Invalid("contact details are taken only on confidential reports", details=[{"field": "contact"}])
        complaint = Complaint.file(
            complaint_id=str(ULID()),
            tracking_code=new_tracking_code(),
            agency=command.agency,
            kind=command.kind,
            category=command.category,
            description=command.description,
            channel=command.channel,
            language=command.language,
            reporter_id=None if confidential else reporter_id,
            governorate=command.governorate,
            wilayat=command.wilayat,
            now=_now(),
            confidential=confidential,
            secret_hash=secret_hash,
        )
        if confidential and (reporter_id or command.contact):
            # Before the case, so a case never exists without its reporter; a failure in
            # between leaves an identity no case points to, which the team never sees.
            await self._identities.record(
                complaint.complaint_id, agency=complaint.agency, reporter_id=reporter_id, contact=command.contact
            )
        saved = await self._store.add(complaint, [_filed_event(complaint)])
        self._on_saved()
        return saved

    async def change_status(self, complaint_id: str, command: ChangeStatus, *, by: Principal) -> Complaint:
        """Handlers of the complaint move it on; emits ComplaintStatusChanged."""
        complaint = await self._store.get(complaint_id)
        self._require_handler(complaint, by)
        changed = complaint.move_to(
            command.status, by=by.subject, now=_now(), reason=command.reason, reply=command.reply
        )
        saved = await self._store.save(changed, [_status_changed_event(complaint, changed)])
        self._on_saved()
        return saved

    async def track(self, tracking_code: str, *, client: str) -> Complaint:
        """Whoever holds the tracking code may follow the submission; no token needed.
        Unknown codes count as failed guesses of `client`."""
        async with self._guess(client):
            return await self._by_code(tracking_code)

    async def open(self, tracking_code: str, secret: str, *, client: str) -> Complaint:
        """The anonymous reporter, holding code and secret, sees the whole case; a wrong
        secret is 403 and counts as a failed guess."""
        async with self._guess(client):
            complaint = await self._by_code(tracking_code)
            if not await asyncio.to_thread(complaint.opens_with, secret):
                raise Forbidden("the secret does not open this case")
            return complaint

    async def reply_as_reporter(self, tracking_code: str, secret: str, message: str, *, client: str) -> Complaint:
        """The anonymous reporter answers the agency; no event (the message is personal)."""
        complaint = await self.open(tracking_code, secret, client=client)
        return await self._store.save(complaint.reply_from_reporter(message, now=_now()), [])

    async def _by_code(self, tracking_code: str) -> Complaint:
        code = canonical(tracking_code)
        complaint = await self._store.by_tracking_code(code) if code else None
        if complaint is None:
            raise NotFound("no submission has this tracking code")
        return complaint

    @asynccontextmanager
    async def _guess(self, client: str):
        """Count a check as a failure up front (atomic, shared by replicas), refuse it
        past the limit, and take it back if the block raises nothing."""
        window = window_of(_now(), self._limit.window_seconds)
        if await self._guesses.attempt(client, window.start) > self._limit.failures:
            raise TooManyGuesses(window.retry_after)
        yield
        await self._guesses.succeeded(client, window.start)

    async def view(self, complaint_id: str, *, by: Principal) -> Complaint:
        """The citizen who filed it, or its handlers (see the module docstring)."""
        complaint = await self._store.get(complaint_id)
        if not await self._filed_by(complaint, by):
            self._require_handler(complaint, by)
        return complaint

    async def audit(self, complaint_id: str, *, by: Principal) -> Complaint:
        """An auditor reads any case; the API shows it without personal data."""
        by.require("auditor")
        return await self._store.get(complaint_id)

    async def reporter(self, complaint_id: str, *, by: Principal) -> dict:
        """Who filed a confidential case, for the agency's confidential team only."""
        complaint = await self._store.get(complaint_id)
        if not (complaint.confidential and _in_confidential_team(by, complaint.agency)):
            raise NotFound(f"no complaint {complaint_id}")
        identity = await self._identities.of(complaint_id)
        if identity is None:
            raise NotFound("the reporter left no identity: filed anonymously without contact")
        return identity

    async def mine(self, *, by: Principal, limit: int) -> list[Complaint]:
        """The caller's own submissions, newest first."""
        by.require("citizen")
        reporter_id = self._reporter_id(by)
        confidential_ids = await self._identities.filed_by(reporter_id)
        return await self._store.filed_by(reporter_id, confidential_ids, limit=limit)

    async def of_agency(self, *, by: Principal, status: Status | None, limit: int) -> list[Complaint]:
        """The submissions to the caller's agency that the caller handles, newest first:
        ordinary ones for staff, confidential ones for the confidential team."""
        by.require("officer", "agency_admin", "confidential_team")
        if not by.agency:
            raise Forbidden("the token names no agency")
        staff, team = by.has("officer", "agency_admin"), by.has("confidential_team")
        confidential = None if staff and team else team
        return await self._store.of_agency(by.agency, confidential=confidential, status=status, limit=limit)

    async def all_agencies(
        self, *, by: Principal, agency: str | None, status: Status | None, limit: int
    ) -> list[Complaint]:
        """Every agency's submissions for an auditor, newest first; the API redacts them."""
        by.require("auditor")
        return await self._store.of_agency(agency, confidential=None, status=status, limit=limit)

    async def _filed_by(self, complaint: Complaint, by: Principal) -> bool:
        if not by.has("citizen"):
            return False
        reporter_id = self._reporter_id(by)
        if complaint.confidential:
            return await self._identities.is_filed_by(complaint.complaint_id, reporter_id)
        return complaint.is_filed_by(reporter_id)

    def _require_handler(self, complaint: Complaint, by: Principal) -> None:
        # A confidential case is 404 to anyone outside the team: 403 would confirm it exists.
        if complaint.confidential:
            if not _in_confidential_team(by, complaint.agency):
                raise NotFound(f"no complaint {complaint.complaint_id}")
        else:
            by.require_staff_of(complaint.agency)

    def _reporter_id(self, by: Principal) -> str:
        return pseudonym(self._pseudonym_key, by.subject)


def _in_confidential_team(by: Principal, agency: str) -> bool:
    return by.has("confidential_team") and by.agency == agency


def _now() -> datetime:
    # The store keeps milliseconds; truncating here makes events and reads agree.
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _filed_event(complaint: Complaint) -> Envelope:
    # The description and anything about the reporter but their pseudonym stay here;
    # anonymous and confidential cases have no reporter_id, so none is published.
    return Envelope(
        source=SOURCE,
        agency=complaint.agency,
        event=ComplaintFiled(
            complaint_id=complaint.complaint_id,
            agency=complaint.agency,
            kind=complaint.kind,
            category=complaint.category,
            governorate=complaint.governorate,
            wilayat=complaint.wilayat,
            reporter_id=complaint.reporter_id,
            filed_at=complaint.filed_at,
        ),
    )


def _status_changed_event(before: Complaint, after: Complaint) -> Envelope:
    return Envelope(
        source=SOURCE,
        agency=after.agency,
        event=ComplaintStatusChanged(
            complaint_id=after.complaint_id,
            agency=after.agency,
            status=after.status,
            previous_status=before.status,
            sequence=after.sequence,
            changed_at=after.updated_at,
        ),
    )
