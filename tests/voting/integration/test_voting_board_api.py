"""The bulletin board on the real broker and store: votes sealed, exported, verified."""

import asyncio
import json

import pytest

from tests.support.service import Tokens
from sharik_verify.cli import main as sharik_verify

pytestmark = pytest.mark.integration

OPTIONS = [
    {"option_id": "rebuild", "label": {"ar": "إعادة بناء السوق", "en": "Rebuild the market"}},
    {"option_id": "renovate", "label": {"ar": "ترميم السوق", "en": "Renovate the market"}},
]
CHOICES = ["rebuild", "renovate", "rebuild", "rebuild", "renovate"]


async def ballot_with_votes(client, tokens: Tokens, *, binding: bool) -> tuple[str, list[str]]:
    """An open ballot and the receipts of CHOICES cast in it."""
    officer = tokens.officer("mm")
    drafted = await client.post(
        "/ballots",
        json={
            "question": {"ar": "مستقبل السوق المركزي؟", "en": "The central market's future?"},
            "options": OPTIONS,
            "opens_at": "2026-11-01T00:00:00Z",
            "closes_at": "2030-01-01T00:00:00Z",
            "binding": binding,
        },
        headers=officer,
    )
    ballot_id = drafted.json()["ballot_id"]
    assert drafted.json()["binding"] is binding
    await client.post(f"/ballots/{ballot_id}/open", headers=officer)
    receipts = []
    for choice in CHOICES:
        cast = await client.post(f"/ballots/{ballot_id}/votes", json={"choice": choice}, headers=tokens.citizen())
        assert cast.status_code == 201, cast.text
        receipts.append(cast.json()["receipt"])
    return ballot_id, receipts


async def on_board(client, ballot_id: str, receipt: str, timeout: float = 30) -> dict:
    """The receipt's board entry, once the sealer has put it there."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = await client.get(f"/ballots/{ballot_id}/board/receipts/{receipt}")
        if found.status_code == 200 or asyncio.get_running_loop().time() > deadline:
            return found.json()
        assert found.json()["error"]["code"] == "receipt_not_on_board"
        await asyncio.sleep(0.1)


async def closed_with_export(client, tokens: Tokens, ballot_id: str) -> tuple[dict, dict]:
    closed = await client.post(f"/ballots/{ballot_id}/close", headers=tokens.officer("mm"))
    assert closed.status_code == 200, closed.text
    result = (await client.get(f"/ballots/{ballot_id}/result")).json()
    exported = await client.get(f"/ballots/{ballot_id}/board/export")
    assert exported.status_code == 200, exported.text
    return result, exported.json()


def verify(tmp_path, document: dict, *argv: str) -> int:
    path = tmp_path / f"{document['ballot']['ballot_id']}-{len(list(tmp_path.iterdir()))}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return sharik_verify(["board", str(path), *argv])


async def test_a_consultative_board_lists_receipts_with_choices_and_verifies(voting, tokens, tmp_path):
    ballot_id, receipts = await ballot_with_votes(voting, tokens, binding=False)

    mine = await on_board(voting, ballot_id, receipts[1])
    assert mine["on_board"] is True and mine["list"] == "votes"
    assert "choice" not in mine or mine["choice"] is None  # choices are shown with the result
    hidden = await voting.get(f"/ballots/{ballot_id}/board")
    assert (hidden.status_code, hidden.json()["error"]["code"]) == (409, "board_not_published")
    unknown = await voting.get(f"/ballots/{ballot_id}/board/receipts/AAAA-BBBB-CCCC-DDDD")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "receipt_not_on_board")

    result, export = await closed_with_export(voting, tokens, ballot_id)

    entries = export["lists"]["votes"]["entries"]
    assert sorted(e["receipt"] for e in entries) == sorted(receipts)
    assert sorted(e["choice"][0] for e in entries) == sorted(CHOICES)
    assert result["board_head"] and export["result"]["board_head"] == result["board_head"]
    assert result["board"]["votes"] == {"length": 5, "head": entries[-1]["hash"]}
    mine = (await voting.get(f"/ballots/{ballot_id}/board/receipts/{receipts[1]}")).json()
    assert mine["choice"] == ["renovate"]  # a consultative board shows receipt and choice together

    start, paged = 0, []
    while start is not None:
        page = (await voting.get(f"/ballots/{ballot_id}/board", params={"start": start, "limit": 2})).json()
        paged += page["entries"]
        start = page["next_start"]
    assert paged == entries

    assert verify(tmp_path, export, "--head", result["board_head"]) == 0
    assert [(c["option_id"], c["votes"]) for c in result["counts"]] == [("rebuild", 3), ("renovate", 2)]
    tampered = json.loads(json.dumps(export))
    first = tampered["lists"]["votes"]["entries"][0]
    first["choice"] = ["renovate"] if first["choice"] == ["rebuild"] else ["rebuild"]
    assert verify(tmp_path, tampered) == 1


async def test_a_binding_board_publishes_receipts_and_choices_unlinked(voting, tokens, tmp_path):
    ballot_id, receipts = await ballot_with_votes(voting, tokens, binding=True)

    # Fewer votes than a crowd: an open binding ballot seals none yet, as its first
    # receipts on the board would sit beside the first votes counted.
    await asyncio.sleep(1)
    waiting = await voting.get(f"/ballots/{ballot_id}/board/receipts/{receipts[0]}")
    assert (waiting.status_code, waiting.json()["error"]["code"]) == (404, "receipt_not_on_board")
    during = (await voting.get(f"/ballots/{ballot_id}/board", params={"list": "receipts"})).json()
    assert during["entries"] == []
    contents_early = await voting.get(f"/ballots/{ballot_id}/board", params={"list": "contents"})
    assert contents_early.status_code == 409

    result, export = await closed_with_export(voting, tokens, ballot_id)

    receipt_list, contents = export["lists"]["receipts"]["entries"], export["lists"]["contents"]["entries"]
    assert sorted(e["receipt"] for e in receipt_list) == sorted(receipts)
    assert all(set(e) == {"position", "prev_hash", "hash", "receipt"} for e in receipt_list)
    assert all(set(e) == {"position", "prev_hash", "hash", "choice"} for e in contents)
    # Sorted by choice: the contents list says how many chose what, not in which order.
    assert [e["choice"][0] for e in contents] == sorted(CHOICES)
    assert set(result["board"]) == {"receipts", "contents"}
    after = (await voting.get(f"/ballots/{ballot_id}/board/receipts/{receipts[0]}")).json()
    assert (after["list"], after.get("choice")) == ("receipts", None)

    assert verify(tmp_path, export, "--head", result["board_head"]) == 0
    removed = json.loads(json.dumps(export))
    del removed["lists"]["receipts"]["entries"][2]
    assert verify(tmp_path, removed) == 1


async def test_a_ballot_without_votes_has_an_empty_board_that_verifies(voting, tokens, tmp_path):
    officer = tokens.officer("mm")
    drafted = await voting.post(
        "/ballots",
        json={
            "question": {"ar": "سؤال", "en": "Question"},
            "options": OPTIONS,
            "opens_at": "2026-11-01T00:00:00Z",
            "closes_at": "2030-01-01T00:00:00Z",
        },
        headers=officer,
    )
    ballot_id = drafted.json()["ballot_id"]
    await voting.post(f"/ballots/{ballot_id}/open", headers=officer)

    result, export = await closed_with_export(voting, tokens, ballot_id)

    assert (result["outcome"], export["lists"]["votes"]["length"]) == ("no_votes", 0)
    assert verify(tmp_path, export, "--head", result["board_head"]) == 0
