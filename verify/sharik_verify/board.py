"""The public bulletin board: append-only, hash-chained lists of recorded ballots.

Every entry names the hash of the one before it, so removing, reordering or altering an
entry breaks the chain, and the hash of the last entry (the head) commits to the whole
list. The service builds the lists and `sharik-verify board` checks them with this same
code (docs/services/voting.md, "Bulletin board").

A consultative ballot has one list, `votes`: receipt and choice together. A binding one
has two that share nothing: `receipts` (arrival order, no choices) and `contents`
(choices only, sorted), so the board cannot prove to anyone how a receipt voted."""

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

VOTES, RECEIPTS, CONTENTS = "votes", "receipts", "contents"


def lists_of(*, binding: bool) -> tuple[str, ...]:
    """The lists a ballot's board has."""
    return (RECEIPTS, CONTENTS) if binding else (VOTES,)


def receipt_list(*, binding: bool) -> str:
    """The list that grows while voting runs, one entry per recorded vote."""
    return RECEIPTS if binding else VOTES


def canonical(value: Any) -> bytes:
    """The one byte form hashed: sorted keys, no spaces, UTF-8 (what a verifier in any
    language reproduces with its JSON library)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def genesis(ballot_id: str, name: str) -> str:
    """The `prev_hash` of a list's first entry, and the head of an empty list: binds the
    list to its ballot, so a chain cannot be moved to another ballot."""
    return sha256({"ballot_id": ballot_id, "list": name})


def entry(*, position: int, prev_hash: str, receipt: str | None = None, choice: Sequence[str] | None = None) -> dict:
    """A chained entry: its fields, plus `hash` over them."""
    body: dict[str, Any] = {"position": position, "prev_hash": prev_hash}
    if receipt is not None:
        body["receipt"] = receipt
    if choice is not None:
        body["choice"] = list(choice)
    return {**body, "hash": sha256(body)}


def extend(
    ballot_id: str, name: str, head: Mapping[str, Any] | None, items: Iterable[tuple[str | None, Sequence[str] | None]]
) -> list[dict]:
    """Entries for `items` (receipt, choice) appended after `head` (None: the list is empty)."""
    position = head["position"] + 1 if head else 0
    prev_hash = head["hash"] if head else genesis(ballot_id, name)
    chained = []
    for receipt, choice in items:
        new = entry(position=position, prev_hash=prev_hash, receipt=receipt, choice=choice)
        chained.append(new)
        position, prev_hash = position + 1, new["hash"]
    return chained


def sorted_contents(choices: Iterable[Sequence[str]]) -> list[tuple[None, list[str]]]:
    """The items of a binding ballot's `contents` list: choices only, sorted, so the list
    says how many chose what and nothing about who or when."""
    return [(None, list(c)) for c in sorted(tuple(c) for c in choices)]


@dataclass(frozen=True)
class ListSeal:
    length: int
    head: str


def board_head(ballot_id: str, seals: Mapping[str, ListSeal]) -> str:
    """One hash over every list's length and head: the single value a result publishes."""
    return sha256(
        {"ballot_id": ballot_id, "lists": {n: {"length": s.length, "head": s.head} for n, s in seals.items()}}
    )


def check_chain(ballot_id: str, name: str, entries: Sequence[Mapping[str, Any]]) -> tuple[ListSeal, list[str]]:
    """The list's seal as recomputed from its entries, and every fault found in them."""
    faults = []
    prev_hash = genesis(ballot_id, name)
    for expected, given in enumerate(entries):
        where = f"{name}[{expected}]"
        if given.get("position") != expected:
            faults.append(f"{where}: position {given.get('position')!r}, expected {expected} (entry removed or moved)")
        if given.get("prev_hash") != prev_hash:
            faults.append(f"{where}: prev_hash does not match the entry before it (removed or reordered)")
        body = {k: v for k, v in given.items() if k != "hash"}
        if sha256(body) != given.get("hash"):
            faults.append(f"{where}: hash does not match its content (entry altered)")
        prev_hash = str(given.get("hash"))
    return ListSeal(length=len(entries), head=prev_hash), faults
