"""Offline checks of the Kubernetes manifests in deploy/k8s (no cluster, no kubectl needed)."""

import shutil
import subprocess
from typing import Any

import kubernetes_validate
import pytest
import yaml

# The oldest Kubernetes minor we claim to support, and the newest whose schemas the
# installed kubernetes-validate bundles: a field removed or renamed in between fails one.
K8S_VERSIONS = ["1.30", kubernetes_validate.latest_version()]

# Settings every service reads (env prefix <SERVICE>_), split by where they must live.
CONFIG_KEYS = {"ENVIRONMENT", "HTTP_HOST", "HTTP_PORT", "KAFKA_BOOTSTRAP_SERVERS", "MONGODB_DATABASE", "LOG_LEVEL"}
CONFIG_KEYS |= {"JWT_ISSUER", "JWKS_URL"}  # the identity provider, whose keys rotate
CONFIG_KEYS |= {"FORWARDED_ALLOW_IPS"}  # the ingress, whose X-Forwarded-For alone is believed
SECRET_KEYS = {"JWT_PUBLIC_KEY", "PSEUDONYM_KEY", "MONGODB_URL"}
NOTIFIER_SECRET_KEYS = {"SMTP_USERNAME", "SMTP_PASSWORD"}
# A service's own non-secret settings, beyond the common ones.
OWN_CONFIG_KEYS = {
    "notifier": {"SMTP_HOST", "SMTP_PORT", "SMTP_SENDER"},
    "reporting": {"VOTING_PUBLIC_URL"},
}

# Must equal the USER of services/<svc>/Dockerfile (test_dockerfiles.py checks that side).
IMAGE_UID = 10001


