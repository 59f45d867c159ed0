"""The open-data catalogue end to end on the real broker and store: a ballot closed
through the voting service's API appears in reporting's /open-data, its result files
match voting's, its links lead to voting's board, and a rebuild gives the same catalogue."""

import asyncio
import csv
import io
from datetime import datetime

import pytest
from ulid import ULID

from reporting.config import ReportingSettings
from reporting.main import create_app as reporting_app
from tests.support.service import running, unique_database
from tests.support.voting import voting_settings
from voting.main import create_app as voting_app

pytestmark = pytest.mark.integration

VOTING_URL = "https://vote.example.om"
DEADLINE_SECONDS = 120
OPTIONS = [
    {"option_id": "human", "label": {"ar": "الإنسان والمجتمع", "en": "Human and society"}},
    {"option_id": "labour", "label": {"ar": "سوق العمل والتوظيف", "en": "Labour market and employment"}},
]


@pytest.fixture(scope="module")
async def voting(kafka_bootstrap_servers, mongodb_url, jwt_keys):
    settings = voting_settings(
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        public_key=jwt_keys[1],
        database=unique_database("voting"),
    )
    async with running(voting_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
async def reporting(kafka_bootstrap_servers, mongodb_url, jwt_keys, start_group_at_the_end):
    settings = ReportingSettings(
        service_name=f"reporting-test-{str(ULID()).lower()}",
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        mongodb_database=unique_database("reporting"),
        jwt_public_key=jwt_keys[1],
        environment="test",
        voting_public_url=f"{VOTING_URL}/",
    )
    await start_group_at_the_end(f"sharik.{settings.service_name}")
    async with running(reporting_app(settings)) as client:
        yield client


@pytest.fixture
def agency() -> str:
    return f"agency-{str(ULID()).lower()}"


async def closed_ballot(voting, tokens, agency: str, choices: list[str], **fields) -> str:
    """A ballot drafted, opened, voted in and closed through the voting service's API."""
    officer = tokens.officer(agency)
    drafted = await voting.post(
        "/ballots",
        json={
            "question": {"ar": "ما موضوع منتدى معاً نتقدم؟", "en": "Which Together We Progress topic?"},
            "options": OPTIONS,
            "opens_at": "2026-11-01T00:00:00Z",
            "closes_at": "2030-01-01T00:00:00Z",
            **fields,
        },
        headers=officer,
    )
    assert drafted.status_code == 201, drafted.text
    ballot_id = drafted.json()["ballot_id"]
    assert (await voting.post(f"/ballots/{ballot_id}/open", headers=officer)).status_code == 200
    for choice in choices:
        cast = await voting.post(f"/ballots/{ballot_id}/votes", json={"choice": choice}, headers=tokens.citizen())
        assert cast.status_code == 201, cast.text
    assert (await voting.post(f"/ballots/{ballot_id}/close", headers=officer)).status_code == 200
    return ballot_id


async def catalogue_of(reporting, agency: str, *, datasets: int) -> list[dict]:
    """The agency's datasets, once `datasets` of them are listed; fail after the deadline."""
    deadline = asyncio.get_running_loop().time() + DEADLINE_SECONDS
    while True:
        listed = (await reporting.get("/open-data", params={"agency": agency})).json()
        if len(listed) == datasets:
            return listed
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"the catalogue never listed {datasets} datasets; last answer: {listed}")
        await asyncio.sleep(0.3)


