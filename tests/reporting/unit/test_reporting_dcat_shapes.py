"""The project's DCAT-AP 3.0 shapes bite: the catalogue as the service serves it has no
violation, and each way of breaking a mandatory property, a range or a datatype in it is
reported as one, while a missing recommended property is only a warning."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from reporting.datasets.files import render
from reporting.datasets.table import Column, Related, Table
from reporting.dcat import SPDX, Describer, serialize
from reporting.open_data import Published
from tests.reporting.dcat_ap import MISSING_RECOMMENDED, findings, of

BASE = "http://service"
CATALOGUE = URIRef(f"{BASE}/catalog")
DATASET = URIRef(f"{BASE}/datasets/complaint-volumes-mm")
CSV = URIRef(f"{BASE}/datasets/complaint-volumes-mm.csv")
PUBLISHER = URIRef(f"{BASE}/agencies/mm")
DAY = datetime(2026, 10, 3, 9, tzinfo=UTC)
ARABIC_TITLE = "أعداد البلاغات"


def served() -> Graph:
    """The catalogue's page as the route serialises it, read back as a harvester would."""
    table = Table(
        dataset_id="complaint-volumes-mm", publisher="mm",
        title={"ar": ARABIC_TITLE, "en": "Complaint volumes"},
        description={"ar": "البلاغات المقدمة كل شهر", "en": "Complaints filed each month"},
        keywords=({"ar": "بلاغات", "en": "complaints"},), theme="GOVE",
        columns=(Column("month", "الشهر", "Month"), Column("filed", "المقدمة", "Filed", people=True)),
        rows=[{"month": "2026-10", "filed": 7}], issued=DAY, modified=DAY, temporal=(DAY, DAY),
        related=(Related("Bulletin board", "http://voting/ballots/b1/board.csv", "csv",
                         {"ar": "لوحة النشر", "en": "The bulletin board"}),),
    )
    published = Published(table, render(table, 5))
    graph = Describer(BASE, contact_email="opendata@example.om").catalogue(
        [published], page=1, page_size=100, total=1, modified=DAY, issued=DAY)
    return Graph().parse(data=serialize(graph, "ttl")[0], format="turtle")


def checksum(graph: Graph):
    return graph.value(CSV, SPDX.checksum)


def replace(subject: Callable[[Graph], object], predicate: URIRef, value) -> Callable[[Graph], None]:
    def broken(graph: Graph) -> None:
        node = subject(graph)
        graph.remove((node, predicate, None))
        graph.add((node, predicate, value))
    return broken


def remove(subject: Callable[[Graph], object], predicate: URIRef, value=None) -> Callable[[Graph], None]:
    return lambda graph: graph.remove((subject(graph), predicate, value))


def add(subject: Callable[[Graph], object], predicate: URIRef, value) -> Callable[[Graph], None]:
    return lambda graph: graph.add((subject(graph), predicate, value))


def the(node):
    return lambda graph: node


# What is broken, and the (node shape, property) the violation is reported under.
BREAKAGES = {
    "a dataset without its title": (remove(the(DATASET), DCTERMS.title), "Dataset", "dct:title"),
    "a dataset without its description": (remove(the(DATASET), DCTERMS.description), "Dataset", "dct:description"),
    "two English titles of a dataset": (add(the(DATASET), DCTERMS.title, Literal("Complaints", lang="en")),
                                        "Dataset", "dct:title"),
    "a dataset's release date as free text": (replace(the(DATASET), DCTERMS.issued, Literal("last Tuesday")),
                                              "Dataset", "dct:issued"),
    "a dataset's publisher that is no agent": (remove(the(PUBLISHER), RDF.type, FOAF.Agent), "Dataset",
                                               "dct:publisher"),
    "a period ending on a word": (replace(lambda g: g.value(DATASET, DCTERMS.temporal), DCAT.endDate,
                                          Literal("soon")), "PeriodOfTime", "dcat:endDate"),
    "a distribution without its access URL": (remove(the(CSV), DCAT.accessURL), "Distribution", "dcat:accessURL"),
    "an access URL as a string": (replace(the(CSV), DCAT.accessURL, Literal(f"{CSV}")), "Distribution",
                                  "dcat:accessURL"),
    "the byte size as a string": (replace(the(CSV), DCAT.byteSize, Literal("1234")), "Distribution",
                                  "dcat:byteSize"),
    "a negative byte size": (replace(the(CSV), DCAT.byteSize, Literal(-1, datatype=XSD.integer)), "Distribution",
                             "dcat:byteSize"),
    "two byte sizes": (add(the(CSV), DCAT.byteSize, Literal(1, datatype=XSD.nonNegativeInteger)), "Distribution",
                       "dcat:byteSize"),
    "a checksum without its algorithm": (remove(checksum, SPDX.algorithm), "Checksum", "spdx:algorithm"),
    "a checksum value that is not hexadecimal": (replace(checksum, SPDX.checksumValue,
                                                         Literal("not-hex", datatype=XSD.hexBinary)),
                                                 "Checksum", "spdx:checksumValue"),
    "a checksum value as a string": (replace(checksum, SPDX.checksumValue, Literal("ab" * 32)), "Checksum",
                                     "spdx:checksumValue"),
    "a catalogue without its publisher": (remove(the(CATALOGUE), DCTERMS.publisher), "Catalogue", "dct:publisher"),
    "a catalogue with two publishers": (add(the(CATALOGUE), DCTERMS.publisher, PUBLISHER), "Catalogue",
                                        "dct:publisher"),
    "a catalogue without its title": (remove(the(CATALOGUE), DCTERMS.title), "Catalogue", "dct:title"),
    "an agent without a name": (remove(the(PUBLISHER), FOAF.name), "Agent", "foaf:name"),
    "a dataset titled only in English": (remove(the(DATASET), DCTERMS.title, Literal(ARABIC_TITLE, lang="ar")),
                                         "ArabicAndEnglish", "dct:title"),
}


def test_the_served_catalogue_has_no_violation_and_no_warning():
    found = findings(served())
    assert of(found, "Violation") == []
    assert {(f.shape, f.path) for f in of(found, "Warning")} == MISSING_RECOMMENDED


@pytest.mark.parametrize("breakage", BREAKAGES, ids=list(BREAKAGES))
def test_each_breakage_is_a_violation(breakage):
    break_it, shape, path = BREAKAGES[breakage]
    graph = served()
    break_it(graph)
    violations = {(f.shape, f.path) for f in of(findings(graph), "Violation")}
    assert (shape, path) in violations, violations


def test_a_missing_recommended_property_is_a_warning_not_a_violation():
    graph = served()
    graph.remove((DATASET, DCAT.contactPoint, None))
    found = findings(graph)
    assert of(found, "Violation") == []
    assert [(f.shape, f.focus, f.path) for f in of(found, "Warning") if f.shape == "DatasetRecommended"] == [
        ("DatasetRecommended", DATASET, "dcat:contactPoint")]