def _find(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    matches = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected exactly one {kind}/{name}, found {len(matches)}"
    return matches[0]


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, "one container per pod: the service itself"
    return containers[0]


def _secret_example(load_yaml, repo) -> list[dict[str, Any]]:
    return load_yaml(repo / "deploy" / "k8s" / "secret.example.yaml")


def _label(obj: dict[str, Any]) -> str:
    return f"{obj['kind']}/{obj['metadata']['name']}"


# --- schema -----------------------------------------------------------------------------


@pytest.mark.parametrize("k8s_version", K8S_VERSIONS)
def test_every_rendered_object_is_schema_valid(k8s_objects, k8s_version):
    # strict=True: unknown fields (typos such as `readinesProbe`) are errors, not ignored.
    assert k8s_objects
    for obj in k8s_objects:
        try:
            kubernetes_validate.validate(obj, k8s_version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{_label(obj)} invalid for Kubernetes {k8s_version}: {error.message} at {list(error.path)}")


@pytest.mark.parametrize("k8s_version", K8S_VERSIONS)
def test_secret_template_is_schema_valid(load_yaml, repo, k8s_version):
    for obj in _secret_example(load_yaml, repo):
        kubernetes_validate.validate(obj, k8s_version, strict=True)


def test_no_duplicate_objects(k8s_objects):
    keys = [(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]) for o in k8s_objects]
    assert len(keys) == len(set(keys))


# --- namespace and secrets --------------------------------------------------------------


def test_namespace_sharik_holds_everything(k8s_objects):
    namespace = _find(k8s_objects, "Namespace", "sharik")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for obj in k8s_objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == "sharik", _label(obj)


def test_no_secret_is_committed_in_the_base(k8s_objects, repo):
    # Real secrets come from the cluster's secret store; the base only references them.
    assert not [o for o in k8s_objects if o["kind"] == "Secret"]
    kustomization = (repo / "deploy" / "k8s" / "kustomization.yaml").read_text(encoding="utf-8")
    resources = yaml.safe_load(kustomization)["resources"]
    assert "secret.example.yaml" not in resources


def test_secret_template_covers_every_service(load_yaml, repo, service_ports):
    secrets = {s["metadata"]["name"]: s for s in _secret_example(load_yaml, repo)}
    assert set(secrets) == {f"sharik-{svc}-secrets" for svc in service_ports} | {"sharik-portal-secrets"}
    for svc in service_ports:
        keys = set(secrets[f"sharik-{svc}-secrets"]["stringData"])
        expected = SECRET_KEYS | (NOTIFIER_SECRET_KEYS if svc == "notifier" else set())
        assert keys == {f"{svc.upper()}_{key}" for key in expected}, svc
        # Placeholders only: a filled-in template must never be committed.
        for value in secrets[f"sharik-{svc}-secrets"]["stringData"].values():
            assert "CHANGE_ME" in value


def test_portal_has_its_objects_and_secrets(k8s_objects, load_yaml, repo):
    for kind, name in [
        ("Deployment", "sharik-portal"),
        ("Service", "sharik-portal"),
        ("ConfigMap", "sharik-portal-config"),
        ("PodDisruptionBudget", "sharik-portal"),
    ]:
        _find(k8s_objects, kind, name)
    container = _container(_find(k8s_objects, "Deployment", "sharik-portal"))
    assert container["ports"][0]["containerPort"] == 8000
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    config = _find(k8s_objects, "ConfigMap", "sharik-portal-config")["data"]
    assert config["PORTAL_SECURE_COOKIES"] == "true" and config["PORTAL_ENVIRONMENT"] == "prod"
    secrets = {s["metadata"]["name"]: s for s in _secret_example(load_yaml, repo)}
    assert set(secrets["sharik-portal-secrets"]["stringData"]) == {"PORTAL_SESSION_SECRET", "PORTAL_OIDC_CLIENT_SECRET"}


# --- per service ------------------------------------------------------------------------


def test_service_has_deployment_service_configmap_pdb(k8s_objects, service):
    for kind, name in [
        ("Deployment", f"sharik-{service}"),
        ("Service", f"sharik-{service}"),
        ("ConfigMap", f"sharik-{service}-config"),
        ("PodDisruptionBudget", f"sharik-{service}"),
    ]:
        _find(k8s_objects, kind, name)


def test_deployment_shape(k8s_objects, service):
    deployment = _find(k8s_objects, "Deployment", f"sharik-{service}")
    spec = deployment["spec"]
    assert spec["replicas"] >= 2
    pod_labels = spec["template"]["metadata"]["labels"]
    assert spec["selector"]["matchLabels"].items() <= pod_labels.items()
    container = _container(deployment)
    assert container["image"].split(":")[0].endswith(f"sharik-{service}")
    assert ":" in container["image"] and not container["image"].endswith(":latest")


def test_container_port_matches_service_and_settings(k8s_objects, service, port):
    deployment = _find(k8s_objects, "Deployment", f"sharik-{service}")
    container = _container(deployment)
    assert container["ports"] == [{"name": "http", "containerPort": port, "protocol": "TCP"}]

    svc = _find(k8s_objects, "Service", f"sharik-{service}")
    assert svc["spec"]["type"] == "ClusterIP"
    assert svc["spec"]["selector"].items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    (svc_port,) = svc["spec"]["ports"]
    assert svc_port["port"] == port
    assert svc_port["targetPort"] in ("http", port)

    config = _find(k8s_objects, "ConfigMap", f"sharik-{service}-config")["data"]
    assert config[f"{service.upper()}_HTTP_PORT"] == str(port)
    assert config[f"{service.upper()}_HTTP_HOST"] == "0.0.0.0"


def test_probes(k8s_objects, service, port):
    container = _container(_find(k8s_objects, "Deployment", f"sharik-{service}"))
    named_ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe_name, path in [("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")]:
        http_get = container[probe_name]["httpGet"]
        assert http_get["path"] == path, probe_name
        probe_port = http_get["port"]
        assert named_ports.get(probe_port, probe_port) == port, probe_name


def test_resources_requests_and_limits(k8s_objects, service):
    resources = _container(_find(k8s_objects, "Deployment", f"sharik-{service}"))["resources"]
    for section in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources[section]), section


