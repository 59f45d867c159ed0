"""The public event contract: envelope and versioned catalog."""

from sharik.events.base import Event, LocalizedText
from sharik.events.catalog import CATALOG, TOPICS, event_class
from sharik.events.envelope import Envelope

__all__ = ["CATALOG", "TOPICS", "Envelope", "Event", "LocalizedText", "event_class"]
