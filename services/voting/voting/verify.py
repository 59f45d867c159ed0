"""`sharik-verify`: recount a published result yourself, with the same counting code the
platform uses. Each kind of evidence is a subcommand; add one by writing an `_add_*`
function that registers its parser and sets `run`."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from voting.counting.budget import RULES, sort_ids
from voting.counting.pabulib import PabulibError, parse_pb

OK, INVALID_INPUT = 0, 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status is 0 on success, 1 on unreadable input."""
    parser = argparse.ArgumentParser(prog="sharik-verify", description="Recount a published Sharik result yourself.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    _add_pb(commands)
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
