"""An alert of an alert authority, from draft to issue. Four eyes: a real alert is
approved by a second authority of the same agency before it is issued; an exercise or
a test may go out on its author's word. An update or a cancellation is a new alert that
references every alert before it in its chain."""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from notifier.alerts.area import Area
from notifier.alerts.lengths import SHORT_LIMITS, broadcast_length
from sharik.errors import Conflict, Forbidden, Invalid

Status = Literal["Actual", "Exercise", "Test"]
MsgType = Literal["Alert", "Update", "Cancel"]
Category = Literal[
    "Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other"
]
ResponseType = Literal["Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"]
Urgency = Literal["Immediate", "Expected", "Future", "Past", "Unknown"]
Severity = Literal["Extreme", "Severe", "Moderate", "Minor", "Unknown"]
Certainty = Literal["Observed", "Likely", "Possible", "Unlikely", "Unknown"]
AlertState = Literal["draft", "approved", "issued"]

REQUIRED_LANGUAGES = frozenset({"ar", "en"})


@dataclass(frozen=True)
class Info:
    """What the alert says in one language."""

    language: str
    event: str
    headline: str
    description: str
    instruction: str
    text_90: str
    """The rendering for handsets that show 90 characters."""
    text_360: str
    sender_name: str

    @property
    def broadcast_text(self) -> str:
        """What a cell broadcast carries: the whole alert, within 15 pages."""
        return f"{self.headline}\n{self.description}\n{self.instruction}"


@dataclass(frozen=True)
class Reference:
    """An earlier alert, as CAP's <references> names it."""

    alert_id: str
    sender: str
    identifier: str
    sent: datetime


@dataclass(frozen=True)
class Content:
    """What an author writes; the same for a first alert and its updates."""

    status: Status
    categories: tuple[Category, ...]
    response_types: tuple[ResponseType, ...]
    urgency: Urgency
    severity: Severity
    certainty: Certainty
    onset: datetime
    expires: datetime
    infos: tuple[Info, ...]
    area: Area
    note: str | None = None

    def validate(self) -> None:
        languages = [i.language for i in self.infos]
        if len(set(languages)) != len(languages):
            raise Invalid("one info per language", details=[{"field": "infos"}])
        missing = sorted(REQUIRED_LANGUAGES - set(languages))
        if missing:
            raise Invalid(f"the alert needs a text in {', '.join(missing)}", details=[{"field": "infos"}])
        if not self.categories:
            raise Invalid("choose at least one category", details=[{"field": "categories"}])
        if self.onset.tzinfo is None or self.expires.tzinfo is None:
            raise Invalid("onset and expires need a zone offset", details=[{"field": "onset"}])
        if self.expires <= self.onset:
            raise Invalid("the alert must expire after its onset", details=[{"field": "expires"}])
        for info in self.infos:
            _check_lengths(info)
        self.area.validate(set(languages))


def _check_lengths(info: Info) -> None:
    length = broadcast_length(info.broadcast_text)
    if not length.fits:
        raise Invalid(
            f"headline, description and instruction in {info.language} make {length.characters} "
            f"{length.encoding.upper()} characters; a cell broadcast carries at most {length.max_characters}",
            details=[{"field": f"infos[{info.language}].description", "characters": length.characters,
                      "max_characters": length.max_characters}],
        )
    for field, limit in SHORT_LIMITS.items():
        text = getattr(info, field)
        if not text.strip() or len(text) > limit:
            raise Invalid(
                f"{field} in {info.language} has {len(text)} characters; it needs 1 to {limit}",
                details=[{"field": f"infos[{info.language}].{field}", "characters": len(text), "max_characters": limit}],
            )


@dataclass(frozen=True)
class Alert:
    alert_id: str
    agency: str
    identifier: str
    sender: str
    msg_type: MsgType
    content: Content
    drafted_by: str
    """Pseudonym of the authority who drafted it."""
    drafted_at: datetime
    references: tuple[Reference, ...] = ()
    """Every earlier alert of the chain, oldest first (empty for a first alert)."""
    state: AlertState = "draft"
    approved_by: str | None = None
    approved_at: datetime | None = None
    sent: datetime | None = None
    """When it was issued: CAP's <sent>."""
    version: int = 0

    @classmethod
    def draft(
        cls,
        *,
        alert_id: str,
        agency: str,
        sender: str,
        content: Content,
        drafted_by: str,
        now: datetime,
        follows: "Alert | None" = None,
        msg_type: MsgType = "Alert",
    ) -> "Alert":
        """A new alert; with `follows`, an update or cancellation of that issued alert."""
        content.validate()
        references: tuple[Reference, ...] = ()
        if follows is not None:
            if follows.state != "issued":
                raise Conflict("only an issued alert can be updated or cancelled")
            if follows.msg_type == "Cancel":
                raise Conflict("the alert was cancelled")
            if follows.agency != agency:
                raise Forbidden("an authority updates only its own agency's alerts")
            references = (*follows.references, follows.reference())
        return cls(
            alert_id=alert_id,
            agency=agency,
            identifier=f"om.sharik.alert.{alert_id}",
            sender=sender,
            msg_type=msg_type,
            content=content,
            drafted_by=drafted_by,
            drafted_at=now,
            references=references,
        )

    @property
    def needs_approval(self) -> bool:
        return self.content.status == "Actual"

    @property
    def follows(self) -> str | None:
        """The alert this one updates or cancels."""
        return self.references[-1].alert_id if self.references else None

    @property
    def chain_id(self) -> str:
        """The first alert of the chain: the events of its updates continue its conversation."""
        return self.references[0].alert_id if self.references else self.alert_id

    def approve(self, *, by: str, now: datetime) -> "Alert":
        if self.state != "draft":
            raise Conflict(f"the alert is {self.state}, not a draft")
        if by == self.drafted_by:
            raise Forbidden("a second alert authority approves an alert, not its author")
        return replace(self, state="approved", approved_by=by, approved_at=now)

    def issue(self, *, now: datetime) -> "Alert":
        if self.state == "issued":
            raise Conflict("the alert was issued already")
        if self.needs_approval and self.state != "approved":
            raise Conflict("a real alert is approved by a second authority before it is issued")
        if self.content.expires <= now:
            raise Conflict("the alert has expired")
        return replace(self, state="issued", sent=now.replace(microsecond=0))

    def reference(self) -> Reference:
        assert self.sent is not None, "only an issued alert is referenced"
        return Reference(alert_id=self.alert_id, sender=self.sender, identifier=self.identifier, sent=self.sent)
