"""The bulletin board's chain and `sharik-verify board`, without I/O."""

import copy
import json
import random

import pytest

from sharik_verify.board_check import check_export
from sharik_verify.counting.single import count_single
from sharik_verify.board import (
    ListSeal,
    board_head,
    check_chain,
    extend,
    genesis,
    lists_of,
    sorted_contents,
)
from voting.domain.vote import receipt_of
from sharik_verify.cli import main

BALLOT = "01JBOARDTEST"
OPTIONS = ["human", "economy", "environment"]
CHOICES = ["human", "economy", "human", "environment", "human", "economy"]


def chained(name="votes", choices=CHOICES):
    return extend(BALLOT, name, None, [(receipt_of(f"v{n}"), [c]) for n, c in enumerate(choices)])


def export(*, binding: bool, choices=CHOICES) -> dict:
    """A board export as the service writes it, built with the same domain code."""
    receipts = [receipt_of(f"v{n}") for n in range(len(choices))]
    if binding:
        lists = {
            "receipts": extend(BALLOT, "receipts", None, [(r, None) for r in receipts]),
            "contents": extend(BALLOT, "contents", None, sorted_contents([c] for c in choices)),
        }
    else:
        lists = {"votes": extend(BALLOT, "votes", None, [(r, [c]) for r, c in zip(receipts, choices, strict=True)])}
    seals = {n: ListSeal(length=len(e), head=e[-1]["hash"] if e else genesis(BALLOT, n)) for n, e in lists.items()}
    result = count_single(OPTIONS, choices)
    return {
        "format": "sharik-board/1",
        "ballot": {"ballot_id": BALLOT, "binding": binding, "options": [{"option_id": o} for o in OPTIONS]},
        "lists": {n: {"length": seals[n].length, "head": seals[n].head, "entries": e} for n, e in lists.items()},
        "result": {
            "counts": [{"option_id": c.option_id, "votes": c.votes, "percent": c.percent} for c in result.options],
            "total_votes": result.valid_votes,
            "outcome": result.outcome,
            "winners": list(result.winners),
            "board_head": board_head(BALLOT, seals),
        },
    }


def faults(document: dict, **kwargs) -> list[str]:
    return [f.message for f in check_export(document, **kwargs) if not f.ok]


def test_a_chain_links_every_entry_to_the_one_before_from_the_ballots_genesis():
    entries = chained()

    assert [e["position"] for e in entries] == list(range(len(CHOICES)))
    assert entries[0]["prev_hash"] == genesis(BALLOT, "votes") != genesis("another-ballot", "votes")
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(entries, entries[1:]))
    assert check_chain(BALLOT, "votes", entries) == (ListSeal(length=6, head=entries[-1]["hash"]), [])


def test_appending_after_a_head_gives_the_same_chain_as_building_it_at_once():
    items = [(receipt_of(f"v{n}"), [c]) for n, c in enumerate(CHOICES)]
    first = extend(BALLOT, "votes", None, items[:2])
    assert first + extend(BALLOT, "votes", first[-1], items[2:]) == chained()


def test_an_empty_list_has_the_genesis_as_head():
    assert check_chain(BALLOT, "receipts", []) == (ListSeal(length=0, head=genesis(BALLOT, "receipts")), [])


def test_a_removed_entry_is_detected():
    entries = chained()
    del entries[2]
    _, found = check_chain(BALLOT, "votes", entries)
    assert any("votes[2]: position 3, expected 2" in f for f in found)
    assert any("votes[2]: prev_hash" in f for f in found)


def test_reordered_entries_are_detected_even_with_positions_rewritten():
    entries = chained()
    entries[1], entries[2] = entries[2], entries[1]
    for position, entry in enumerate(entries):
        entry["position"] = position
    _, found = check_chain(BALLOT, "votes", entries)
    assert any("prev_hash does not match" in f for f in found)
    assert any("entry altered" in f for f in found)  # the rewritten position breaks the hash


