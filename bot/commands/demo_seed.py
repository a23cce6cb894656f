"""`motcua demo-seed`: create clearly marked demo dossiers (DEMO-…) to try lookups in the console."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.commands.dossiers import settings_for
from bot.config import Settings
from bot.services import demo
from bot.services import dossiers as service
from bot.texts import dossiers as texts
from knowledge.loader import KnowledgeBaseError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo-seed",
        help="tạo vài hồ sơ mẫu (mã DEMO-…) để tra cứu thử",
        description="Create demo dossiers (codes DEMO-0001…, phone ending 5678) unless they exist.",
    )
    parser.add_argument("--db", help="SQLite file (default: DATABASE_PATH or motcua.db)")
    parser.set_defaults(handler=demo_seed_command)


def demo_seed_command(args: argparse.Namespace) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8", errors="replace")
    settings = settings_for(args)
    if settings is None:
        return 2
    try:
        created = asyncio.run(_seed(settings))
    except KnowledgeBaseError as exc:
        for error in exc.errors:
            print(f"  - {error}", file=sys.stderr)
        return 2
    if created:
        print(texts.CLI_DEMO_CREATED.format(n=created, last=created, digits=demo.DEMO_CHECK_DIGITS))
    else:
        print(texts.CLI_DEMO_EXISTS)
    return 0


async def _seed(settings: Settings) -> int:
    async with service.standalone_services(settings) as services:
        return await demo.seed_demo(services)
