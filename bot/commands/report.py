"""`motcua report --from YYYY-MM-DD --to YYYY-MM-DD [--chart out.png]`: the timeliness report.

The same report as `/baocao` in the staff group: dossiers resolved before, on
and after their deadline, the backlog within and past it, overall and per
field, against the commune's target of more than 50% before the deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path

from bot.commands.dossiers import settings_for
from bot.config import Settings
from bot.services import dossiers as service
from bot.services.dossier_import import parse_date
from bot.services.report_chart import render_chart
from bot.services.timeliness import render_report_text
from bot.texts import dossiers as texts


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="báo cáo tiến độ giải quyết hồ sơ (trước hạn, đúng hạn, quá hạn)",
        description="Timeliness report for a period (default: from the 1st of this month to today).",
    )
    parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD or dd/mm/yyyy")
    parser.add_argument("--to", dest="end", help="last day (default: today)")
    parser.add_argument("--chart", type=Path, help="also write the chart as PNG to this file")
    parser.add_argument("--db", help="SQLite file (default: DATABASE_PATH or motcua.db)")
    parser.set_defaults(handler=report_command)


def _day(value: str | None, default: date) -> date:
    return parse_date(value) if value else default


def report_command(args: argparse.Namespace) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8", errors="replace")
    settings = settings_for(args)
    if settings is None:
        return 2
    today = service.vn_today()
    try:
        end = _day(args.end, today)
        start = _day(args.start, end.replace(day=1))
    except ValueError:
        bad = args.start if args.start and not _parses(args.start) else args.end
        print(texts.CLI_REPORT_DATE_ERROR.format(value=bad), file=sys.stderr)
        return 2
    if start > end:
        print(
            texts.REPORT_BAD_RANGE.format(start=service.fmt_date(start), end=service.fmt_date(end)),
            file=sys.stderr,
        )
        return 2
    return asyncio.run(run_report(settings, start, end, args.chart))


def _parses(value: str) -> bool:
    try:
        parse_date(value)
    except ValueError:
        return False
    return True


async def run_report(settings: Settings, start: date, end: date, chart: Path | None) -> int:
    async with service.standalone_services(settings, with_knowledge=False) as services:
        report = await service.timeliness_report(services, start, end)
    print(render_report_text(report))
    if chart is not None:
        chart.parent.mkdir(parents=True, exist_ok=True)
        render_chart(report, chart)
        print(texts.CLI_REPORT_CHART_SAVED.format(path=chart))
    return 0
