"""The event catalog as a public contract in AsyncAPI 3.0: which service publishes each
topic, with the payload schema of every event version on it.

A topic is named after the one service that publishes it (`voting.ballots` is voting's),
as the CloudEvents types are (`om.sharik.voting.…`), so the publisher is read from the
name. Each service's own `/asyncapi` gets its published channels from
`declare_publishers` (the runtime calls it with the service's topics); the whole
platform's document is rendered here and kept in docs/asyncapi.json:

    python -m sharik.events.asyncapi > docs/asyncapi.json
"""

import json
from typing import Any, Union

from faststream.kafka import KafkaBroker

from sharik.events.base import Event
from sharik.events.catalog import CATALOG, TOPICS

HEADERS = {
    "type": "object",
    "description": "CloudEvents 1.0 attributes in Kafka binary mode (see docs/events.md).",
    "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type"],
    "properties": {
        "ce_specversion": {"type": "string", "const": "1.0"},
        "ce_id": {"type": "string", "description": "ULID, unique per event: deduplicate on it"},
        "ce_source": {"type": "string", "description": "The publishing service"},
        "ce_type": {"type": "string", "description": "The event's type, e.g. om.sharik.voting.BallotOpened.v1"},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_subject": {"type": "string", "description": "The aggregate's id"},
        "ce_agency": {"type": "string"},
        "ce_correlationid": {"type": "string"},
        "ce_causationid": {"type": "string"},
        "traceparent": {"type": "string", "description": "W3C trace context"},
        "content-type": {"type": "string", "const": "application/json"},
    },
}


def publisher_of(topic: str) -> str:
    return topic.split(".", 1)[0]


def events_on(topic: str) -> list[type[Event]]:
    return [cls for cls in CATALOG.values() if cls.topic == topic]


def declare_publishers(broker: KafkaBroker, topics: list[str]) -> None:
    """List each topic the service publishes in its FastStream AsyncAPI document, with
    every event version on it as the payload's alternatives. Publishing itself goes
    through the outbox relay; these publishers only describe it."""
    for topic in topics:
        events = events_on(topic)
        if not events:
            continue
        broker.publisher(
            topic,
            title=f"{topic}:Publisher",
            description="Events: " + ", ".join(cls.type_name() for cls in events),
            schema=Union[tuple(events)] if len(events) > 1 else events[0],  # noqa: UP007 - a runtime union
        )


def render() -> dict[str, Any]:
    """The platform's AsyncAPI 3.0.0 document: a channel per topic, a message per event
    type, a send operation per topic by its publishing service."""
    schemas: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic, partitions in TOPICS.items():
        on_topic = {}
        for cls in events_on(topic):
            key = _message_key(cls)
            schema = cls.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(schema.pop("$defs", {}))
            schemas[key] = schema
            messages[key] = {
                "name": cls.type_name(),
                "title": f"{cls.name} v{cls.version}",
                "summary": " ".join((cls.__doc__ or "").split()),
                "contentType": "application/json",
                "headers": HEADERS,
                "payload": {"$ref": f"#/components/schemas/{key}"},
                "bindings": {"kafka": {"key": {"type": "string", "description":
                                               f"The event's `{cls.key_field or cls.subject_field}`"}}},
            }
            on_topic[key] = {"$ref": f"#/components/messages/{key}"}
        channel = _channel_key(topic)
        channels[channel] = {
            "address": topic,
            "description": f"Published by the {publisher_of(topic)} service; {partitions} partitions, ordered per key.",
            "messages": on_topic,
            "bindings": {"kafka": {"topic": topic, "partitions": partitions, "bindingVersion": "0.5.0"}},
        }
        operations[f"{publisher_of(topic)}_publishes_{channel}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel}"},
            "messages": [{"$ref": f"#/channels/{channel}/messages/{key}"} for key in on_topic],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Sharik events",
            "version": "1.0.0",
            "description": "Every public event of the platform. Generated from shared/sharik/events/ by"
            " `python -m sharik.events.asyncapi`; do not edit. See docs/consumers.md.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }


def _message_key(cls: type[Event]) -> str:
    return f"{cls.name}.v{cls.version}"


def _channel_key(topic: str) -> str:
    return topic.replace(".", "_")


if __name__ == "__main__":
    print(json.dumps(render(), indent=2, ensure_ascii=False))
