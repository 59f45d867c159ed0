"""Use cases: command in, complaint loaded, rule applied, state and events saved.

Who sees what: the reporter their own cases; staff (officer, agency_admin) their
agency's ordinary cases; the agency's confidential team (role `confidential_team`)
its confidential cases, which are 404 to everyone else but auditors, so their
existence does not leak; auditors every case, redacted (the API's AuditedComplaint)."""

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from pymongo.errors import PyMongoError
from ulid import ULID

from feedback.agency_settings import AgencySettingsStore
from feedback.category_store import CategoryStore
from feedback.domain.complaint import Channel, Complaint, Kind, Language, RoutedBy
from feedback.domain.duplicates import WINDOW, LikelyDuplicate, likely_duplicates
from feedback.domain.routing import confidential_by_category, route_by_category
from feedback.domain.secret import hash_secret, new_secret
from feedback.domain.status import Status
from feedback.domain.text import Reply
from feedback.domain.tracking import canonical, new_tracking_code
from feedback.limits import Limiter
from feedback.store import ComplaintStore, ReporterIdentities
from sharik.auth import Principal
from sharik.auth.principal import STAFF_ROLES
from sharik.errors import DomainError, Forbidden, Invalid, NotFound
from sharik.events import Envelope
from sharik.events.feedback import ComplaintFiled, ComplaintReopened, ComplaintRouted, ComplaintStatusChanged
from sharik.pseudonym import pseudonym

log = structlog.get_logger(__name__)

SOURCE = "feedback"
DUPLICATE_CANDIDATES = 500
"""How many of the newest comparable cases are scored; busier categories miss older ones."""
UNASSIGNED = "unassigned"
"""What events name as the agency of a case no agency holds (filed without one and not
routable, or handed back): the catalog's `agency` fields are required."""


@dataclass(frozen=True)
class FileComplaint:
    kind: Kind
    agency: str | None
    """The agency the citizen chose; None lets the category decide."""
    category: str
    description: str
    channel: Channel
    language: Language
    governorate: str | None = None
    wilayat: str | None = None
    contact: dict[str, str] | None = None
    """Phone and/or email, taken only on confidential reports and kept with the identity."""
    latitude: float | None = None
    longitude: float | None = None
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChangeStatus:
    status: Status
    reason: str | None = None
    reply: Reply | None = None


