"""Offline checks of docker-compose.yml (no Docker engine needed)."""

import json
import pathlib

import jsonschema

# The Compose Specification's own schema, vendored (see compose-spec.SOURCE.md).
SCHEMA_PATH = pathlib.Path(__file__).with_name("compose-spec.json")
INFRASTRUCTURE = {"kafka": "apache/kafka:4.1.1", "mongo": "mongo:7", "mailpit": "axllent/mailpit", "oidc": "node:22"}
ONE_SHOT = {"keys"}  # jobs the services wait to complete, rather than to be healthy
WEB = {"portal"}  # the web face: no broker, no store, it calls the five services over HTTP


def test_compose_file_matches_the_compose_specification(compose):
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(compose)]
    assert not errors, "\n".join(errors)


def test_exactly_the_expected_services(compose, service_ports):
    assert set(compose["services"]) == set(INFRASTRUCTURE) | set(service_ports) | ONE_SHOT | WEB


def test_portal_calls_the_services_at_their_published_ports(compose, service_ports):
    portal = compose["services"]["portal"]
    assert portal["build"]["dockerfile"] == "services/portal/Dockerfile"
    environment = portal["environment"]
    assert all(key.startswith("PORTAL_") for key in environment)
    for name, port in service_ports.items():
        assert environment[f"PORTAL_{name.upper()}_URL"] == f"http://127.0.0.1:{port}"
        assert portal["depends_on"][name] == {"condition": "service_healthy"}


def test_infrastructure_images(compose):
    for name, image in INFRASTRUCTURE.items():
        assert compose["services"][name]["image"].startswith(image), name


def test_every_service_has_a_healthcheck(compose):
    for name, definition in compose["services"].items():
        if name in ONE_SHOT:
            continue
        healthcheck = definition.get("healthcheck", {})
        assert healthcheck.get("test") and not healthcheck.get("disable"), name
        assert healthcheck["test"][0] in ("CMD", "CMD-SHELL"), name


def test_ports_are_published_on_loopback_only(compose):
    for name, definition in compose["services"].items():
        for mapping in definition.get("ports", []):
            # Short syntax only, so the host address is visible: "127.0.0.1:HOST:CONTAINER".
            assert isinstance(mapping, str) and mapping.startswith("127.0.0.1:"), (name, mapping)


def test_kafka_is_reachable_as_kafka_9092(compose):
    environment = compose["services"]["kafka"]["environment"]
    advertised = environment["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert any(listener.endswith("://kafka:9092") for listener in advertised)
    assert environment["KAFKA_PROCESS_ROLES"] == "broker,controller"


def test_service_is_built_from_its_dockerfile(compose, repo, service):
    build = compose["services"][service]["build"]
    assert build["context"] == "."
    assert build["dockerfile"] == f"services/{service}/Dockerfile"
    assert (repo / build["dockerfile"]).is_file()


def test_service_environment(compose, service, port, service_ports):
    environment = compose["services"][service]["environment"]
    prefix = f"{service.upper()}_"
    assert all(key.startswith(prefix) for key in environment)
    assert environment[f"{prefix}ENVIRONMENT"] == "dev"
    assert environment[f"{prefix}HTTP_HOST"] == "0.0.0.0"
    assert environment[f"{prefix}HTTP_PORT"] == str(port)
    assert environment[f"{prefix}KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert environment[f"{prefix}MONGODB_URL"].startswith("mongodb://mongo:27017")
    assert environment[f"{prefix}MONGODB_DATABASE"] == f"sharik_{service}"
    if service == "notifier":
        assert environment["NOTIFIER_SMTP_HOST"] == "mailpit"
        assert environment["NOTIFIER_SMTP_PORT"] == "1025"
    if service == "reporting":
        # Its open-data links are for a browser on the host: the voting service's published port.
        assert environment["REPORTING_VOTING_PUBLIC_URL"] == f"http://127.0.0.1:{service_ports['voting']}"
    assert compose["services"][service]["ports"] == [f"127.0.0.1:{port}:{port}"]
    assert f":{port}/readyz" in " ".join(compose["services"][service]["healthcheck"]["test"])


def test_service_waits_for_healthy_dependencies(compose, service):
    depends_on = dict(compose["services"][service]["depends_on"])
    assert depends_on.pop("keys") == {"condition": "service_completed_successfully"}
    expected = {"kafka", "mongo"} | ({"mailpit"} if service == "notifier" else set())
    assert set(depends_on) == expected
    for dependency in depends_on.values():
        assert dependency["condition"] == "service_healthy"


def test_service_reads_the_token_key_from_the_keys_volume(compose, service):
    definition = compose["services"][service]
    assert "keys:/keys:ro" in definition["volumes"]
    assert definition["environment"][f"{service.upper()}_JWT_PUBLIC_KEY_FILE"] == "/keys/public.pem"
