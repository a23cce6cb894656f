"""`motcua dossiers import FILE`: load the one-stop software's export (CSV, JSON or JSON lines).

Upserts by dossier code: re-importing the same file changes nothing and says
so (0 inserted, 0 updated). Bad rows are listed with their line number and
reason while the good rows load. Exit status: 0 all rows loaded, 1 some rows
were bad, 2 the file (or the mapping, or the configuration) is unusable.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from tqdm import tqdm

from bot.config import ConfigError, Settings, load_settings
from bot.services import dossiers as service
from bot.services.dossier_import import BadRow, ImportFormatError
from bot.texts import dossiers as texts
from knowledge.loader import KnowledgeBaseError

BAD_ROWS_SHOWN = 50
WARNINGS_SHOWN = 20
# Below this size the import takes a moment and a progress bar is only noise.
PROGRESS_MIN_BYTES = 1_000_000


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dossiers",
        help="hồ sơ: nạp dữ liệu xuất từ phần mềm một cửa",
        description="Dossier tools.",
    )
    sub = parser.add_subparsers(dest="dossiers_command", metavar="COMMAND", required=True)
    imp = sub.add_parser(
        "import",
        help="nạp tệp CSV/JSON xuất từ phần mềm một cửa (cập nhật theo mã hồ sơ)",
        description="Load an export; rows are upserted by dossier code, bad rows reported with line numbers.",
    )
    imp.add_argument("file", type=Path, help="CSV, JSON array or JSON lines file")
    imp.add_argument(
        "--mapping",
        type=Path,
        help="YAML: our field → the export's column header(s), e.g. «phone: ĐT liên hệ»",
    )
    imp.add_argument("--format", choices=("csv", "json", "jsonl"), help="default: from the file name")
    imp.add_argument("--db", help="SQLite file (default: DATABASE_PATH or motcua.db)")
    imp.set_defaults(handler=import_command)


def load_mapping(path: Path) -> dict[str, Any]:
    """The column mapping file; ValueError with a readable reason when its shape is wrong."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(texts.CLI_IMPORT_MAPPING_SHAPE)
    for key, value in data.items():
        ok = value is None or isinstance(value, str)
        ok = ok or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        if not isinstance(key, str) or not ok:
            raise ValueError(texts.CLI_IMPORT_MAPPING_SHAPE)
    return data


def count_lines(path: Path) -> int:
    """Data lines for the progress bar's total (header excluded); fast, reads bytes."""
    total = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            total += chunk.count(b"\n")
    return max(total - 1, 0)


def _print_rows(header: str, rows: list[BadRow], shown: int) -> None:
    if not rows:
        return
    print(header)
    for row in rows[:shown]:
        print(texts.CLI_IMPORT_LINE.format(line=row.line_number, reason=row.reason))
    if len(rows) > shown:
        print(texts.CLI_IMPORT_MORE.format(n=len(rows) - shown))


def _follow(bar: tqdm) -> Callable[[int], None]:
    def update(rows_seen: int) -> None:
        bar.update(rows_seen - bar.n)

    return update


def settings_for(args: argparse.Namespace) -> Settings | None:
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(texts.CLI_CONFIG_ERROR.format(error=exc), file=sys.stderr)
        return None
    if getattr(args, "db", None):
        settings = replace(settings, database_path=Path(args.db))
    return settings


def import_command(args: argparse.Namespace) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8", errors="replace")
    settings = settings_for(args)
    if settings is None:
        return 2
    columns = None
    if args.mapping is not None:
        try:
            columns = load_mapping(args.mapping)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            print(texts.CLI_IMPORT_MAPPING_ERROR.format(path=args.mapping, error=exc), file=sys.stderr)
            return 2
    if not args.file.is_file():
        print(texts.CLI_IMPORT_FILE_ERROR.format(error=args.file), file=sys.stderr)
        return 2
    try:
        return asyncio.run(run_import(settings, args.file, args.format, columns))
    except KnowledgeBaseError as exc:
        for error in exc.errors:
            print(f"  - {error}", file=sys.stderr)
        return 2


async def run_import(settings: Settings, path: Path, fmt: str | None, columns: dict[str, Any] | None) -> int:
    big = path.stat().st_size >= PROGRESS_MIN_BYTES
    json_array = fmt == "json" or (fmt is None and path.suffix.lower() == ".json")
    total = count_lines(path) if big and not json_array else None
    async with service.standalone_services(settings) as services:
        try:
            reader = service.make_import(services, path, fmt=fmt, columns=columns)
        except ValueError as exc:
            print(texts.CLI_IMPORT_MAPPING_ERROR.format(path="", error=exc), file=sys.stderr)
            return 2
        # disable=None: the bar shows on a terminal only, never in a pipe or a log file.
        with tqdm(
            total=total, unit=" dòng", desc=texts.CLI_IMPORT_PROGRESS, disable=None if big else True
        ) as bar:
            try:
                result = await service.import_dossiers(services, reader, on_progress=_follow(bar))
            except (ImportFormatError, OSError) as exc:
                bar.close()
                print(texts.CLI_IMPORT_FILE_ERROR.format(error=exc), file=sys.stderr)
                return 2
    print(
        texts.CLI_IMPORT_DONE.format(
            rows=result.rows_seen,
            inserted=result.inserted,
            updated=result.updated,
            unchanged=result.unchanged,
            bad=len(result.bad_rows),
        )
    )
    if result.loaded > result.distinct:
        print(texts.CLI_IMPORT_DUPLICATES.format(n=result.loaded - result.distinct))
    if result.appointments_computed:
        print(texts.CLI_IMPORT_COMPUTED.format(n=result.appointments_computed))
    if result.status_changes:
        print(texts.CLI_IMPORT_STATUS_CHANGES.format(changes=result.status_changes, notified=result.notified))
    _print_rows(texts.CLI_IMPORT_BAD_HEADER, result.bad_rows, BAD_ROWS_SHOWN)
    _print_rows(texts.CLI_IMPORT_WARN_HEADER, result.warnings, WARNINGS_SHOWN)
    return 1 if result.bad_rows else 0
