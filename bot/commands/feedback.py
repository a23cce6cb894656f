"""`motcua feedback export --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE]`: the commune's register of
reports as CSV (UTF-8 with BOM, so Excel shows the diacritics)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.services.feedback import FeedbackService
from bot.storage.db import Database
from bot.texts import feedback as texts


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "feedback", help="phản ánh, kiến nghị: xuất sổ theo dõi", description="Feedback tools."
    )
    sub = parser.add_subparsers(dest="feedback_command", metavar="COMMAND", required=True)
    export = sub.add_parser(
        "export",
        help="xuất phản ánh trong khoảng ngày ra CSV",
        description="Write the reports created between two dates (both included) as CSV.",
    )
    export.add_argument("--from", dest="start", required=True, help="ngày đầu, YYYY-MM-DD")
    export.add_argument("--to", dest="end", required=True, help="ngày cuối, YYYY-MM-DD")
    export.add_argument("--out", type=Path, default=None, help="tệp CSV (mặc định: in ra màn hình)")
    export.add_argument("--db", type=Path, default=None, help="SQLite file (default: DATABASE_PATH)")
    export.add_argument(
        "--no-contact", action="store_true", help="bỏ họ tên và số điện thoại người gửi khỏi tệp"
    )
    export.set_defaults(handler=export_command)


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def export_command(args: argparse.Namespace) -> int:
    start, end = _date(args.start), _date(args.end)
    for raw, parsed in ((args.start, start), (args.end, end)):
        if parsed is None:
            print(texts.EXPORT_BAD_DATE.format(value=raw), file=sys.stderr)
            return 2
    assert start is not None and end is not None
    if start > end:
        print(texts.EXPORT_BAD_RANGE, file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"Cấu hình sai: {exc}", file=sys.stderr)
        return 2
    if args.db is not None:
        settings = replace(settings, database_path=args.db)
    count = asyncio.run(_export(settings, start, end, args.out, with_contact=not args.no_contact))
    where = str(args.out) if args.out else "stdout"
    print(texts.EXPORT_DONE.format(count=count, start=start, end=end, out=where), file=sys.stderr)
    return 0


async def _export(
    settings: Settings, start: dt.date, end: dt.date, out: Path | None, with_contact: bool
) -> int:
    db = Database(settings.database_path)
    await db.open()
    try:
        service = FeedbackService(settings, db, ("console", "staff"))
        rows = await service.export_rows(start, end)
    finally:
        await db.close()
    if out is None:
        return FeedbackService.write_csv(rows, sys.stdout, with_contact)
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        return FeedbackService.write_csv(rows, handle, with_contact)
