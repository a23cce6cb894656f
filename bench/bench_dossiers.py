"""Dossier figures: lookup latency with 1,000,000 dossiers, import speed, report time for a year.

Run: .venv/bin/python bench/bench_dossiers.py [--rows 1000000] [--import-rows 100000] [--dir /tmp/x]

1. Fills a SQLite file with --rows dossiers received over one year, through the same bulk upsert
   the import uses (staging table + set-based merge), and prints its speed.
2. Lookup latency p50/p99: `storage.get` by code (the query behind every citizen lookup, one aiosqlite
   round trip) and the whole privacy check (`check_lookup`: failure-window count + get + digit compare),
   for random existing and missing codes. Target p99 <= 2 ms.
3. Import speed: a --import-rows CSV export written to disk, then `motcua dossiers import`'s path
   (DossierImport parsing + KB appointments + upsert) into a fresh file, again (nothing changes), and
   into the big file. Target >= 20,000 rows/s.
4. Report time: the timeliness report for the year over the big file (read-only connection in a
   worker thread + compute_report), and the chart.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import App
from bot.config import Settings
from bot.core import IncomingMessage
from bot.services import dossiers as service
from bot.services.dossier_model import CLOSED_STATUSES, Dossier, DossierStatus
from bot.services.report_chart import render_chart
from bot.storage import dossiers as store

YEAR = 2025
FIELDS = {
    "1.004873": ("Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", 3),
    "1.001193": ("Đăng ký khai sinh", "Hộ tịch", 0),
    "2.000815": ("Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực", 0),
    "1.001612": ("Đăng ký thành lập hộ kinh doanh", "Hộ kinh doanh", 3),
    "1.013978": ("Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu", "Đất đai", 20),
    "1.001776": ("Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng", "Bảo trợ xã hội", 12),
}
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
GIVEN = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Minh Em", "Thị Giang", "Quốc Hùng", "Thu Lan"]
STATUS_WEIGHTS = [(1, 1), (2, 2), (3, 1), (4, 10), (5, 3), (6, 1), (7, 1), (8, 1), (9, 15), (10, 65)]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def code_for(i: int) -> str:
    return f"H12.01-{YEAR % 100:02d}{(i // 40000) % 12 + 1:02d}{(i // 1300) % 28 + 1:02d}-{i:07d}"


def generate(n: int, seed: int = 1, offset: int = 0) -> Iterator[Dossier]:
    """Dossiers received over the year, mostly finished, a realistic share late or waiting."""
    rng = random.Random(seed)
    procedures = list(FIELDS.items())
    statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
    start = datetime(YEAR, 1, 2, 7, 30)
    for i in range(offset, offset + n):
        code, (name, field, days) = procedures[rng.randrange(len(procedures))]
        received = start + timedelta(days=rng.randrange(362), minutes=rng.randrange(540))
        appointment = (received + timedelta(days=max(days, 0) * 7 // 5)).date()
        status = DossierStatus(rng.choices(statuses, weights)[0])
        changed = received + timedelta(days=rng.randrange(1, 30), hours=1)
        finished = changed if status in CLOSED_STATUSES else None
        yield Dossier(
            code=code_for(i),
            procedure_code=code,
            procedure_name=name,
            field=field,
            applicant_name=f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
            phone=f"09{rng.randrange(10**8):08d}",
            received_at=received,
            appointment_date=appointment,
            status=status,
            status_changed_at=changed,
            finished_at=finished,
            supplement_requests=1 if status is DossierStatus.YEU_CAU_BO_SUNG else 0,
        )


def write_csv(path: Path, n: int, offset: int) -> None:
    """An export as one-stop software writes it: Vietnamese headers, dd/mm/yyyy, formatted phones."""
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            [
                "Mã hồ sơ",
                "Mã thủ tục",
                "Tên thủ tục",
                "Lĩnh vực",
                "Người nộp",
                "Số điện thoại",
                "Ngày tiếp nhận",
                "Ngày hẹn trả",
                "Trạng thái",
                "Ngày kết thúc",
                "Nơi trả kết quả",
            ]
        )
        for i, d in enumerate(generate(n, seed=7, offset=offset)):
            phone = d.phone or ""
            writer.writerow(
                [
                    d.code,
                    d.procedure_code,
                    d.procedure_name,
                    d.field,
                    d.applicant_name,
                    f"+84 {phone[1:4]} {phone[4:7]} {phone[7:]}" if i % 3 == 0 else phone,
                    d.received_at.strftime("%d/%m/%Y %H:%M"),
                    "" if i % 10 == 0 else d.appointment_date.strftime("%d/%m/%Y"),  # type: ignore[union-attr]
                    d.status.value if i % 2 else d.status.label,
                    d.finished_at.strftime("%d/%m/%Y %H:%M") if d.finished_at else "",
                    "Quầy số 1" if d.status is DossierStatus.DA_XU_LY_XONG else "",
                ]
            )


async def fill(services, n: int) -> float:
    start = time.perf_counter()
    chunk = 200_000
    for offset in range(0, n, chunk):
        await service.upsert_dossiers(services, generate(min(chunk, n - offset), seed=offset, offset=offset))
    return time.perf_counter() - start


async def bench_lookup(services, n_rows: int, samples: int) -> None:
    rng = random.Random(3)
    codes = [code_for(rng.randrange(n_rows)) for _ in range(samples)]
    missing = [f"H12.01-999999-{i:07d}" for i in range(samples // 10)]
    for code in codes[:200]:  # warm the page cache and aiosqlite's thread
        await store.get(services.db, code)
    get_times = []
    for code in codes + missing:
        t0 = time.perf_counter()
        await store.get(services.db, code)
        get_times.append((time.perf_counter() - t0) * 1000)
    right_times, wrong_times = [], []
    now = time.time()
    for i, code in enumerate(codes):
        stored = await store.get(services.db, code)
        digits = (stored.phone or "0000")[-4:] if stored is not None else "0000"
        t0 = time.perf_counter()
        outcome = await service.check_lookup(services, "telegram", f"ok{i}", code, digits, now=now)
        right_times.append((time.perf_counter() - t0) * 1000)
        assert outcome.kind == "ok"
        t0 = time.perf_counter()
        # A failure also records itself in rate_events (its own transaction here; in the bot it joins
        # the message's transaction).
        await service.check_lookup(
            services, "telegram", f"bad{i}", code, "0000" if digits != "0000" else "1111", now=now
        )
        wrong_times.append((time.perf_counter() - t0) * 1000)
    print(
        f"lookup storage.get ({len(get_times)} lookups, {len(missing)} missing codes): "
        f"p50 {statistics.median(get_times):.3f} ms, p99 {percentile(get_times, 0.99):.3f} ms, "
        f"max {max(get_times):.3f} ms"
    )
    for label, values in (("right digits", right_times), ("wrong digits, failure recorded", wrong_times)):
        print(
            f"lookup check_lookup, {label} ({len(values)}): "
            f"p50 {statistics.median(values):.3f} ms, p99 {percentile(values, 0.99):.3f} ms"
        )


async def bench_dispatcher(settings: Settings, n_rows: int, samples: int) -> None:
    """The citizen's last step as the bot runs it: digits message → check → answer queued, one transaction."""
    app = App(replace(settings, flood_messages_per_minute=10**6))
    await app.open()
    try:
        rng = random.Random(5)
        times = []
        for i in range(samples):
            code = code_for(rng.randrange(n_rows))
            stored = await store.get(app.db, code)
            digits = (stored.phone or "0000")[-4:] if stored is not None else "0000"
            user = f"citizen{i}"
            common = {"channel": "console", "user_id": user, "chat_id": user}
            await app.dispatcher.handle(IncomingMessage(message_id=f"a{i}", text=f"/tracuu {code}", **common))
            t0 = time.perf_counter()
            await app.dispatcher.handle(IncomingMessage(message_id=f"b{i}", text=digits, **common))
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        await app.close()
    print(
        f"lookup through the dispatcher (digits message: dedupe, flood, state, check, card, outbox, commit; "
        f"{samples}): p50 {statistics.median(times):.3f} ms, p99 {percentile(times, 0.99):.3f} ms"
    )


