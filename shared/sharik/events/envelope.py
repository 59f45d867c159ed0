"""CloudEvents 1.0 in Kafka binary mode: the value is the JSON payload, the
attributes travel as `ce_*` headers (https://github.com/cloudevents/spec, kafka binding)."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from ulid import ULID

from sharik.events.base import Event
from sharik.events.catalog import event_class

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"


class MalformedEvent(ValueError):
    """The message is not a catalog event: missing headers, unknown type or bad payload."""


@dataclass(frozen=True)
class Envelope:
    """A catalog event with its CloudEvents attributes."""

    event: Event
    source: str
    agency: str | None = None
    id: str = field(default_factory=lambda: str(ULID()))
    time: datetime = field(default_factory=lambda: datetime.now(UTC))
    correlation_id: str | None = None
    causation_id: str | None = None

    @property
    def type(self) -> str:
        return self.event.type_name()

    def headers(self) -> dict[str, str]:
        headers = {
            "ce_specversion": SPEC_VERSION,
            "ce_id": self.id,
            "ce_source": self.source,
            "ce_type": self.type,
            "ce_time": self.time.isoformat(),
            "ce_subject": self.event.subject(),
            "content-type": CONTENT_TYPE,
            # Every event starts or continues a conversation; the first one names it.
            "ce_correlationid": self.correlation_id or self.id,
        }
        if self.agency:
            headers["ce_agency"] = self.agency
        if self.causation_id:
            headers["ce_causationid"] = self.causation_id
        return headers

    def body(self) -> bytes:
        return self.event.model_dump_json().encode()

    def caused(self, event: Event, *, source: str, agency: str | None = None) -> "Envelope":
        """The envelope of an event this one caused: same conversation, this as cause."""
        return Envelope(
            event=event,
            source=source,
            agency=agency,
            correlation_id=self.correlation_id or self.id,
            causation_id=self.id,
        )

    @classmethod
    def parse(cls, headers: dict[str, str], body: bytes) -> "Envelope":
        """Rebuild an envelope from a Kafka record; MalformedEvent says what is wrong."""
        missing = [h for h in ("ce_id", "ce_type", "ce_source", "ce_time") if not headers.get(h)]
        if missing:
            raise MalformedEvent(f"missing CloudEvents headers: {', '.join(missing)}")
        if headers.get("ce_specversion") != SPEC_VERSION:
            raise MalformedEvent(f"unsupported ce_specversion {headers.get('ce_specversion')!r}")
        try:
            model = event_class(headers["ce_type"])
        except KeyError:
            raise MalformedEvent(f"unknown event type {headers['ce_type']!r}") from None
        try:
            event = model.model_validate_json(body)
            time = datetime.fromisoformat(headers["ce_time"])
        except ValueError as error:
            raise MalformedEvent(f"invalid {headers['ce_type']}: {error}") from None
        return cls(
            event=event,
            source=headers["ce_source"],
            agency=headers.get("ce_agency"),
            id=headers["ce_id"],
            time=time,
            correlation_id=headers.get("ce_correlationid"),
            causation_id=headers.get("ce_causationid"),
        )
