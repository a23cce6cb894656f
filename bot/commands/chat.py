"""`motcua chat`: the console chat, interactive or scripted through a pipe."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from dataclasses import replace

from bot.app import App
from bot.channels.console import ConsoleChannel
from bot.config import ConfigError, Settings, load_settings
from knowledge.loader import KnowledgeBaseError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "chat",
        help="trò chuyện thử trên console; dòng «staff: …» là cán bộ; đọc được từ pipe",
        description="Citizen lines as typed; official lines start with 'staff:' "
        "('staff@N:' replies to message #N).",
    )
    parser.add_argument("--db", help="SQLite file (default: DATABASE_PATH or motcua.db)")
    parser.add_argument(
        "--no-demo", action="store_true", help="do not create demo dossiers in an empty database"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if not args.verbose:
        # The terminal is the chat window: keep routine log lines out of the conversation.
        logging.getLogger().setLevel(logging.WARNING)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"Cấu hình sai: {exc}", file=sys.stderr)
        return 2
    if args.db:
        settings = replace(settings, database_path=args.db)
    return run_console(settings, seed_demo=not args.no_demo)


def run_console(settings: Settings, seed_demo: bool) -> int:
    # The console is its own staff group, even when a Telegram token is configured.
    settings = replace(settings, telegram_token="", zalo_bot_token="")
    try:
        asyncio.run(_chat(settings, seed_demo))
    except KnowledgeBaseError as exc:
        print("Cơ sở dữ liệu thủ tục không hợp lệ:", file=sys.stderr)
        for error in exc.errors:
            print(f"  - {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


async def _chat(settings: Settings, seed_demo: bool) -> None:
    app = App(settings)
    await app.open()
    try:
        if seed_demo:
            await app.seed_demo_if_empty()
        console = ConsoleChannel(app)
        app.add_sender(console)
        app.start_delivery()
        await console.run()
    finally:
        await app.close()
