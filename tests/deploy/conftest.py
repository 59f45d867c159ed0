"""Fixtures for the offline deployment checks: Kubernetes manifests, Compose file, Dockerfiles."""

import pathlib
from typing import Any

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
K8S_DIR = REPO / "deploy" / "k8s"

# The five services and their HTTP ports (handbook §5); everything below is checked against this.
SERVICE_PORTS: dict[str, int] = {
    "consultation": 8001,
    "feedback": 8002,
    "voting": 8003,
    "notifier": 8004,
    "reporting": 8005,
}

# Kustomization fields the offline renderer below understands. Anything else (patches,
# generators, labels…) would change the output in ways it does not reproduce, so it fails
# loudly instead of checking something other than what kubectl would apply.
_KUSTOMIZATION_FIELDS = {"apiVersion", "kind", "namespace", "resources"}
_CLUSTER_SCOPED_KINDS = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"}


def load_yaml_documents(path: pathlib.Path) -> list[dict[str, Any]]:
    """All non-empty YAML documents of a file."""
    with path.open(encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc]


def render_kustomization(directory: pathlib.Path, seen: set[pathlib.Path] | None = None) -> list[dict[str, Any]]:
    """The objects a kustomization directory yields: its resources, recursively, with its namespace applied."""
    seen = set() if seen is None else seen
    kustomization_file = directory / "kustomization.yaml"
    kustomization = yaml.safe_load(kustomization_file.read_text(encoding="utf-8"))
    unknown = set(kustomization) - _KUSTOMIZATION_FIELDS
    if unknown:
        raise AssertionError(f"{kustomization_file}: the offline renderer does not support {sorted(unknown)}")
    objects: list[dict[str, Any]] = []
    for entry in kustomization.get("resources", []):
        target = (directory / entry).resolve()
        if target in seen:
            raise AssertionError(f"{kustomization_file}: {entry} is listed twice")
        seen.add(target)
        if target.is_dir():
            objects.extend(render_kustomization(target, seen))
        elif target.is_file():
            objects.extend(load_yaml_documents(target))
        else:
            raise AssertionError(f"{kustomization_file}: resource {entry} does not exist")
    namespace = kustomization.get("namespace")
    if namespace:
        for obj in objects:
            if obj["kind"] not in _CLUSTER_SCOPED_KINDS:
                obj.setdefault("metadata", {})["namespace"] = namespace
    return objects


@pytest.fixture(scope="session")
def k8s_objects() -> list[dict[str, Any]]:
    """The rendered base deploy/k8s, as `kubectl kustomize deploy/k8s` would produce it."""
    return render_kustomization(K8S_DIR)


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    """docker-compose.yml, parsed."""
    return yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that takes `service` once per service."""
    if "service" in metafunc.fixturenames:
        metafunc.parametrize("service", list(SERVICE_PORTS))


@pytest.fixture
def port(service: str) -> int:
    """The HTTP port of the service under test."""
    return SERVICE_PORTS[service]


@pytest.fixture(scope="session")
def repo() -> pathlib.Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def service_ports() -> dict[str, int]:
    """Every service and its HTTP port."""
    return dict(SERVICE_PORTS)


@pytest.fixture(scope="session")
def render():
    """The offline kustomize renderer, for tests that render something else than the base."""
    return render_kustomization


@pytest.fixture(scope="session")
def load_yaml():
    """The multi-document YAML loader."""
    return load_yaml_documents