def test_runs_non_root_read_only(k8s_objects, service):
    pod_spec = _find(k8s_objects, "Deployment", f"sharik-{service}")["spec"]["template"]["spec"]
    pod_security = pod_spec["securityContext"]
    assert pod_security["runAsNonRoot"] is True
    assert pod_security["runAsUser"] == IMAGE_UID
    assert pod_security["seccompProfile"]["type"] == "RuntimeDefault"
    container_security = _container({"spec": {"template": {"spec": pod_spec}}})["securityContext"]
    assert container_security["readOnlyRootFilesystem"] is True
    assert container_security["allowPrivilegeEscalation"] is False
    assert container_security["capabilities"]["drop"] == ["ALL"]
    assert pod_spec["automountServiceAccountToken"] is False


def test_graceful_shutdown(k8s_objects, service):
    pod_spec = _find(k8s_objects, "Deployment", f"sharik-{service}")["spec"]["template"]["spec"]
    grace = pod_spec["terminationGracePeriodSeconds"]
    pre_stop = _container({"spec": {"template": {"spec": pod_spec}}})["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    # The grace period covers the preStop pause plus real time for the shutdown itself.
    assert grace >= int(pre_stop[1]) + 20


def test_env_from_configmap_and_required_secret(k8s_objects, service):
    container = _container(_find(k8s_objects, "Deployment", f"sharik-{service}"))
    assert "env" not in container, "settings come from the ConfigMap and the Secret only"
    assert container["envFrom"] == [
        {"configMapRef": {"name": f"sharik-{service}-config"}},
        {"secretRef": {"name": f"sharik-{service}-secrets", "optional": False}},
    ]


def test_configmap_holds_the_settings_contract(k8s_objects, service):
    data = _find(k8s_objects, "ConfigMap", f"sharik-{service}-config")["data"]
    prefix = f"{service.upper()}_"
    assert all(key.startswith(prefix) for key in data), "every key carries the service's env prefix"
    keys = {key.removeprefix(prefix) for key in data}
    expected = CONFIG_KEYS | OWN_CONFIG_KEYS.get(service, set())
    assert expected <= keys
    assert keys - expected <= {"OTEL_EXPORTER_OTLP_ENDPOINT"}
    # Secrets never sit in a ConfigMap, and no key is set in both places.
    assert not keys & (SECRET_KEYS | NOTIFIER_SECRET_KEYS)
    assert data[f"{prefix}ENVIRONMENT"] == "prod"
    assert data[f"{prefix}MONGODB_DATABASE"] == f"sharik_{service}"
    assert all(isinstance(value, str) for value in data.values())


def test_prometheus_scrape_annotations(k8s_objects, service, port):
    annotations = _find(k8s_objects, "Deployment", f"sharik-{service}")["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(port)
    assert annotations["prometheus.io/path"] == "/metrics"


def test_pdb_selects_the_pods(k8s_objects, service):
    pdb = _find(k8s_objects, "PodDisruptionBudget", f"sharik-{service}")
    deployment = _find(k8s_objects, "Deployment", f"sharik-{service}")
    assert pdb["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]
    # With 2 replicas, one may go: drains never block and one pod always serves.
    assert pdb["spec"]["maxUnavailable"] == 1


# --- cross-check with the real kustomize, where one is installed ------------------------


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed; the offline renderer is the check")
def test_offline_renderer_agrees_with_kubectl_kustomize(k8s_objects, repo):
    # kubectl's built-in kustomize works without a cluster. Where it exists, it proves the
    # renderer above reads the kustomization the way kubectl apply -k will.
    result = subprocess.run(
        ["kubectl", "kustomize", str(repo / "deploy" / "k8s")],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    rendered = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    key = lambda o: (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"])  # noqa: E731
    assert sorted(rendered, key=key) == sorted(k8s_objects, key=key)