def table(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def path_of(url: str) -> str:
    assert url.startswith(f"{VOTING_URL}/ballots/"), url
    return url.removeprefix(VOTING_URL)


async def test_a_closed_ballot_becomes_a_dataset_whose_files_match_the_voting_service(
    voting, reporting, tokens, agency
):
    ballot_id = await closed_ballot(voting, tokens, agency, ["human", "labour", "human"])

    [dataset] = await catalogue_of(reporting, agency, datasets=1)

    source = (await voting.get(f"/ballots/{ballot_id}/open-data/result.json")).json()
    assert (dataset["ballot_id"], dataset["agency"], dataset["kind"], dataset["binding"]) == (
        ballot_id, agency, "single_choice", False,
    )
    assert dataset["title"] == {"ar": "ما موضوع منتدى معاً نتقدم؟", "en": "Which Together We Progress topic?"}
    assert dataset["board_head"] == source["board_head"]
    assert datetime.fromisoformat(dataset["published_at"]) == datetime.fromisoformat(source["published_at"])

    downloads = dataset["downloads"]
    assert set(downloads) == {"result_json", "result_csv", "board_export", "board_csv"}
    published = await reporting.get(downloads["result_json"])
    assert published.status_code == 200, published.text
    result = published.json()
    for field in ("ballot_id", "agency", "kind", "question", "counts", "total_votes", "outcome", "winners"):
        assert result[field] == source[field], field
    assert (result["board_head"], result["rule"], result["turnout"]) == (
        source["board_head"], source["rule"], source["turnout"]
    )
    assert [(c["option_id"], c["votes"], c["percent"]) for c in result["counts"]] == [
        ("human", 2, 66.67),
        ("labour", 1, 33.33),
    ]
    assert result["votes_cast"] == 3

    mine = table(await reporting.get(downloads["result_csv"]))
    assert mine == table(await voting.get(f"/ballots/{ballot_id}/open-data/result.csv"))
    assert (mine[0]["label_ar"], mine[0]["status"]) == ("الإنسان والمجتمع", "winner")
    assert ("turnout", "3") in [(r["section"], r["votes"]) for r in mine]

    # The board links lead to the voting service, whose export carries the same head.
    export = (await voting.get(path_of(downloads["board_export"]))).json()
    assert export["result"]["board_head"] == dataset["board_head"]
    assert list(downloads["board_csv"]) == ["votes"]
    board = table(await voting.get(path_of(downloads["board_csv"]["votes"])))
    assert [r["hash"] for r in board] == [e["hash"] for e in export["lists"]["votes"]["entries"]]

    missing = await reporting.get(f"/open-data/ballots/{ULID()}/result.csv")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")


async def test_a_budget_dataset_links_its_pb_file_and_lists_costs_and_the_funded_projects(
    voting, reporting, tokens, agency
):
    officer = tokens.officer(agency)
    drafted = await voting.post(
        "/ballots",
        json={
            "question": {"ar": "ما المشاريع التي تمولها الولاية؟", "en": "Which projects should the wilayat fund?"},
            "options": [
                {"option_id": "1", "label": {"ar": "حديقة الحي", "en": "Neighbourhood park"}, "cost": 400},
                {"option_id": "2", "label": {"ar": "إنارة الشوارع", "en": "Street lights"}, "cost": 300},
                {"option_id": "3", "label": {"ar": "مكتبة", "en": "Library"}, "cost": 200},
            ],
            "opens_at": "2026-11-01T00:00:00Z",
            "closes_at": "2030-01-01T00:00:00Z",
            "kind": "budget",
            "total_budget": 700,
            "rule": "greedy",
        },
        headers=officer,
    )
    assert drafted.status_code == 201, drafted.text
    ballot_id = drafted.json()["ballot_id"]
    assert (await voting.post(f"/ballots/{ballot_id}/open", headers=officer)).status_code == 200
    for choices in (["1"], ["1", "3"], ["2", "3"]):
        cast = await voting.post(f"/ballots/{ballot_id}/votes", json={"choices": choices}, headers=tokens.citizen())
        assert cast.status_code == 201, cast.text
    assert (await voting.post(f"/ballots/{ballot_id}/close", headers=officer)).status_code == 200

    [dataset] = await catalogue_of(reporting, agency, datasets=1)

    pb = await voting.get(path_of(dataset["downloads"]["budget_pb"]))
    assert pb.status_code == 200 and "PROJECTS" in pb.text
    mine = table(await reporting.get(dataset["downloads"]["result_csv"]))
    assert mine == table(await voting.get(f"/ballots/{ballot_id}/open-data/result.csv"))
    # Greedy: the library (2 votes) and the park (2 votes, 400) fit in 700; the lights do not.
    projects = [r for r in mine if r["section"] == "option"]
    assert [(r["option_id"], r["label_ar"], r["cost"], r["votes"], r["status"]) for r in projects] == [
        ("1", "حديقة الحي", "400", "2", "selected"),
        ("2", "إنارة الشوارع", "300", "1", ""),
        ("3", "مكتبة", "200", "2", "selected"),
    ]
    assert [r["cost"] for r in mine if r["section"] == "budget"] == ["700", "600"]
    assert ("rule", "greedy") in [(r["section"], r["option_id"]) for r in mine]


@pytest.mark.timeout(900)  # the rebuild replays the shared topics' whole history
async def test_a_binding_ballot_links_both_board_lists_and_a_rebuild_gives_the_same_catalogue(
    voting, reporting, tokens, agency
):
    first = await closed_ballot(voting, tokens, agency, ["labour", "labour"], binding=True)
    second = await closed_ballot(voting, tokens, agency, ["human"])
    listed = await catalogue_of(reporting, agency, datasets=2)

    assert [d["ballot_id"] for d in listed] == [second, first]  # latest published first
    binding = listed[1]["downloads"]["board_csv"]
    assert list(binding) == ["receipts", "contents"]
    contents = table(await voting.get(path_of(binding["contents"])))
    assert [r["choice"] for r in contents] == ['["labour"]', '["labour"]']
    files = {b: (await reporting.get(f"/open-data/ballots/{b}/result.csv")).content for b in (first, second)}

    rebuilt = await reporting.post("/admin/rebuild", headers=tokens.of(["operator"]))
    assert rebuilt.status_code == 200, rebuilt.text
    assert (await reporting.get("/open-data", params={"agency": agency})).json() == listed
    for ballot_id, content in files.items():
        assert (await reporting.get(f"/open-data/ballots/{ballot_id}/result.csv")).content == content