def test_an_altered_choice_is_detected():
    entries = chained()
    entries[4]["choice"] = ["economy"]
    assert check_chain(BALLOT, "votes", entries)[1] == ["votes[4]: hash does not match its content (entry altered)"]


@pytest.mark.parametrize("binding", [False, True])
def test_an_untouched_export_agrees_with_its_result(binding):
    assert faults(export(binding=binding)) == []


def test_the_last_entry_removed_with_the_stated_head_rewritten_is_caught_by_the_published_head():
    honest = export(binding=False)
    forged = copy.deepcopy(honest)
    votes = forged["lists"]["votes"]
    votes["entries"].pop()
    votes["length"], votes["head"] = 5, votes["entries"][-1]["hash"]

    found = faults(forged)
    assert any(f.startswith("board head: recomputed") for f in found)
    assert any(f.startswith("total votes: recomputed 5, published 6") for f in found)
    # An export rewritten whole (result too) still fails against the head published apart.
    forged["result"] = export(binding=False, choices=CHOICES[:5])["result"]
    assert faults(forged) == []
    assert faults(forged, expected_head=honest["result"]["board_head"]) != []


def test_a_result_that_does_not_follow_from_the_board_is_a_mismatch():
    document = export(binding=False)
    document["result"]["counts"][0]["votes"] = 4
    document["result"]["winners"] = ["economy"]

    found = faults(document)
    assert any(f.startswith("votes per option") for f in found)
    assert any(f.startswith("winners: recomputed ['human'], published ['economy']") for f in found)


def test_a_binding_export_holds_no_link_between_receipt_and_choice():
    document = export(binding=True)
    receipts, contents = document["lists"]["receipts"]["entries"], document["lists"]["contents"]["entries"]

    assert all("choice" not in e and "receipt" in e for e in receipts)
    assert all("receipt" not in e for e in contents)
    assert [e["choice"] for e in contents] == sorted([c] for c in CHOICES)
    # The contents list depends only on how many chose what: any voting order gives it.
    shuffled = random.Random(7).sample(CHOICES, len(CHOICES))
    assert export(binding=True, choices=shuffled)["lists"]["contents"] == document["lists"]["contents"]
    assert lists_of(binding=True) == ("receipts", "contents")


def test_a_choice_added_beside_a_receipt_on_a_binding_board_is_reported():
    document = export(binding=True)
    entry = document["lists"]["receipts"]["entries"][0]
    entry["choice"] = ["human"]
    assert any("receipts: entries at [0] do not hold exactly ['receipt']" in f for f in faults(document))


def test_sharik_verify_board_exits_0_when_intact_and_1_when_tampered(tmp_path, capsys):
    intact = tmp_path / "board.json"
    intact.write_text(json.dumps(export(binding=True)), encoding="utf-8")
    assert main(["board", str(intact)]) == 0
    verdict = capsys.readouterr().out.splitlines()[-1]
    assert verdict == f"OK: ballot {BALLOT}: the board is intact and gives the published result"

    document = export(binding=True)
    del document["lists"]["contents"]["entries"][0]
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(document), encoding="utf-8")
    assert main(["board", str(tampered)]) == 1
    out = capsys.readouterr().out
    assert "MISMATCH  contents[0]" in out and out.splitlines()[-1].startswith(f"MISMATCH: ballot {BALLOT}")


def test_sharik_verify_board_reports_an_unreadable_export(tmp_path, capsys):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert main(["board", str(broken)]) == 1
    assert "unreadable board export" in capsys.readouterr().err


def test_binding_contents_in_voting_order_are_reported_as_linkable():
    document = export(binding=True)
    in_voting_order = extend(BALLOT, "contents", None, [(None, [c]) for c in CHOICES])
    document["lists"]["contents"].update(entries=in_voting_order, head=in_voting_order[-1]["hash"])

    assert "contents: not sorted by choice, so their order could link them to receipts" in faults(document)
