"""Fuzzing as a standing test: schemathesis generates requests from each service's
OpenAPI and sends them to the service running as a process, on the real broker and
store. No response may be a server error, and every response must be one its OpenAPI
documents (status code, content type, body schema).

Bounded: a few generated requests per operation, so the five services take minutes."""

import sys
from pathlib import Path

import pytest
import schemathesis
from devstack.process import launch, stop_all, wait_until_ready
from devstack.services import NAMES, is_ready, service_env
from devstack.smtp import free_port
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from tests.support.service import unique_database

pytestmark = pytest.mark.integration
EXAMPLES_PER_OPERATION = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Every role the services know, in one agency: requests reach the routes' own checks
# instead of stopping at 401/403.
ROLES = ["citizen", "officer", "agency_admin", "admin", "operator", "auditor", "jury"]


@pytest.fixture(scope="module", params=NAMES)
def service_url(request, kafka_bootstrap_servers, mongodb_url, smtp_sink):
    name = request.param
    port = free_port("127.0.0.1")
    database = unique_database(name)
    prefix = name.upper() + "_"
    env = service_env(
        name, port=port, kafka_bootstrap_servers=kafka_bootstrap_servers, mongodb_url=mongodb_url,
        smtp_host="127.0.0.1", smtp_port=smtp_sink.port,
    ) | {prefix + "MONGODB_DATABASE": database, prefix + "CONSUMER_GROUP": f"sharik.{name}.{database}"}
    url = f"http://127.0.0.1:{port}"
    script = str(Path(sys.executable).parent / f"sharik-{name}")
    process = launch(f"{name}-fuzz-{port}", [script], url=url, ports=(port,), answers=lambda: is_ready(url), env=env)
    wait_until_ready(process, timeout=120)
    yield url
    stop_all([process])


def test_every_operation_answers_as_documented(service_url, tokens):
    schema = schemathesis.openapi.from_url(f"{service_url}/openapi.json")
    headers = tokens.of(ROLES, agency="fuzz")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case):
            response = case.call(headers=headers, timeout=30)
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - reported together below
                failures.append(f"{case.method} {case.formatted_path}: {str(failure)[:600]}")

        fuzz()
    assert operations > 3
    assert not failures, "\n\n".join(sorted(set(failures))[:40])
