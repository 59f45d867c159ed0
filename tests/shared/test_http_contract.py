"""What every service's HTTP API promises before a route runs: the one error shape for
every refusal (unknown route, wrong method, a body that is not JSON, a body too large,
control characters), messages in the caller's language, and error responses documented
in the OpenAPI. Checked on all five apps, without their lifespan: none of this needs the
broker or the store."""

import importlib
import pkgutil

import httpx
import pytest
from devstack.keys import dev_keys

from sharik.errors import DomainError
from sharik.messages import CATALOGUE, language

SERVICES = {
    "consultation": "ConsultationSettings",
    "feedback": "FeedbackSettings",
    "voting": "VotingSettings",
    "notifier": "NotifierSettings",
    "reporting": "ReportingSettings",
}
# A JSON write route of each service, reachable without a token where one exists.
JSON_ROUTE = {
    "consultation": "/campaigns",
    "feedback": "/complaints/anonymous",
    "voting": "/ballots",
    "notifier": "/subscriptions",
    "reporting": "/admin/rebuild",
}


def build(service: str, **settings):
    main = importlib.import_module(f"{service}.main")
    config = importlib.import_module(f"{service}.config")
    return main.create_app(getattr(config, SERVICES[service])(jwt_public_key=dev_keys()[1], **settings))


def client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service")


def assert_error_shape(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert error["message"]
    return error


@pytest.fixture(params=sorted(SERVICES))
def service(request) -> str:
    return request.param


async def test_an_unknown_route_is_404_in_the_error_shape(service):
    async with client(build(service)) as http:
        assert_error_shape(await http.get("/no/such/route"), 404, "not_found")


async def test_a_method_the_path_lacks_is_405_listing_every_method_of_the_path(service):
    app = build(service)
    paths = app.app._application.openapi()["paths"]
    # A path with several operations, so the Allow header must join routes.
    path, operations = max(paths.items(), key=lambda item: len(item[1]))
    concrete = path.replace("{", "").replace("}", "")
    async with client(app) as http:
        response = await http.request("PUT", concrete) if "put" not in operations else None
        if response is None:
            pytest.skip("every method taken")
        assert_error_shape(response, 405, "method_not_allowed")
        allowed = {m.strip() for m in response.headers["allow"].split(",")}
        assert {m.upper() for m in operations} <= allowed


async def test_a_body_that_is_not_json_is_400_in_the_error_shape(service):
    async with client(build(service)) as http:
        response = await http.post(JSON_ROUTE[service], content=b'{"title": ', headers={"content-type": "application/json"})
        assert_error_shape(response, 400, "malformed_body")


async def test_a_json_body_over_the_limit_is_413_before_it_is_parsed(service):
    async with client(build(service, max_json_body_bytes=1000)) as http:
        big = b'{"x": "' + b"a" * 5000 + b'"}'
        declared = await http.post(JSON_ROUTE[service], content=big, headers={"content-type": "application/json"})
        error = assert_error_shape(declared, 413, "body_too_large")
        assert error["details"] == [{"limit_bytes": 1000}]

        async def chunks():
            # No Content-Length: the guard counts the bytes as they stream in.
            for _ in range(10):
                yield b" " * 500

        streamed = await http.post(JSON_ROUTE[service], content=chunks(), headers={"content-type": "application/json"})
        assert_error_shape(streamed, 413, "body_too_large")


async def test_the_default_json_limit_refuses_a_large_anonymous_complaint():
    async with client(build("feedback")) as http:
        body = b'{"text": "' + b"a" * (2 * 1024 * 1024) + b'"}'
        response = await http.post("/complaints/anonymous", content=body, headers={"content-type": "application/json"})
        assert_error_shape(response, 413, "body_too_large")


async def test_upload_routes_take_the_larger_upload_limit():
    app = build("voting", max_json_body_bytes=1000, max_upload_body_bytes=3000)
    async with client(app) as http:
        # Past the JSON limit yet within the upload limit: refused for another reason (no token).
        roll = await http.post("/ballots/b1/roll", content=b"x" * 2000, headers={"content-type": "text/csv"})
        assert roll.status_code == 401
        too_big = await http.post("/ballots/b1/roll", content=b"x" * 4000, headers={"content-type": "text/csv"})
        assert_error_shape(too_big, 413, "body_too_large")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": "bad\u0000name"}, "title"),
        ({"options": [{"label": "ok"}, {"label": "esc\u001b[31m"}]}, "options.1.label"),
        ({"ok": "line one\nline two\ttabbed", "bad": "\u0085"}, "bad"),
    ],
)
async def test_a_control_character_in_any_json_text_is_422_naming_the_field(body, field):
    async with client(build("consultation")) as http:
        error = assert_error_shape(await http.post("/campaigns", json=body), 422, "control_character")
        assert error["details"][0]["field"] == field