async def bench_import(settings: Settings, csv_path: Path, rows: int, label: str) -> None:
    async with service.standalone_services(settings) as services:
        for attempt in ("first", "again"):
            start = time.perf_counter()
            result = await service.import_dossiers(services, service.make_import(services, csv_path))
            elapsed = time.perf_counter() - start
            print(
                f"import {label} ({attempt}): {rows} rows in {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s "
                f"(inserted {result.inserted}, updated {result.updated}, unchanged {result.unchanged}, "
                f"bad {len(result.bad_rows)}, appointments computed {result.appointments_computed})"
            )
            if label.startswith("into the"):
                break


def query_plans(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        for label, sql, params in [
            ("lookup", "SELECT * FROM dossiers WHERE code = ?", ("x",)),
            (
                "report (index)",
                store._KPI_SQL_INDEXED,
                {"start": f"{YEAR}-12-01", "end": f"{YEAR + 1}-01-01"},
            ),
            ("report (scan)", store._KPI_SQL_SCAN, {"start": f"{YEAR}-01-01", "end": f"{YEAR + 1}-01-01"}),
        ]:
            plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
            print(f"plan {label}: " + " | ".join(plan))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=20_000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="bench-dossiers-"))
    workdir.mkdir(parents=True, exist_ok=True)
    big = Settings(database_path=workdir / "big.db")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{big.database_path}{suffix}").unlink(missing_ok=True)
    print(f"work dir {workdir}; SQLite {sqlite3.sqlite_version}")

    async with service.standalone_services(big, with_knowledge=False) as services:
        elapsed = await fill(services, args.rows)
        size_mb = big.database_path.stat().st_size / 1e6
        rate = args.rows / elapsed
        print(
            f"fill: {args.rows:,} dossiers by bulk upsert in {elapsed:.1f} s = {rate:,.0f} rows/s"
            f" ({size_mb:,.0f} MB)"
        )
        await bench_lookup(services, args.rows, args.lookups)
    await bench_dispatcher(big, args.rows, min(args.lookups, 5000))
    async with service.standalone_services(big, with_knowledge=False) as services:
        start = time.perf_counter()
        report = await service.timeliness_report(services, date(YEAR, 1, 1), date(YEAR, 12, 31))
        elapsed = time.perf_counter() - start
        o = report.overall
        print(
            f"report for {YEAR} over {args.rows:,} dossiers: {elapsed:.2f} s "
            f"(received {o.received:,}, resolved {o.resolved:,}, before {o.before_pct:.1f}%, "
            f"open {o.open_within + o.open_overdue:,}, paused {o.paused:,})"
        )
        start = time.perf_counter()
        month = await service.timeliness_report(services, date(YEAR, 12, 1), date(YEAR, 12, 31))
        print(
            f"report for December {YEAR} (index path): {time.perf_counter() - start:.2f} s "
            f"(received {month.overall.received:,}, open {month.overall.in_progress:,})"
        )
        start = time.perf_counter()
        render_chart(report, workdir / "chart.png")
        print(f"chart: {time.perf_counter() - start:.2f} s")
    query_plans(big.database_path)

    csv_path = workdir / "export.csv"
    write_csv(csv_path, args.import_rows, offset=args.rows)
    print(f"export: {args.import_rows:,} rows, {csv_path.stat().st_size / 1e6:.1f} MB")
    fresh = Settings(database_path=workdir / "fresh.db")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{fresh.database_path}{suffix}").unlink(missing_ok=True)
    await bench_import(fresh, csv_path, args.import_rows, "into an empty file")
    await bench_import(big, csv_path, args.import_rows, f"into the {args.rows:,}-dossier file")


if __name__ == "__main__":
    asyncio.run(main())
