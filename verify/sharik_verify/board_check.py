"""Checking an exported bulletin board against its published result, for `sharik-verify board`.

Pure: the export document in, findings out. It recomputes every hash and the tally
itself, trusting nothing the export states about them."""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sharik_verify.board import CONTENTS, RECEIPTS, VOTES, ListSeal, board_head, check_chain, lists_of
from sharik_verify.tally import Race, Spending, count

FORMAT = "sharik-board/1"
ADDED = {"tied": [], "write_ins": [], "rounds": [], "budget": None, "constituencies": []}
"""Result fields added after the first exports, with the value they had before."""


@dataclass(frozen=True)
class Finding:
    ok: bool
    message: str


def check_export(export: Mapping[str, Any], *, expected_head: str | None = None) -> list[Finding]:
    """Everything checked, each as ok or a fault; `expected_head` is a board head
    obtained elsewhere (the published result), to catch an export rewritten whole."""
    if export.get("format") != FORMAT:
        return [Finding(False, f"not a Sharik board export (format {export.get('format')!r}, expected {FORMAT})")]
    ballot, result, lists = export["ballot"], export["result"], export["lists"]
    ballot_id, binding = ballot["ballot_id"], bool(ballot["binding"])
    expected_lists = lists_of(binding=binding)
    if sorted(lists) != sorted(expected_lists):
        return [Finding(False, f"lists {sorted(lists)}; a {_kind(binding)} board has {list(expected_lists)}")]

    findings: list[Finding] = []
    seals = {}
    for name in expected_lists:
        seals[name] = _check_list(ballot_id, name, lists[name], findings)
    _check_shapes(binding, lists, findings)

    head = board_head(ballot_id, seals)
    findings.append(_same("board head", head, result.get("board_head")))
    if expected_head is not None:
        findings.append(_same("board head against --head", head, expected_head))
    entries = lists[CONTENTS if binding else VOTES]["entries"]
    findings += _recount(ballot, entries, result)
    if binding:
        receipts, contents = seals[RECEIPTS].length, seals[CONTENTS].length
        findings.append(Finding(receipts == contents, f"{receipts} receipts, {contents} contents (must be equal)"))
    return findings


def _check_list(ballot_id: str, name: str, stated: Mapping[str, Any], findings: list[Finding]) -> ListSeal:
    seal, faults = check_chain(ballot_id, name, stated["entries"])
    findings += [Finding(False, fault) for fault in faults]
    if not faults:
        findings.append(Finding(True, f"chain {name}: {seal.length} entries, every link and hash holds"))
    findings.append(_same(f"{name} length", seal.length, stated.get("length")))
    findings.append(_same(f"{name} head", seal.head, stated.get("head")))
    return seal


def _check_shapes(binding: bool, lists: Mapping[str, Any], findings: list[Finding]) -> None:
    """Binding: receipts without choices, contents without receipts and sorted; receipts unique."""
    shapes = {RECEIPTS: {"receipt"}, CONTENTS: {"choice"}} if binding else {VOTES: {"receipt", "choice"}}
    for name, fields in shapes.items():
        wrong = [
            e.get("position") for e in lists[name]["entries"] if set(e) - {"position", "prev_hash", "hash"} != fields
        ]
        if wrong:
            findings.append(Finding(False, f"{name}: entries at {wrong[:10]} do not hold exactly {sorted(fields)}"))
    if binding:
        choices = [e.get("choice") for e in lists[CONTENTS]["entries"]]
        if choices != sorted(choices, key=lambda c: tuple(c or ())):
            findings.append(
                Finding(False, "contents: not sorted by choice, so their order could link them to receipts")
            )
    receipts = Counter(e.get("receipt") for name in shapes for e in lists[name]["entries"] if "receipt" in e)
    repeated = [r for r, n in receipts.items() if n > 1]
    if repeated:
        findings.append(Finding(False, f"receipts listed more than once: {repeated[:10]}"))


def _recount(
    ballot: Mapping[str, Any], entries: Sequence[Mapping[str, Any]], result: Mapping[str, Any]
) -> list[Finding]:
    """Count the board's choices by the rule of the ballot's kind and compare every
    published figure; exports from before kinds existed are single-choice."""
    kind = ballot.get("kind", "single_choice")
    cast = Counter(tuple(e.get("choice") or ()) for e in entries)
    options = ballot["options"]
    spending = None
    if kind == "budget":
        spending = Spending(
            costs={o["option_id"]: o["cost"] for o in options},
            total_budget=ballot["total_budget"],
            rule=ballot["rule"],
            max_projects=ballot.get("max_projects"),
            budget_limit=bool(ballot.get("budget_limit", True)),
        )
    races = [
        Race(
            c["wilayat"],
            c["governorate"],
            c["seats"],
            tuple(o["option_id"] for o in options if o.get("wilayat") == c["wilayat"]),
        )
        for c in ballot.get("constituencies", ())
    ]
    try:
        recount = count(
            kind,
            [o["option_id"] for o in ballot["options"]],
            cast,
            allow_write_in=bool(ballot.get("allow_write_in", False)),
            seats=ballot.get("seats", 1),
            min_selections=ballot.get("min_selections", 1),
            max_selections=ballot.get("max_selections"),
            spending=spending,
            races=races,
        ).record()
    except ValueError as fault:
        return [Finding(False, f"recount impossible ({kind}): {fault}")]
    described = {
        "counts": "votes per option (option, votes, percent)",
        "total_votes": "total votes",
        "outcome": "outcome",
        "winners": "winners",
        "tied": "tied for the last seats",
        "write_ins": "write-in answers",
        "rounds": "instant-runoff rounds",
        "budget": "budget outcome (spent, selected projects, votes per project)",
        "constituencies": "results per constituency (votes, outcome, winners, ties)",
    }
    # An older export lacks the fields added since: they had their empty value.
    findings = [_same(what, recount[key], result.get(key, ADDED.get(key))) for key, what in described.items()]
    if "rule" in result:
        findings.append(_same("counting rule", recount["rule"], result["rule"]))
    return findings


def _same(what: str, recomputed: Any, published: Any) -> Finding:
    if recomputed == published:
        return Finding(True, f"{what}: {recomputed}")
    return Finding(False, f"{what}: recomputed {recomputed}, published {published}")


def _kind(binding: bool) -> str:
    return "binding" if binding else "consultative"
