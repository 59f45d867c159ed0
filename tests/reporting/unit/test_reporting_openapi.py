"""The reporting API's OpenAPI document names what each public route answers (a model,
not a loose object) and the errors it may give."""

import pytest

from reporting.config import ReportingSettings
from reporting.main import create_app


@pytest.fixture(scope="module")
def openapi(jwt_keys) -> dict:
    app = create_app(ReportingSettings(environment="test", jwt_public_key=jwt_keys[1]))
    return app.app._application.openapi()


@pytest.mark.parametrize(("path", "model"), [
    ("/transparency/campaigns", "Campaign"),
    ("/transparency/ballots/{ballot_id}", "Ballot"),
    ("/transparency/complaints/summary", "ComplaintsSummary"),
    ("/transparency/complaints/sla", "Sla"),
    ("/transparency/satisfaction", "Satisfaction"),
    ("/transparency/summary", "Summary"),
    ("/data-requests", "DataRequestPage"),
    ("/data-requests/{request_id}", "DataRequestView"),
    ("/datasets/{dataset_id}/snapshots", "Snapshots"),
])
def test_each_route_answers_a_named_model_and_documents_its_errors(openapi, path, model):
    answer = openapi["paths"][path]["get"]["responses"]
    assert model in str(answer["200"]["content"]["application/json"]["schema"]), answer["200"]
    assert {"404", "422"} & set(answer), answer
    assert model in openapi["components"]["schemas"]


def test_writes_document_who_may_make_them(openapi):
    ask = openapi["paths"]["/data-requests"]["post"]["responses"]
    answer = openapi["paths"]["/data-requests/{request_id}/answer"]["post"]["responses"]
    for responses in (ask, answer):
        assert {"201" if responses is ask else "200", "401", "403", "422"} <= set(responses)


def test_the_catalogue_documents_its_formats(openapi):
    catalogue = openapi["paths"]["/catalog.{extension}"]["get"]
    [extension] = [p for p in catalogue["parameters"] if p["name"] == "extension"]
    assert set(extension["schema"]["enum"]) == {"ttl", "jsonld", "rdf"}
