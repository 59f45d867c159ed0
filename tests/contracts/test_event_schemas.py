"""The event catalog is a public, versioned contract: each event's JSON schema must
equal its committed snapshot. A change that fails here is either additive (update the
snapshot: `SHARIK_UPDATE_SNAPSHOTS=1 pytest tests/contracts`) or breaking (make a new
version of the event instead)."""

import json
import os
from pathlib import Path

import pytest

from sharik.events import CATALOG
from sharik.events.document import render

SNAPSHOTS = Path(__file__).parent / "schemas"


@pytest.mark.parametrize("type_name", sorted(CATALOG))
def test_event_schema_matches_its_snapshot(type_name):
    schema = CATALOG[type_name].model_json_schema()
    snapshot = SNAPSHOTS / f"{type_name}.json"
    if os.environ.get("SHARIK_UPDATE_SNAPSHOTS"):
        snapshot.write_text(json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    assert snapshot.exists(), f"no snapshot for {type_name}; run with SHARIK_UPDATE_SNAPSHOTS=1"
    assert schema == json.loads(snapshot.read_text())


def test_every_snapshot_belongs_to_a_catalog_event():
    """A removed event is a breaking change: its snapshot must not silently linger."""
    orphans = {p.stem for p in SNAPSHOTS.glob("*.json")} - set(CATALOG)
    assert not orphans


def test_type_names_follow_the_convention():
    for type_name, cls in CATALOG.items():
        assert type_name == f"om.sharik.{cls.topic.split('.')[0]}.{cls.name}.v{cls.version}"


def test_the_catalog_document_lists_every_event():
    document = (Path(__file__).parents[2] / "docs" / "events.md").read_text()
    missing = [type_name for type_name in CATALOG if type_name not in document]
    assert not missing, f"docs/events.md does not describe {missing}"


def test_no_event_carries_personal_data_fields():
    personal = {"civil_number", "phone", "email", "address", "name", "description", "voter_id"}
    for type_name, cls in CATALOG.items():
        assert not personal & set(cls.model_fields), type_name


def test_the_catalog_document_is_generated_from_the_code():
    document = (Path(__file__).parents[2] / "docs" / "events.md").read_text()
    assert document == render(), "regenerate: python -m sharik.events.document > docs/events.md"
