"""`sharik-verify`: recount a published result yourself, with the same counting code the
platform uses. Each kind of evidence is a subcommand; add one by writing an `_add_*`
function that registers its parser and sets `run`."""

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import httpx

from sharik_verify.board_check import check_export
from sharik_verify.counting.budget import RULES, sort_ids
from sharik_verify.counting.pabulib import PabulibError, parse_pb

OK, INVALID_INPUT = 0, 1
MISMATCH = 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status is 0 on success, 1 on unreadable input or a mismatch."""
    parser = argparse.ArgumentParser(prog="sharik-verify", description="Recount a published Sharik result yourself.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    _add_pb(commands)
    _add_board(commands)
    args = parser.parse_args(argv)
    return int(args.run(args))


def _add_pb(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """`pb FILE --rule RULE`: the projects a participatory budget funds."""
    pb = commands.add_parser("pb", help="projects funded by a participatory budget in pabulib .pb form")
    pb.add_argument("file", type=Path, metavar="FILE")
    pb.add_argument("--rule", choices=sorted(RULES), required=True)
    pb.set_defaults(run=_run_pb)


def _run_pb(args: argparse.Namespace) -> int:
    """Print the selected project ids, one a line, in id order."""
    try:
        pb = parse_pb(args.file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, PabulibError) as failure:
        print(f"sharik-verify: {args.file}: {failure}", file=sys.stderr)
        return INVALID_INPUT
    for project_id in sort_ids(RULES[args.rule](pb.participatory_budget())):
        print(project_id)
    return OK


def _add_board(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """`board FILE_OR_URL [--head HASH]`: a ballot's bulletin board against its result."""
    board = commands.add_parser(
        "board", help="check a ballot's bulletin board (hash chains, head) and recount its published result"
    )
    board.add_argument("source", metavar="FILE_OR_URL", help="an export: a file, or GET /ballots/{id}/board/export")
    board.add_argument("--head", help="the board head published with the result, obtained apart from the export")
    board.set_defaults(run=_run_board)


def _run_board(args: argparse.Namespace) -> int:
    """Print each check as `ok` or `MISMATCH`, then the verdict."""
    try:
        export = _read_export(args.source)
        findings = check_export(export, expected_head=args.head)
    except (OSError, httpx.HTTPError, ValueError, KeyError, TypeError, AttributeError) as failure:
        print(f"sharik-verify: {args.source}: unreadable board export: {failure!r}", file=sys.stderr)
        return INVALID_INPUT
    for finding in findings:
        print(f"{'ok' if finding.ok else 'MISMATCH'}  {finding.message}")
    faults = sum(not f.ok for f in findings)
    ballot_id = export.get("ballot", {}).get("ballot_id", "?")
    if faults:
        print(f"MISMATCH: ballot {ballot_id}: {faults} check(s) failed; the board or the result was altered")
        return MISMATCH
    print(f"OK: ballot {ballot_id}: the board is intact and gives the published result")
    return OK


def _read_export(source: str) -> dict:
    if source.startswith(("http://", "https://")):
        response = httpx.get(source, timeout=60, follow_redirects=True)
        response.raise_for_status()
        return response.json()
    return json.loads(Path(source).read_text(encoding="utf-8"))
