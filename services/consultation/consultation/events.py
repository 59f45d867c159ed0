"""Envelopes of this service's catalog events."""

from sharik.events import Envelope, Event

SOURCE = "consultation"


def envelope(event: Event, *, agency: str) -> Envelope:
    return Envelope(source=SOURCE, agency=agency, event=event)
