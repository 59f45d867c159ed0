"""The open-data files on the real broker and store: a closed ballot's result as JSON and
CSV, and each list of its board as a streamed CSV whose rows check against their hashes."""

import csv
import io
import json

import pytest

from sharik.open_data import RESULT_COLUMNS
from tests.support.service import Tokens
from voting import open_data_api
from sharik_verify.board import entry
from voting.open_data import BOARD_COLUMNS

pytestmark = pytest.mark.integration

AGENCY = "mm"
OPTIONS = [
    {"option_id": "rebuild", "label": {"ar": "إعادة بناء السوق", "en": "Rebuild the market"}},
    {"option_id": "renovate", "label": {"ar": "ترميم السوق", "en": "Renovate the market"}},
]
VOTES = [
    {"choice": "rebuild"},
    {"choice": "renovate"},
    {"choice": "rebuild"},
    {"write_in": "سوق جديد، قرب البحر"},
    {"choice": "rebuild"},
]


async def ballot(client, tokens: Tokens, *, open_it: bool = True, **fields) -> str:
    officer = tokens.officer(AGENCY)
    drafted = await client.post(
        "/ballots",
        json={
            "question": {"ar": "مستقبل السوق المركزي؟", "en": "The central market's future?"},
            "options": OPTIONS,
            "opens_at": "2026-11-01T00:00:00Z",
            "closes_at": "2030-01-01T00:00:00Z",
            **fields,
        },
        headers=officer,
    )
    assert drafted.status_code == 201, drafted.text
    ballot_id = drafted.json()["ballot_id"]
    if open_it:
        assert (await client.post(f"/ballots/{ballot_id}/open", headers=officer)).status_code == 200
    return ballot_id


async def voted_and_closed(client, tokens: Tokens, votes: list[dict], **fields) -> str:
    ballot_id = await ballot(client, tokens, **fields)
    for vote in votes:
        cast = await client.post(f"/ballots/{ballot_id}/votes", json=vote, headers=tokens.citizen())
        assert cast.status_code == 201, cast.text
    closed = await client.post(f"/ballots/{ballot_id}/close", headers=tokens.officer(AGENCY))
    assert closed.status_code == 200, closed.text
    return ballot_id


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


async def test_a_closed_ballots_result_is_published_as_json_and_csv(voting, tokens):
    ballot_id = await voted_and_closed(voting, tokens, VOTES, allow_write_in=True)

    result = (await voting.get(f"/ballots/{ballot_id}/result")).json()
    published = await voting.get(f"/ballots/{ballot_id}/open-data/result.json")
    assert published.status_code == 200, published.text
    document = published.json()
    assert {k: v for k, v in document.items() if k not in ("agency", "closed_at")} == result
    assert document["agency"] == AGENCY and document["closed_at"]

    table = await voting.get(f"/ballots/{ballot_id}/open-data/result.csv")
    rows = csv_rows(table)
    assert list(rows[0]) == list(RESULT_COLUMNS)
    columns = ("section", "option_id", "label_ar", "label_en", "votes", "status")
    assert [tuple(r[c] for c in columns) for r in rows[:4]] == [
        ("option", "rebuild", "إعادة بناء السوق", "Rebuild the market", "3", "winner"),
        ("option", "renovate", "ترميم السوق", "Renovate the market", "1", ""),
        ("write_in", result["write_ins"][0]["key"], "سوق جديد، قرب البحر", "سوق جديد، قرب البحر", "1", ""),
        ("total", "", "مجموع الأصوات الصحيحة", "Valid votes", "5", "winner"),
    ]
    assert [float(r["percent"]) for r in rows[:3]] == [c["percent"] for c in result["counts"]] + [
        result["write_ins"][0]["percent"]
    ]


async def test_the_board_csv_streams_a_whole_list_whose_rows_check_against_their_hashes(
    voting, tokens, monkeypatch
):
    # Pages of two entries, so five votes are streamed over three reads of the board.
    monkeypatch.setattr(open_data_api, "BOARD_PAGE", 2)
    ballot_id = await voted_and_closed(voting, tokens, VOTES, allow_write_in=True)
    export = (await voting.get(f"/ballots/{ballot_id}/board/export")).json()

    rows = csv_rows(await voting.get(f"/ballots/{ballot_id}/open-data/board.csv"))

    assert list(rows[0]) == list(BOARD_COLUMNS)
    entries = [
        entry(position=int(r["position"]), prev_hash=r["prev_hash"], receipt=r["receipt"],
              choice=json.loads(r["choice"]))
        for r in rows
    ]
    assert entries == export["lists"]["votes"]["entries"]
    assert ["*write-in", "سوق جديد، قرب البحر"] in [e["choice"] for e in entries]


async def test_a_binding_board_gives_each_list_its_own_file(voting, tokens):
    ballot_id = await voted_and_closed(voting, tokens, [{"choice": "renovate"}, {"choice": "rebuild"}], binding=True)
    export = (await voting.get(f"/ballots/{ballot_id}/board/export")).json()

    receipts = csv_rows(await voting.get(f"/ballots/{ballot_id}/open-data/board.csv", params={"list": "receipts"}))
    contents = csv_rows(await voting.get(f"/ballots/{ballot_id}/open-data/board.csv", params={"list": "contents"}))

    assert [r["receipt"] for r in receipts] == [e["receipt"] for e in export["lists"]["receipts"]["entries"]]
    assert {r["choice"] for r in receipts} == {""}
    assert [r["choice"] for r in contents] == ['["rebuild"]', '["renovate"]']
    assert {r["receipt"] for r in contents} == {""}
    assert [r["hash"] for r in contents] == [e["hash"] for e in export["lists"]["contents"]["entries"]]
    wrong = await voting.get(f"/ballots/{ballot_id}/open-data/board.csv", params={"list": "votes"})
    assert wrong.status_code == 422 and "receipts, contents" in wrong.json()["error"]["message"]


async def test_nothing_is_published_before_the_close(voting, tokens):
    running = await ballot(voting, tokens, show_preliminary=True)
    cast = await voting.post(f"/ballots/{running}/votes", json={"choice": "rebuild"}, headers=tokens.citizen())
    assert cast.status_code == 201
    # The preliminary count is public, but not as open data.
    assert (await voting.get(f"/ballots/{running}/result")).status_code == 200
    for path in ("result.json", "result.csv", "board.csv?list=votes"):
        refused = await voting.get(f"/ballots/{running}/open-data/{path}")
        code = "result_not_final" if path.startswith("result") else "board_not_published"
        assert (refused.status_code, refused.json()["error"]["code"]) == (409, code), path

    hidden = await ballot(voting, tokens)
    refused = await voting.get(f"/ballots/{hidden}/open-data/board.csv")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "board_not_published")

    draft = await ballot(voting, tokens, open_it=False)
    for ballot_id in (draft, "01JUNKNOWNBALLOT0000000000"):
        for path in ("result.json", "result.csv", "board.csv"):
            assert (await voting.get(f"/ballots/{ballot_id}/open-data/{path}")).status_code == 404, path