class ComplaintHandlers:
    def __init__(
        self,
        store: ComplaintStore,
        identities: ReporterIdentities,
        categories: CategoryStore,
        agency_settings: AgencySettingsStore,
        *,
        guesses: Limiter,
        filings: Limiter,
        pseudonym_key: str,
        confidential_categories: frozenset[str] = frozenset(),
        reopen_window: timedelta = timedelta(days=14),
        on_saved=lambda: None,
    ) -> None:
        self._store = store
        self._categories = categories
        self._agency_settings = agency_settings
        self._reopen_window = reopen_window
        self._identities = identities
        self._guesses = guesses
        self._filings = filings
        self._pseudonym_key = pseudonym_key
        self._confidential = confidential_categories
        self._on_saved = on_saved

    async def file(self, command: FileComplaint, *, by: Principal) -> Complaint:
        """A citizen files a submission to an agency; emits ComplaintFiled."""
        by.require("citizen")
        return await self._file(command, reporter_id=self._reporter_id(by), secret_hash=None)

    async def file_anonymously(self, command: FileComplaint, *, client: str) -> tuple[Complaint, str]:
        """Anyone files without an account; returns the case and its follow-up secret,
        which is shown this once and stored only as a hash. Emits ComplaintFiled without
        reporter. Limited per client address, before the costly hash."""
        await self._filings.spend(f"client:{client}")
        secret = new_secret()
        secret_hash = await asyncio.to_thread(hash_secret, secret)
        return await self._file(command, reporter_id=None, secret_hash=secret_hash), secret

    async def _file(self, command: FileComplaint, *, reporter_id: str | None, secret_hash: str | None) -> Complaint:
        entries = await self._categories.named(command.category)
        if entries and all(c.retired_at is not None for c in entries):
            raise Invalid(f"the category {command.category} is retired", details=[{"field": "category"}])
        rule = route_by_category(entries, agency=command.agency, governorate=command.governorate)
        confidential = command.category in self._confidential or confidential_by_category(entries)
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
            latitude=command.latitude,
            longitude=command.longitude,
            attachments=command.attachments,
        )
        routing: list[Envelope] = []
        if rule is not None:
            routed = complaint.route_to(rule.agency, rule.unit, by="rule", now=complaint.filed_at)
            routing = _routing_events(complaint, routed, by="rule")
            complaint = routed
        # Filed names the agency the rule chose in the same write, for volumes by agency.
        events = [_filed_event(complaint), *routing]
        if confidential and (reporter_id or command.contact):
            # Before the case, so a case never exists without its reporter; a failure in
            # between leaves an identity no case points to, which the team never sees.
            await self._identities.record(
                complaint.complaint_id, agency=complaint.agency, reporter_id=reporter_id, contact=command.contact
            )
        saved = await self._store.add(complaint, events)
        self._on_saved()
        return saved

    async def public(self, **filters) -> list[Complaint]:
        """What anyone may list without a token (Open311's GET requests): no anonymous,
        confidential or non-complaint cases; the caller redacts what it shows."""
        return await self._store.public(**filters)

    async def public_one(self, complaint_id: str) -> Complaint:
        """One case anyone may read without a token, or 404."""
        complaint = await self._store.get(complaint_id)
        if complaint.confidential or complaint.secret_hash is not None or complaint.kind != "complaint":
            raise _missing(complaint)
        return complaint

    async def triage(self, *, by: Principal, limit: int) -> list[Complaint]:
        """The cases waiting for an operator to route them, oldest first."""
        by.require("operator")
        return await self._store.in_triage(limit=limit)

    async def route(self, complaint_id: str, *, agency: str, unit: str, by: Principal) -> Complaint:
        """An operator routes a case from triage; emits ComplaintStatusChanged and ComplaintRouted."""
        by.require("operator")
        complaint = await self._store.get(complaint_id)
        routed = complaint.route_to(agency, unit, by=by.subject, now=_now())
        return await self._save(routed, _routing_events(complaint, routed, by="operator"))

    async def hand_back(self, complaint_id: str, reason: str, *, by: Principal) -> Complaint:
        """The agency it was routed to says it is not theirs. It goes back to submitted
        (ComplaintStatusChanged) and, when another agency's category takes it by rule, on
        to that agency (ComplaintStatusChanged to routed and ComplaintRouted by "handback");
        otherwise it waits in triage."""
        complaint = await self._store.get(complaint_id)
        await self._require_handler(complaint, by)
        handed = complaint.hand_back(by=by.subject, reason=reason, now=_now())
        events = _status_events(complaint, handed)
        rule = route_by_category(
            await self._categories.named(complaint.category),
            agency=None,
            governorate=complaint.governorate,
            excluding=handed.handed_back_by,
        )
        if rule is not None:
            rerouted = handed.route_to(rule.agency, rule.unit, by="handback", now=handed.updated_at)
            events += _routing_events(handed, rerouted, by="handback")
            handed = rerouted
        return await self._save(handed, events)

    async def reopen(self, complaint_id: str, reason: str, *, by: Principal) -> Complaint:
        """The citizen who filed it reopens a resolution within the window; emits
        ComplaintStatusChanged and ComplaintReopened."""
        complaint = await self._store.get(complaint_id)
        await self._require_reporter(complaint, by, "reopens a case")
        reopened = complaint.reopen(by="reporter", reason=reason, now=_now(), window=self._reopen_window)
        event = ComplaintReopened(
            complaint_id=reopened.complaint_id,
            agency=reopened.agency or UNASSIGNED,
            category=reopened.category,
            resolved_at=complaint.resolved_at,
            reopened_at=reopened.updated_at,
        )
        events = [*_status_events(complaint, reopened), Envelope(source=SOURCE, agency=reopened.agency, event=event)]
        return await self._save(reopened, events)

    async def reply_as_citizen(self, complaint_id: str, message: str, *, by: Principal) -> Complaint:
        """The citizen who filed it answers the agency; a case waiting for them goes back
        in progress (ComplaintStatusChanged). The message itself is in no event."""
        complaint = await self._store.get(complaint_id)
        await self._require_reporter(complaint, by, "replies as its reporter")
        replied = complaint.reply_from_reporter(message, now=_now())
        return await self._save(replied, _status_events(complaint, replied))

    async def note(self, complaint_id: str, text: str, *, by: Principal) -> Complaint:
        """Its handlers note something for each other; no event, never shown to the reporter."""
        complaint = await self._store.get(complaint_id)
        await self._require_handler(complaint, by)
        return await self._store.save(complaint.add_note(text, by=by.subject, now=_now()), [])

    async def likely_duplicates(self, complaint: Complaint) -> list[LikelyDuplicate]:
        """Open cases that look like this one (feedback.domain.duplicates); callers decide
        who may see them: the filer only learns how many there are."""
        if complaint.agency is None:
            return []  # In triage: no agency's cases to compare with yet.
        candidates = await self._store.comparable(
            agency=complaint.agency,
            category=complaint.category,
            confidential=complaint.confidential,
            since=complaint.filed_at - WINDOW,
            until=complaint.filed_at + WINDOW,
            limit=DUPLICATE_CANDIDATES,
        )
        return likely_duplicates(complaint, candidates)

    async def duplicates_count(self, filed: Complaint) -> int | None:
        """What the filer is told: how many, never which; None for a confidential report
        (a count would tell others exist) or when the store fails to answer, since the
        case is already saved and a 500 would make the citizen file it again."""
        if filed.confidential:
            return None
        try:
            return len(await self.likely_duplicates(filed))
        except PyMongoError:
            log.warning("likely_duplicates_failed", complaint_id=filed.complaint_id, exc_info=True)
            return None

    async def duplicates(self, complaint_id: str, *, by: Principal) -> list[LikelyDuplicate]:
        """Its handlers see the likely duplicates of a case: of the same agency and
        confidentiality, so cases they may handle too."""
        complaint = await self._store.get(complaint_id)
        await self._require_handler(complaint, by)
        unit = await self._agency_settings.unit_of(by, complaint.agency)
        return [d for d in await self.likely_duplicates(complaint) if unit is None or d.complaint.unit == unit]

    async def link(self, complaint_id: str, to_complaint_id: str, *, by: Principal) -> Complaint:
        """Its handlers mark a case a duplicate of another they handle. No event: the
        catalog has none for it, no other service acts on it, and the status is unchanged."""
        complaint = await self._store.get(complaint_id)
        await self._require_handler(complaint, by)
        other = await self._store.get(to_complaint_id)
        await self._require_handler(other, by)
        return await self._store.save(complaint.link_to(other), [])

    async def _save(self, complaint: Complaint, events: list[Envelope]) -> Complaint:
        saved = await self._store.save(complaint, events)
        self._on_saved()
        return saved

    async def change_status(self, complaint_id: str, command: ChangeStatus, *, by: Principal) -> Complaint:
        """Handlers of the complaint move it on; emits ComplaintStatusChanged."""
        complaint = await self._store.get(complaint_id)
        await self._require_handler(complaint, by)
        changed = complaint.move_to(
            command.status, by=by.subject, now=_now(), reason=command.reason, reply=command.reply
        )
        return await self._save(changed, _status_events(complaint, changed))

    async def track(self, tracking_code: str, *, client: str) -> Complaint:
        """Whoever holds the tracking code may follow the submission; no token needed.
        Unknown codes count as failed guesses of `client`: scanning for codes is limited
        per client address."""
        async with self._guess(f"client:{client}"):
            return await self._by_code(tracking_code)

    async def open(self, tracking_code: str, secret: str, *, client: str) -> Complaint:
        """The anonymous reporter, holding code and secret, sees the whole case; a wrong
        secret is 403 and counts as a failed guess of that case, whoever made it: one
        case's lock never locks another's reporter out."""
        complaint = await self.track(tracking_code, client=client)
        async with self._guess(f"case:{complaint.complaint_id}"):
            if not await asyncio.to_thread(complaint.opens_with, secret):
                raise Forbidden("the secret does not open this case")
            return complaint

    async def reply_as_reporter(self, tracking_code: str, secret: str, message: str, *, client: str) -> Complaint:
        """The anonymous reporter answers the agency; no event (the message is personal)."""
        complaint = await self.open(tracking_code, secret, client=client)
        replied = complaint.reply_from_reporter(message, now=_now())
        return await self._save(replied, _status_events(complaint, replied))

    async def _by_code(self, tracking_code: str) -> Complaint:
        code = canonical(tracking_code)
        complaint = await self._store.by_tracking_code(code) if code else None
        if complaint is None:
            raise NotFound("no submission has this tracking code")
        return complaint

    @asynccontextmanager
    async def _guess(self, key: str):
        """Count a check as a failure up front (atomic, shared by replicas), refuse it
        past the limit, and take it back if the block raises nothing."""
        window_start = await self._guesses.spend(key)
        yield
        await self._guesses.take_back(key, window_start)

    async def view(self, complaint_id: str, *, by: Principal) -> Complaint:
        """The citizen who filed it, or its handlers (see the module docstring)."""
        complaint = await self._store.get(complaint_id)
        if not await self._filed_by(complaint, by):
            await self._require_handler(complaint, by)
        return complaint

    def handles(self, complaint: Complaint, by: Principal) -> bool:
        """Whether the caller is one of its handlers, who also read its internal notes."""
        return _handler_refusal(complaint, by) is None

    async def audit(self, complaint_id: str, *, by: Principal) -> Complaint:
        """An auditor reads any case; the API shows it without personal data."""
        by.require("auditor")
        return await self._store.get(complaint_id)

    async def reporter(self, complaint_id: str, *, by: Principal) -> dict:
        """Who filed a confidential case, for the agency's confidential team only."""
        complaint = await self._store.get(complaint_id)
        if not (complaint.confidential and _in_confidential_team(by, complaint.agency)):
            raise _missing(complaint)
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
        unit = await self._agency_settings.unit_of(by, by.agency)
        return await self._store.of_agency(by.agency, confidential=confidential, status=status, unit=unit, limit=limit)

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

    async def _require_handler(self, complaint: Complaint, by: Principal) -> None:
        refusal = _handler_refusal(complaint, by)
        if refusal is None and not complaint.confidential:
            unit = await self._agency_settings.unit_of(by, complaint.agency)
            if unit is not None and complaint.unit != unit:
                refusal = _missing(complaint)  # Another unit's case, where the agency limits units.
        if isinstance(refusal, NotFound) and await self._filed_by(complaint, by):
            refusal = Forbidden("only the case's handlers do this")  # Its reporter knows it exists.
        if refusal is not None:
            raise refusal

    async def _require_reporter(self, complaint: Complaint, by: Principal, action: str) -> None:
        """Only the citizen who filed it; its handlers are told so, everyone else 404."""
        if await self._filed_by(complaint, by):
            return
        refusal = _handler_refusal(complaint, by)
        raise refusal or Forbidden(f"only the citizen who filed it {action}")

    def _reporter_id(self, by: Principal) -> str:
        return pseudonym(self._pseudonym_key, by.subject)