async def test_a_control_character_in_a_query_value_is_422():
    async with client(build("voting")) as http:
        error = assert_error_shape(await http.get("/ballots", params={"agency": "moh\u0000"}), 422, "control_character")
        assert error["details"][0]["field"] == "agency"


async def test_errors_come_in_the_callers_language_with_the_same_code(service):
    async with client(build(service)) as http:
        english = assert_error_shape(await http.get("/no/such/route"), 404, "not_found")
        arabic = assert_error_shape(
            await http.get("/no/such/route", headers={"accept-language": "ar-OM,ar;q=0.9,en;q=0.5"}), 404, "not_found"
        )
        assert arabic["message"] == CATALOGUE["not_found"].ar != english["message"]
        response = await http.post(JSON_ROUTE[service], content=b"{", headers={"accept-language": "ar"})
        assert response.headers["content-language"] == "ar"
        assert assert_error_shape(response, 400, "malformed_body")["message"] == CATALOGUE["malformed_body"].ar


def test_accept_language_picks_the_preferred_supported_language():
    assert language(None) == "en"
    assert language("ar") == "ar"
    assert language("fr, ar;q=0.8, en;q=0.9") == "en"
    assert language("en;q=0.5, ar-OM") == "ar"
    assert language("ar;q=0, en") == "en"


def test_every_domain_error_code_of_every_service_has_arabic_and_english_messages():
    for service in SERVICES:
        package = importlib.import_module(service)
        for module in pkgutil.walk_packages(package.__path__, f"{service}."):
            importlib.import_module(module.name)
    codes = set()
    pending = [DomainError]
    while pending:
        error = pending.pop()
        codes.add(error.code)
        pending.extend(error.__subclasses__())
    missing = codes - set(CATALOGUE)
    assert not missing, f"codes without a catalogue entry in sharik.messages: {sorted(missing)}"
    for entry in CATALOGUE.values():
        assert entry.en and entry.ar


def test_each_operation_documents_its_error_responses_in_the_error_shape(service):
    schema = build(service).app._application.openapi()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    operations = [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]
    assert operations
    for path, method, operation in operations:
        responses = operation["responses"]
        # Open311's façade answers in GeoReport's own error documents, as that standard says.
        own = {"400", "401", "403", "404"} if path.startswith("/open311/") else set()
        for status, response in responses.items():
            if status.startswith("4") and status not in own:
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
        if "{" in path:
            assert "404" in responses, (method, path)
        if "requestBody" in operation:
            assert {"413", "422"} <= set(responses), (method, path)
        if any("bearer" in str(p).lower() for p in operation.get("parameters", [])):
            assert "401" in responses


async def test_the_authenticated_routes_document_401_and_403():
    schema = build("voting").app._application.openapi()
    create = schema["paths"]["/ballots"]["post"]["responses"]
    assert {"400", "401", "403", "409", "413", "422"} <= set(create)


async def test_a_domain_error_carries_its_headers_and_reads_in_arabic(jwt_keys):
    from fastapi import APIRouter

    from sharik.errors import DomainError
    from sharik.runtime import ServiceRuntime
    from sharik.settings import ServiceSettings

    class Throttled(DomainError):
        status = 429
        code = "too_many_attempts"

    router = APIRouter()

    @router.get("/throttled")
    async def throttled() -> None:
        raise Throttled("wait 30 s", headers={"Retry-After": "30"})

    settings = ServiceSettings(service_name="probe", http_port=0, mongodb_database="probe", jwt_public_key=jwt_keys[1])
    app = ServiceRuntime(settings, published=[]).app(title="probe", routers=[router], state={})
    async with client(app) as http:
        response = await http.get("/throttled", headers={"accept-language": "ar"})
    assert_error_shape(response, 429, "too_many_attempts")
    assert response.headers["retry-after"] == "30"
    assert response.json()["error"]["message"] == CATALOGUE["too_many_attempts"].ar

