"""The `motcua` command. Each subcommand lives in its own module in bot/commands/."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import bot.commands
from bot.logging_setup import setup_logging


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motcua", description="Trợ lý một cửa cấp xã (Telegram, Zalo, console)."
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log debug details (never personal data)"
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(bot.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"bot.commands.{info.name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.verbose)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
