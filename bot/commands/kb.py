"""`motcua kb …`: knowledge-base checks for clerks.

`kb check` is what a clerk runs after editing a YAML file: it prints what is
in the knowledge base and everything worth a look, and exits 1 when the bot
would refuse to start with it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from knowledge.loader import KnowledgeBaseError, load_with_warnings
from knowledge.summary import summarize


def register(subparsers: argparse._SubParsersAction) -> None:
    kb = subparsers.add_parser("kb", help="knowledge-base tools", description="Knowledge-base tools.")
    sub = kb.add_subparsers(dest="kb_command", metavar="COMMAND", required=True)
    check = sub.add_parser(
        "check",
        help="validate the procedure and referral files and print a summary",
        description="Validate every knowledge-base file; exit 1 and list the errors if any.",
    )
    check.add_argument(
        "--path", type=Path, default=None, help="knowledge base folder (default: the bundled one)"
    )
    check.set_defaults(handler=check_command)


def check_command(args: argparse.Namespace) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8", errors="replace")
    try:
        kb, warnings = load_with_warnings(args.path)
    except KnowledgeBaseError as exc:
        for e in exc.errors:
            print(f"error: {e}")
        print(f"{len(exc.errors)} error(s): the bot will not start with this knowledge base.")
        return 1
    print(summarize(kb, warnings))
    return 0
