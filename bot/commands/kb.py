"""`motcua kb …`: knowledge-base checks for clerks.

`kb check` is what a clerk runs after editing a YAML file: it prints what is
in the knowledge base and everything worth a look, and exits 1 when the bot
would refuse to start with it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from tqdm import tqdm

from bot.config import load_settings
from bot.storage import unanswered
from bot.storage.db import Database
from bot.texts import browse as texts
from knowledge import procedure_classifier, reject_gate, sibling_arbiter
from knowledge.learned import Learned, write_learned
from knowledge.loader import DEFAULT_ROOT, KnowledgeBaseError, load_for_training, load_with_warnings
from knowledge.matcher import Matcher
from knowledge.normalize import Normalizer
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
    learn = sub.add_parser(
        "train",
        help="learn from labelled questions what the matcher gets wrong (knowledge.learned)",
        description=(
            "Fit the reject gate, the sibling arbiter and the procedure classifier on JSON-lines files"
            " of {\"q\": question, \"expect\": [codes]} (an empty list: out of scope) and write them"
            " beside the knowledge base."
        ),
    )
    learn.add_argument("questions", nargs="+", type=Path, help="labelled question files (.jsonl)")
    learn.add_argument(
        "--path", type=Path, default=None, help="knowledge base folder (default: the bundled one)"
    )
    learn.set_defaults(handler=train_command)
    unanswered = sub.add_parser(
        "unanswered",
        help=(
            "list the most frequent recent questions the bot could not answer, had to clarify, or"
            " found to be commune matters without a card"
        ),
        description="Questions are stored as text only (never who asked), grouped by their folded form.",
    )
    unanswered.add_argument("--days", type=int, default=30, help="look back this many days (default 30)")
    unanswered.add_argument("--limit", type=int, default=30, help="show at most this many (default 30)")
    unanswered.add_argument("--db", help="SQLite file (default: DATABASE_PATH or motcua.db)")
    unanswered.set_defaults(handler=unanswered_command)


def unanswered_command(args: argparse.Namespace) -> int:
    settings = load_settings()
    path = Path(args.db) if args.db else settings.database_path
    rows = asyncio.run(_unanswered(path, args.days, args.limit))
    print(texts.unanswered_report(rows, args.days))
    return 0


async def _unanswered(path: Path, days: int, limit: int) -> list[tuple[str, str, int]]:
    db = Database(path)
    await db.open()
    try:
        return await unanswered.most_frequent(db, days=days, limit=limit)
    finally:
        await db.close()


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
    # What only reading the entries as the matcher does can show: an exclusion of the procedure itself.
    matcher = Matcher(kb, Normalizer())
    warnings += matcher.self_exclusions() + matcher.gated_phrasings()
    print(summarize(kb, warnings))
    return 0


def train_command(args: argparse.Namespace) -> int:
    root = args.path if args.path is not None else DEFAULT_ROOT
    try:
        labelled = [row for path in args.questions for row in read_labelled(path)]
        kb = load_for_training(root)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KnowledgeBaseError as exc:
        print("\n".join(f"error: {e}" for e in exc.errors), file=sys.stderr)
        return 1
    matcher = Matcher(kb, Normalizer())  # without the models it trains: what they are a second look at
    in_scope: list[set[str]] = []
    out_of_scope: list[set[str]] = []
    meant: list[tuple[tuple[str, ...], list[tuple[str, float]], str]] = []
    labelled_with: list[tuple[set[str], str]] = []  # (features, code): what the classifier learns
    for q, codes in tqdm(labelled, desc="questions", unit="q", file=sys.stderr, leave=False, disable=None):
        tokens = matcher.words_of(q)
        # The shares may differ in their last digit from one run to the next (the matcher adds floats
        # in set order), and so may a few arbiter weights in a retrained file.
        offered = [(c.code, c.score / 100) for c in matcher.match(q).candidates]
        first = offered[0][0] if offered else None
        (in_scope if codes else out_of_scope).append(reject_gate.question_features(tokens, first))
        labelled_with += [(reject_gate.features(tokens), c) for c in codes if c in kb.procedures and tokens]
        code = next((c for c, _ in offered if c in codes), None)
        if code is not None:
            meant.append((tokens, offered, code))
    phrased = [
        (p.code, matcher.words_of(t))
        for p in kb.procedures.values()
        for t in (p.name, *p.aliases, *p.keywords)
    ]
    phrasings = [(reject_gate.features(words), code) for code, words in phrased]
    # The gate sees a phrasing typed alone with its own procedure ranked first, as `kb check` tries it.
    in_scope += [reject_gate.question_features(words, code) for code, words in phrased]
    gate = reject_gate.train([(f, False) for f in in_scope] + [(f, True) for f in out_of_scope])
    arbiter = sibling_arbiter.train(meant)
    classifier = procedure_classifier.train(labelled_with + phrasings)
    path = write_learned(root, Learned(gate, arbiter, classifier))
    print(
        f"{path}: trained on {len(labelled):,} questions ({len(out_of_scope):,} out of scope) and"
        f" {len(phrasings):,} phrasings of {len(kb.procedures)} procedures"
    )
    return 0


def read_labelled(path: Path) -> list[tuple[str, list[str]]]:
    """(question, expected codes) per line; ValueError naming the line for anything else."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            q, codes = item["q"], item["expect"]
        except (json.JSONDecodeError, KeyError, TypeError):
            raise ValueError(f"{path}:{n}: not a {{\"q\": ..., \"expect\": [...]}} line") from None
        if not isinstance(q, str) or not isinstance(codes, list):
            raise ValueError(f"{path}:{n}: q must be text and expect a list of codes")
        rows.append((q, [str(c) for c in codes]))
    return rows
