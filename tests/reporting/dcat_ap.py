"""The project's DCAT-AP 3.0 shapes (fixtures/dcat-ap-3.0-shapes.ttl) and what pySHACL
finds against them, graded as the specification grades it: a Violation breaks a
mandatory property or a range, a Warning misses a recommended property."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, Namespace
from rdflib.namespace import RDF, NamespaceManager
from rdflib.term import Node

SHAPES = Path(__file__).parent / "fixtures" / "dcat-ap-3.0-shapes.ttl"
SH = Namespace("http://www.w3.org/ns/shacl#")

# Recommended by DCAT-AP 3.0 and not yet described by reporting.dcat, as (node shape,
# property): none now; a gap opened later is named here, so that it fails the tests until
# it is either filled or struck off (the unit test asserts exactly these).
MISSING_RECOMMENDED: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Finding:
    severity: str  # "Violation" or "Warning"
    shape: str  # the node shape, named as in the shapes file: "Distribution"
    focus: Node
    path: str  # the property, prefixed as in the shapes file: "dct:title"
    message: str


@cache
def shapes() -> Graph:
    return Graph().parse(SHAPES)


@cache
def _prefixes() -> NamespaceManager:
    manager = NamespaceManager(Graph(bind_namespaces="none"))
    for prefix, namespace in shapes().namespaces():
        manager.bind(prefix, namespace)
    return manager


def findings(data: Graph) -> list[Finding]:
    _, report, _ = validate(data, shacl_graph=shapes(), inference="none", allow_warnings=True)
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        source = report.value(result, SH.sourceShape)
        node_shape = shapes().value(predicate=SH.property, object=source) or source
        path = report.value(result, SH.resultPath)
        found.append(Finding(
            severity=str(report.value(result, SH.resultSeverity)).removeprefix(str(SH)),
            shape=_prefixes().normalizeUri(node_shape).removeprefix(":"),
            focus=report.value(result, SH.focusNode),
            path="" if path is None else _prefixes().normalizeUri(path),
            message=str(report.value(result, SH.resultMessage)),
        ))
    return sorted(found, key=lambda f: (f.severity, f.shape, f.path, str(f.focus)))


def of(found: list[Finding], severity: str) -> list[Finding]:
    return [f for f in found if f.severity == severity]
