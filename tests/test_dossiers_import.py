"""Loading the one-stop export into SQLite: idempotent upserts, bad rows, status changes, KB appointments."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Settings
from bot.services import dossiers as service
from bot.services.dossier_import import read_text
from bot.services.knowledge import KnowledgeService
from bot.storage import dossiers as store

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = (
    "Mã hồ sơ,Mã thủ tục,Tên thủ tục,Lĩnh vực,Người nộp,Số điện thoại,Ngày tiếp nhận,Ngày hẹn trả,Trạng thái"
)


@pytest.fixture
async def app(tmp_path, knowledge):
    app = App(Settings(database_path=tmp_path / "d.db"), knowledge=knowledge)
    await app.open()
    yield app
    await app.close()


async def snapshot(app: App) -> list[tuple]:
    rows = await app.db.fetch_all("SELECT * FROM dossiers ORDER BY code")
    return [tuple(r) for r in rows]


async def run_import(app: App, source, **kwargs) -> service.ImportResult:
    reader = service.make_import(app.services, source)
    return await service.import_dossiers(app.services, reader, **kwargs)


async def test_importing_the_same_file_twice_changes_nothing(app):
    first = await run_import(app, FIXTURES / "dossiers_export.csv")
    after_first = await snapshot(app)
    second = await run_import(app, FIXTURES / "dossiers_export.csv")
    assert (first.inserted, first.updated, first.unchanged) == (6, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 6)
    assert await snapshot(app) == after_first  # not even updated_at moved
    assert [(b.line_number, b.reason.split(":")[0]) for b in second.bad_rows] == [
        (4, "ngày tiếp nhận không hợp lệ"),
        (5, "trạng thái không rõ"),
        (6, "thiếu mã hồ sơ"),
        (10, "ngày hẹn trả không hợp lệ"),
    ]
    stored = await store.get(app.db, "H12.01-260105-0002")  # lower case in the file, normalised
    assert stored is not None and stored.phone == "0987654321"
    assert await app.db.fetch_all("SELECT * FROM dossier_status_history") == []


async def test_json_export_loads_alongside_csv(app):
    result = await run_import(app, FIXTURES / "dossiers_export.json")
    again = await run_import(app, FIXTURES / "dossiers_export.json")
    assert result.inserted == 4 and result.bad_rows
    assert (again.inserted, again.updated) == (0, 0)


async def test_changed_rows_are_updated_and_status_changes_reach_followers(app):
    base = (
        f"{HEADER}\n"
        "A-2026-0001,1.004873,XN hôn nhân,Hộ tịch,Lê Văn Tư,0912000111,02/03/2026 09:00,05/03/2026,4\n"
        "A-2026-0002,1.004873,XN hôn nhân,Hộ tịch,Lê Văn Năm,0912000222,02/03/2026 09:00,05/03/2026,4\n"
        "A-2026-0003,1.004873,XN hôn nhân,Hộ tịch,Lê Văn Sáu,0912000333,02/03/2026 09:00,05/03/2026,4\n"
    )
    changed = base.replace("Lê Văn Năm,0912000222", "Lê Văn Năm,0912000999").replace(
        "0912000333,02/03/2026 09:00,05/03/2026,4", "0912000333,02/03/2026 09:00,05/03/2026,Đã xử lý xong"
    )
    await service.upsert_dossiers(app.services, read_text(base))
    await service.follow(app.services, "A-2026-0003", "telegram", "42", "42")
    counts = await service.upsert_dossiers(app.services, read_text(changed))
    again = await service.upsert_dossiers(app.services, read_text(changed))
    assert (counts.inserted, counts.updated, counts.unchanged, counts.status_changes) == (0, 2, 1, 1)
    assert counts.notified == 1
    assert (again.updated, again.notified) == (0, 0)
    finished = await store.get(app.db, "A-2026-0003")
    assert finished is not None and finished.finished_at is not None  # the KPI finish date was recorded
    history = await app.db.fetch_all(
        "SELECT code, old_status, new_status, source FROM dossier_status_history"
    )
    assert [tuple(h) for h in history] == [("A-2026-0003", 4, 9, "import")]
    [outbox] = await app.db.fetch_all("SELECT channel, chat_id, payload FROM outbox")
    assert (outbox[0], outbox[1]) == ("telegram", "42") and "Đã xử lý xong" in outbox[2]


async def test_a_code_repeated_across_batches_is_still_idempotent(app):
    rows = [f"B-{i:04d},1.004873,Thủ tục,Hộ tịch,Tên,0912000111,02/03/2026,05/03/2026,4" for i in range(7)]
    rows.append("B-0001,1.004873,Thủ tục,Hộ tịch,Tên,0912000111,02/03/2026,05/03/2026,9")  # last one wins
    text = HEADER + "\n" + "\n".join(rows) + "\n"
    first = await service.import_dossiers(app.services, read_text(text), batch_size=3)
    second = await service.import_dossiers(app.services, read_text(text), batch_size=3)
    assert (first.loaded, first.distinct, first.inserted) == (8, 7, 7)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 7)
    stored = await store.get(app.db, "B-0001")
    assert stored is not None and stored.status == 9
    assert any("trùng" in w.reason for w in first.warnings)


async def test_appointment_comes_from_the_knowledge_base_when_the_export_lacks_it(tmp_path):
    """kb_small: 9.000123 = 3 working days, 1.001193 = same day with 15:00 cut-off, 9.000124 = 30 days."""
    knowledge = KnowledgeService.load(FIXTURES / "kb_small")
    app = App(Settings(database_path=tmp_path / "kb.db"), knowledge=knowledge)
    await app.open()
    try:
        text = (
            f"{HEADER}\n"
            # Friday before Tết 2026 (16–20/02 off, then a weekend): 23, 24, 25 February.
            "K-1,9.000123,Nuôi con nuôi thực tế,Hộ tịch,A,0912000111,13/02/2026 10:00,,4\n"
            # Same-day procedure after the 15:00 cut-off: next working day.
            "K-2,1.001193,Khai sinh,Hộ tịch,B,0912000111,05/01/2026 16:10,,4\n"
            "K-3,1.001193,Khai sinh,Hộ tịch,C,0912000111,05/01/2026 14:00,,4\n"
            # 30 calendar days end on 19/02/2026 (Tết): moved to Monday 23/02.
            "K-4,9.000124,Nuôi con nuôi,Hộ tịch,D,0912000111,20/01/2026 09:00,,4\n"
            # The export's own appointment always wins.
            "K-5,9.000123,Nuôi con nuôi thực tế,Hộ tịch,E,0912000111,13/02/2026 10:00,27/02/2026,4\n"
            # Unknown procedure: nothing to compute from, reported as a warning.
            "K-6,9.999999,Không rõ,Hộ tịch,F,0912000111,13/02/2026 10:00,,4\n"
        )
        result = await service.import_dossiers(
            app.services, service.make_import(app.services, io.StringIO(text))
        )
        got = {
            c: (await store.get(app.db, c)).appointment_date
            for c in ("K-1", "K-2", "K-3", "K-4", "K-5", "K-6")
        }
    finally:
        await app.close()
    assert got == {
        "K-1": date(2026, 2, 25),
        "K-2": date(2026, 1, 6),
        "K-3": date(2026, 1, 5),
        "K-4": date(2026, 2, 23),
        "K-5": date(2026, 2, 27),
        "K-6": None,
    }
    assert result.appointments_computed == 4
    assert [w.line_number for w in result.warnings] == [7]


def motcua(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def test_cli_import_reports_counts_bad_rows_and_is_idempotent(tmp_path):
    db = str(tmp_path / "cli.db")
    csv = str(FIXTURES / "dossiers_export.csv")
    first = motcua(tmp_path, "dossiers", "import", csv, "--db", db)
    second = motcua(tmp_path, "dossiers", "import", csv, "--db", db)
    assert first.returncode == 1, first.stderr  # some rows were bad
    assert "thêm mới 6, cập nhật 0, không đổi 0, lỗi 4" in first.stdout
    assert "thêm mới 0, cập nhật 0, không đổi 6, lỗi 4" in second.stdout
    assert "Dòng 4: ngày tiếp nhận không hợp lệ: '31/02/2026'" in second.stdout
    assert "Dòng 6: thiếu mã hồ sơ" in second.stdout
    for personal in ("Nguyễn Văn An", "0987", "912 345"):  # rows carry names and phones; output must not
        assert personal not in first.stdout + first.stderr


def test_cli_import_with_a_column_mapping_and_a_clean_file(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(
        "So HS;Thu tuc;DT lien he;Ngay nhan;Tinh trang\nM-1;1.004873;0912 000 111;02/03/2026 09:00;4\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "code: So HS\nprocedure_code: Thu tuc\nphone: DT lien he\n"
        "received_at: Ngay nhan\nstatus: [Tinh trang, Trang thai]\n",
        encoding="utf-8",
    )
    result = motcua(
        tmp_path, "dossiers", "import", str(export), "--mapping", str(mapping), "--db", str(tmp_path / "m.db")
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text("- just\n- a list\n", encoding="utf-8")
    refused = motcua(
        tmp_path, "dossiers", "import", str(export), "--mapping", str(broken), "--db", str(tmp_path / "m.db")
    )
    assert result.returncode == 0, result.stderr
    assert "thêm mới 1, cập nhật 0, không đổi 0, lỗi 0" in result.stdout
    assert refused.returncode == 2 and "ánh xạ cột" in refused.stderr


def test_cli_report_and_demo_seed(tmp_path):
    db = str(tmp_path / "r.db")
    seeded = motcua(tmp_path, "demo-seed", "--db", db)
    again = motcua(tmp_path, "demo-seed", "--db", db)
    chart = tmp_path / "out" / "chart.png"
    today = service.vn_today()
    report = motcua(
        tmp_path,
        "report",
        "--from",
        f"{today:%Y}-01-01",
        "--to",
        today.isoformat(),
        "--chart",
        str(chart),
        "--db",
        db,
    )
    bad = motcua(tmp_path, "report", "--from", "2026-02-30", "--db", db)
    assert seeded.returncode == 0 and "Đã tạo 5 hồ sơ mẫu" in seeded.stdout
    assert "không tạo thêm" in again.stdout
    assert report.returncode == 0, report.stderr
    assert "BÁO CÁO TIẾN ĐỘ GIẢI QUYẾT HỒ SƠ" in report.stdout
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert bad.returncode == 2 and "2026-02-30" in bad.stderr