def _handler_refusal(complaint: Complaint, by: Principal) -> DomainError | None:
    """Why `by` may not handle the case, or None. Whoever may not read it at all gets
    404, as if it did not exist: a 403 would confirm that it does (another citizen's
    case, another agency's, a confidential one)."""
    if complaint.confidential:
        if complaint.agency is None or not _in_confidential_team(by, complaint.agency):
            return _missing(complaint)
    elif not by.has(*STAFF_ROLES) or (complaint.agency is not None and by.agency != complaint.agency):
        return _missing(complaint)
    if complaint.agency is None:
        return Forbidden("the case waits in triage; only operators route it")
    return None


def _missing(complaint: Complaint) -> NotFound:
    return NotFound(f"no complaint {complaint.complaint_id}")


def _in_confidential_team(by: Principal, agency: str) -> bool:
    return by.has("confidential_team") and by.agency == agency


def _now() -> datetime:
    # The store keeps milliseconds; truncating here makes events and reads agree.
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _routing_events(before: Complaint, after: Complaint, *, by: RoutedBy) -> list[Envelope]:
    event = ComplaintRouted(
        complaint_id=after.complaint_id,
        agency=after.agency,
        unit=after.unit,
        category=after.category,
        routed_at=after.updated_at,
        by=by,
    )
    return [*_status_events(before, after), Envelope(source=SOURCE, agency=after.agency, event=event)]


