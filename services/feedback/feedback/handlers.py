"""Use cases: command in, complaint loaded, rule applied, state and events saved."""

from dataclasses import dataclass
from datetime import UTC, datetime

from ulid import ULID

from feedback.domain.complaint import Channel, Complaint, Kind, Language
from feedback.domain.status import Status
from feedback.domain.text import Reply
from feedback.domain.tracking import canonical, new_tracking_code
from feedback.store import ComplaintStore
from sharik.auth import Principal
from sharik.errors import Forbidden, NotFound
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


@dataclass(frozen=True)
class ChangeStatus:
    status: Status
    reason: str | None = None
    reply: Reply | None = None


class ComplaintHandlers:
    def __init__(self, store: ComplaintStore, *, pseudonym_key: str, on_saved=lambda: None) -> None:
        self._store = store
        self._pseudonym_key = pseudonym_key
        self._on_saved = on_saved

    async def file(self, command: FileComplaint, *, by: Principal) -> Complaint:
        """A citizen files a submission to an agency; emits ComplaintFiled."""
        by.require("citizen")
        complaint = Complaint.file(
            complaint_id=str(ULID()),
            tracking_code=new_tracking_code(),
            agency=command.agency,
            kind=command.kind,
            category=command.category,
            description=command.description,
            channel=command.channel,
            language=command.language,
            reporter_id=self._reporter_id(by),
            governorate=command.governorate,
            wilayat=command.wilayat,
            now=_now(),
        )
        saved = await self._store.add(complaint, [_filed_event(complaint)])
        self._on_saved()
        return saved

    async def change_status(self, complaint_id: str, command: ChangeStatus, *, by: Principal) -> Complaint:
        """Staff of the complaint's agency move it on; emits ComplaintStatusChanged."""
        complaint = await self._store.get(complaint_id)
        by.require_staff_of(complaint.agency)
        changed = complaint.move_to(
            command.status, by=by.subject, now=_now(), reason=command.reason, reply=command.reply
        )
        saved = await self._store.save(changed, [_status_changed_event(complaint, changed)])
        self._on_saved()
        return saved

    async def track(self, tracking_code: str) -> Complaint:
        """Whoever holds the tracking code may follow the submission; no token needed."""
        code = canonical(tracking_code)
        complaint = await self._store.by_tracking_code(code) if code else None
        if complaint is None:
            raise NotFound("no submission has this tracking code")
        return complaint

    async def view(self, complaint_id: str, *, by: Principal) -> Complaint:
        """The citizen who filed it, or staff of its agency."""
        complaint = await self._store.get(complaint_id)
        if not complaint.is_filed_by(self._reporter_id(by)):
            by.require_staff_of(complaint.agency)
        return complaint

    async def mine(self, *, by: Principal, limit: int) -> list[Complaint]:
        """The caller's own submissions, newest first."""
        by.require("citizen")
        return await self._store.filed_by(self._reporter_id(by), limit=limit)

    async def of_agency(self, *, by: Principal, status: Status | None, limit: int) -> list[Complaint]:
        """The submissions to the caller's agency, newest first."""
        by.require("officer", "agency_admin")
        if not by.agency:
            raise Forbidden("the token names no agency")
        return await self._store.of_agency(by.agency, status=status, limit=limit)

    def _reporter_id(self, by: Principal) -> str:
        return pseudonym(self._pseudonym_key, by.subject)


def _now() -> datetime:
    # The store keeps milliseconds; truncating here makes events and reads agree.
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _filed_event(complaint: Complaint) -> Envelope:
    # The description and anything about the reporter but their pseudonym stay here.
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
