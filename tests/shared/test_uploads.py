"""Uploaded files that are not clean text are refused with a 422 naming the line: the
voters' roll CSV and the pabulib .pb file, on the service's real routes."""

import httpx
import pytest
from devstack.keys import dev_keys

from sharik.errors import Invalid
from sharik.uploads import upload_text
from voting.config import VotingSettings
from sharik_verify.counting.pabulib import PabulibError, parse_pb
from voting.domain.roll import parse_roll
from voting.budget_api import PB as PB_MEDIA
from voting.main import create_app

ROLL = "civil_number,wilayat\n"
PB = "META\nkey;value\nbudget;100\nvote_type;approval\nnum_projects;1\nnum_votes;0\nPROJECTS\nproject_id;cost\n"
MALFORMED = [
    (b"civil_number,wilayat\r\n12345678,mus\rcat\r\n", 2, "lone carriage return"),
    (b"civil_number,wilayat\n12345678,muscat\n87654321,mus\x00cat\n", 3, "control character"),
    (b"civil_number,wilayat\n12345678,\xff\xfe\n", 2, "not UTF-8"),
    (b"civil_number,wilayat\n12345678,\x1b[31mmuscat\n", 2, "control character"),
]


@pytest.mark.parametrize("body, line, says", MALFORMED)
def test_upload_text_names_the_first_bad_line(body, line, says):
    with pytest.raises(Invalid) as refused:
        upload_text(body, "the roll")
    assert refused.value.details == [{"line": line}]
    assert f"line {line}" in refused.value.message and says in refused.value.message


def test_upload_text_keeps_crlf_files_and_drops_a_byte_order_mark():
    assert upload_text("\ufeffcivil_number,wilayat\r\n12345678,مسقط\r\n".encode(), "the roll") == (
        "civil_number,wilayat\r\n12345678,مسقط\r\n"
    )


def test_a_roll_field_past_the_csv_limit_is_invalid_naming_its_line():
    with pytest.raises(Invalid) as refused:
        parse_roll(ROLL + "12345678,muscat\n" + '"' + "x" * 200_000 + "\n")
    assert refused.value.details == [{"line": 3}]


def test_a_pb_field_past_the_csv_limit_names_its_line():
    with pytest.raises(PabulibError, match="line 9"):
        parse_pb(PB + '"' + "x" * 200_000 + "\n")


@pytest.fixture
def voting():
    app = create_app(VotingSettings(jwt_public_key=dev_keys()[1]))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://voting")


@pytest.mark.parametrize("body, line, _says", MALFORMED)
async def test_a_malformed_roll_upload_is_422_naming_the_line(voting, tokens, body, line, _says):
    async with voting as http:
        response = await http.post(
            "/ballots/b1/roll", content=body, headers={**tokens.officer("moh"), "content-type": "text/csv"}
        )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"] == [{"line": line}]


@pytest.mark.parametrize(
    "body, line", [((PB + "p1;50\n").replace("p1;50", "p1;5\r0").encode(), 9), (PB.encode() + b"p\x001;50\n", 9)]
)
async def test_a_malformed_pb_upload_is_422_naming_the_line(voting, tokens, body, line):
    query = {
        "question_ar": "ميزانية",
        "question_en": "Budget",
        "opens_at": "2030-01-01T00:00:00Z",
        "closes_at": "2030-01-02T00:00:00Z",
    }
    async with voting as http:
        response = await http.post(
            "/ballots/pb",
            params=query,
            content=body,
            headers={**tokens.officer("moh"), "content-type": PB_MEDIA},
        )
    assert response.status_code == 422, response.text
    assert f"line {line}" in response.json()["error"]["message"]