def _status_events(before: Complaint, after: Complaint) -> list[Envelope]:
    """One ComplaintStatusChanged per step `after` added to `before`'s history."""
    # A hand-back leaves the case without an agency; its step is still that agency's act.
    agency = after.agency or before.agency
    steps = range(before.sequence + 1, after.sequence + 1)
    return [_status_changed_event(after, sequence, agency) for sequence in steps]


def _filed_event(complaint: Complaint) -> Envelope:
    # The description and anything about the reporter but their pseudonym stay here;
    # anonymous and confidential cases have no reporter_id, so none is published.
    return Envelope(
        source=SOURCE,
        agency=complaint.agency,
        event=ComplaintFiled(
            complaint_id=complaint.complaint_id,
            agency=complaint.agency or UNASSIGNED,
            kind=complaint.kind,
            category=complaint.category,
            governorate=complaint.governorate,
            wilayat=complaint.wilayat,
            reporter_id=complaint.reporter_id,
            filed_at=complaint.filed_at,
        ),
    )


def _status_changed_event(complaint: Complaint, sequence: int, agency: str | None) -> Envelope:
    step, previous = complaint.history[sequence], complaint.history[sequence - 1]
    return Envelope(
        source=SOURCE,
        agency=agency,
        event=ComplaintStatusChanged(
            complaint_id=complaint.complaint_id,
            agency=agency or UNASSIGNED,
            status=step.status,
            previous_status=previous.status,
            sequence=sequence,
            changed_at=step.at,
        ),
    )
