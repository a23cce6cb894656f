"""`motcua ask`: run the procedure matcher from the command line.

This is how the matcher is evaluated (../shared/eval/run_eval.py pipes one
question per line and reads one JSON object per line back), and how a clerk
can see what the bot would answer without opening Telegram.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.texts.procedures import (
    asks_nothing,
    asks_progress,
    clarify_prompt,
    not_understood,
    procedure_card,
    referral_text,
)
from knowledge.loader import KnowledgeBaseError, load_knowledge_base
from knowledge.matcher import Match, Matcher
from knowledge.model import KnowledgeBase
from knowledge.normalize import Normalizer


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "ask",
        help="answer a procedure question as the bot would",
        description="Match a question against the knowledge base. With no question, read one per line "
        "from standard input and answer each on its own line.",
    )
    p.add_argument("question", nargs="?", help="the citizen's question (omit to read standard input)")
    p.add_argument("--json", action="store_true", help="print one JSON object per question")
    p.add_argument("--path", type=Path, default=None, help="knowledge base folder (default: the bundled one)")
    p.set_defaults(handler=run)


def match_to_json(question: str, m: Match) -> dict[str, Any]:
    """The shape run_eval.py reads; for clarify the candidates are exactly the buttons offered."""
    code: str | None = None
    name: str | None = None
    if m.procedure is not None:
        code, name = m.procedure.code, m.procedure.name
    elif m.referral is not None:
        code, name = m.referral.id, m.referral.topic
    return {
        "question": question,
        "kind": m.kind,
        "code": code,
        "name": name,
        "score": m.score,
        "candidates": [{"code": c.code, "name": c.name, "score": c.score} for c in m.candidates],
    }


def human_text(kb: KnowledgeBase, m: Match) -> str:
    """What the citizen would read (buttons shown as a numbered list)."""
    if m.kind == "procedure" and m.procedure is not None:
        replacement = kb.procedures.get(m.procedure.replaced_by) if m.procedure.replaced_by else None
        return procedure_card(m.procedure, replacement)
    if m.kind == "referral" and m.referral is not None:
        return referral_text(m.referral)
    if m.kind == "clarify":
        options = [f"{i}. {c.name}" for i, c in enumerate(m.candidates, 1)]
        return "\n".join([clarify_prompt(beside=m.referral), *options])
    if m.asks_progress:
        return asks_progress()
    return asks_nothing() if m.asks_nothing else not_understood()


def _answer(matcher: Matcher, kb: KnowledgeBase, question: str, as_json: bool, out: TextIO) -> None:
    m = matcher.match(question)
    if as_json:
        out.write(json.dumps(match_to_json(question, m), ensure_ascii=False) + "\n")
    else:
        out.write(human_text(kb, m) + "\n\n")
    out.flush()


def run(args: argparse.Namespace) -> int:
    for stream in (sys.stdout, sys.stdin):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    try:
        kb = load_knowledge_base(args.path)
    except KnowledgeBaseError as exc:
        for e in exc.errors:
            print(e, file=sys.stderr)
        print(f"knowledge base has {len(exc.errors)} error(s); run `motcua kb check`", file=sys.stderr)
        return 2
    matcher = Matcher(kb, Normalizer())
    if args.question is not None:
        _answer(matcher, kb, args.question, args.json, sys.stdout)
        return 0
    for line in sys.stdin:
        _answer(matcher, kb, line.rstrip("\r\n"), args.json, sys.stdout)
    return 0
