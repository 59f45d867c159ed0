"""The event catalog as AsyncAPI 3.0: the committed platform document is the code's,
every reference in it resolves, every event version is in it with its payload schema,
and each service's own AsyncAPI lists every channel it publishes."""

import json
from pathlib import Path

import pytest
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI

from sharik.events import CATALOG, TOPICS
from sharik.events.asyncapi import declare_publishers, publisher_of, render

DOCUMENT = Path(__file__).parents[2] / "docs" / "asyncapi.json"
SERVICES = ("consultation", "voting", "feedback", "notifier", "reporting")


def test_the_committed_document_is_generated_from_the_catalog():
    assert json.loads(DOCUMENT.read_text()) == render(), (
        "docs/asyncapi.json is stale: run python -m sharik.events.asyncapi > docs/asyncapi.json"
    )


def _resolve(document: dict, ref: str):
    node = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_reference_resolves_and_every_event_version_is_there():
    document = render()
    assert document["asyncapi"] == "3.0.0"
    for ref in _refs(document):
        _resolve(document, ref)
    names = {m["name"] for m in document["components"]["messages"].values()}
    assert names == set(CATALOG)
    for cls in CATALOG.values():
        payload = document["components"]["schemas"][f"{cls.name}.v{cls.version}"]
        assert set(payload["properties"]) == set(cls.model_json_schema()["properties"])
    assert {c["address"] for c in document["channels"].values()} == set(TOPICS)
    for operation in document["operations"].values():
        assert operation["action"] == "send"


def test_every_topic_is_published_by_a_service():
    assert {publisher_of(topic) for topic in TOPICS} <= set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_a_services_asyncapi_lists_what_it_publishes(service):
    published = [t for t in TOPICS if publisher_of(t) == service]
    broker = KafkaBroker("127.0.0.1:9")
    declare_publishers(broker, published)
    document = json.loads(AsyncAPI(broker, schema_version="3.0.0").to_specification().to_json())
    sent = {document["channels"][op["channel"]["$ref"].rsplit("/", 1)[-1]]["address"]
            for op in document["operations"].values() if op["action"] == "send"}
    assert sent == set(published)
    schemas = document["components"]["schemas"]
    for topic in published:
        for cls in (c for c in CATALOG.values() if c.topic == topic):
            assert cls.__name__ in schemas, cls.__name__
