"""Kafka wiring: the broker, publishing envelopes, consuming with dead letters, topics."""

from sharik.bus.broker import make_broker, publish
from sharik.bus.consumer import EventHandler, dead_letter, subscribe_events
from sharik.bus.topics import ensure_topics

__all__ = ["EventHandler", "dead_letter", "ensure_topics", "make_broker", "publish", "subscribe_events"]
