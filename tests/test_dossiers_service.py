"""Dossier services on a real SQLite file: code parsing, the check and its limit, the morning summary
job, the report read from storage, the demo seed."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Settings
from bot.services import demo
from bot.services import dossiers as service
from bot.services.dossier_import import VN_TZ
from bot.services.dossier_model import Dossier, DossierStatus
from bot.services.jobs import run_due
from bot.services.knowledge import KnowledgeService
from bot.services.timeliness import compute_report
from bot.storage import dossiers as store

FIXTURES = Path(__file__).parent / "fixtures"
S = DossierStatus


@pytest.fixture
async def app(tmp_path, knowledge):
    app = App(Settings(database_path=tmp_path / "s.db", daily_summary_hour=7), knowledge=knowledge)
    await app.open()
    yield app
    await app.close()


def make(code: str, **changes: object) -> Dossier:
    base = {
        "code": code,
        "procedure_code": "1.004873",
        "procedure_name": "Cấp Giấy xác nhận tình trạng hôn nhân",
        "field": "Hộ tịch",
        "applicant_name": "Trần Văn Bảy",
        "phone": "0912000111",
        "received_at": datetime(2026, 3, 2, 9),
        "appointment_date": date(2026, 3, 5),
        "status": S.DANG_XU_LY,
    }
    base.update(changes)
    return Dossier(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("hồ sơ H12.01-260105-0001 của tôi xong chưa", "H12.01-260105-0001"),
        ("ma ho so: demo-0003.", "DEMO-0003"),
        ("000.00.12.H12-250101-0001", "000.00.12.H12-250101-0001"),
        ("làm giấy khai sinh cần gì", None),
        ("gọi 0912-345-678 giúp tôi", None),  # a phone number is not a code
        ("thủ tục 1.001193", None),  # nor a procedure code
        ("ngày 05/01/2026", None),
        ("covid-19 có phải khai báo không", None),
    ],
)
def test_codes_are_recognised_in_free_text(text, code):
    assert service.find_code(text) == code
    assert service.looks_like_dossier_code(text) is (code is not None)


def test_code_step_is_lenient_and_digits_accept_a_whole_number():
    assert service.parse_code(" h12.01 - 260105 - 0001 ") == "H12.01-260105-0001"
    assert service.parse_code("HS12345") == "HS12345"
    assert service.parse_code("xin chào") is None
    assert service.parse_code("'; DROP TABLE dossiers; --") is None
    assert service.parse_check_digits(" 56 78 ") == "5678"
    assert service.parse_check_digits("+84 912 345 678") == "5678"
    assert service.parse_check_digits("567") is None
    assert service.parse_check_digits("５６７８") is None  # full-width digits are not ASCII digits
    assert service.parse_check_digits("abcd") is None


async def test_check_is_neutral_and_limited_per_person(app):
    services = app.services
    await service.upsert_dossiers(services, [make("C-1"), make("C-2", phone=None)])
    now = 1_800_000_000.0
    ok = await service.check_lookup(services, "zalo", "u1", "C-1", "0111", now=now)
    no_phone = await service.check_lookup(services, "zalo", "u1", "C-2", "0000", now=now)
    unknown = await service.check_lookup(services, "zalo", "u1", "C-9", "0111", now=now)
    assert ok.kind == "ok" and ok.dossier is not None and ok.dossier.code == "C-1"
    assert no_phone == unknown == service.LookupOutcome("failed")
    for i in range(3):
        await service.check_lookup(services, "zalo", "u1", "C-1", "9999", now=now + 60 * (i + 1))
    limited = await service.check_lookup(services, "zalo", "u1", "C-1", "0111", now=now + 600)
    # The first failure (at `now`) leaves the window 50 minutes later.
    assert limited == service.LookupOutcome("limited", wait_minutes=50)
    assert (await service.check_lookup(services, "zalo", "u1", "C-1", "0111", now=now + 3601)).kind == "ok"
    assert (await service.check_lookup(services, "telegram", "u1", "C-1", "0111", now=now + 600)).kind == "ok"


async def test_morning_summary_runs_once_per_working_day(app, tmp_path, knowledge):
    services = app.services
    calendar = services.calendar
    today = service.vn_today()
    due_today = make("S-DUE", received_at=datetime.combine(today, time(8)), appointment_date=today)
    late = make("S-LATE", appointment_date=today - timedelta(days=20))
    paused = make("S-PAUSED", status=S.YEU_CAU_BO_SUNG, appointment_date=today - timedelta(days=20))
    done = make("S-DONE", status=S.DA_XU_LY_XONG, appointment_date=today - timedelta(days=20))
    await service.upsert_dossiers(services, [due_today, late, paused, done])
    jobs = [job for job in app.jobs if job.name == "dossier_morning_summary"]
    assert len(jobs) == 1  # discovered from handlers/dossiers.py
    morning = datetime.combine(calendar.working_day_on_or_after(today), time(7, 30), tzinfo=VN_TZ)
    assert await run_due(services, jobs, morning.replace(hour=6)) == []  # before the configured hour
    assert await run_due(services, jobs, morning) == ["dossier_morning_summary"]
    assert await run_due(services, jobs, morning + timedelta(hours=3)) == []
    rows = await app.db.fetch_all("SELECT chat_id, payload FROM outbox")
    assert len(rows) == 1 and rows[0][0] == "staff"
    assert "S-DUE" in rows[0][1] and "S-LATE" in rows[0][1]
    assert "S-PAUSED" not in rows[0][1] and "S-DONE" not in rows[0][1]
    # A restart the same day does not repeat it; the next working morning runs again.
    await app.close()
    restarted = App(Settings(database_path=tmp_path / "s.db"), knowledge=knowledge)
    await restarted.open()
    try:
        assert await run_due(restarted.services, jobs, morning + timedelta(hours=1)) == []
        next_day = datetime.combine(calendar.next_working_day(morning.date()), time(8), tzinfo=VN_TZ)
        sunday = morning + timedelta(days=(6 - morning.weekday()) or 7)
        assert await run_due(restarted.services, jobs, sunday) == []  # no summary on a day off
        assert await run_due(restarted.services, jobs, next_day) == ["dossier_morning_summary"]
    finally:
        await restarted.close()
        await app.open()  # the fixture closes it again


async def test_quiet_morning_sends_nothing(app):
    assert await service.send_morning_summary(app.services, date(2026, 3, 3)) is False
    assert await app.db.fetch_all("SELECT * FROM outbox") == []


async def test_report_from_storage_equals_the_report_over_every_dossier(app):
    """The SQL pre-filter (open backlog + closed in period) must drop nothing the KPI would count."""
    rng = random.Random(4)
    dossiers = []
    for i in range(600):
        received = datetime(2025, 10, 1, 8) + timedelta(days=rng.randint(0, 240), hours=rng.randint(0, 8))
        status = rng.choice(list(S))
        appointment = None if rng.random() < 0.05 else (received + timedelta(days=rng.randint(0, 12))).date()
        closed = status.is_closed
        finished = received + timedelta(days=rng.randint(0, 20)) if closed and rng.random() < 0.9 else None
        changed = None if closed and finished is None and rng.random() < 0.5 else received + timedelta(days=1)
        dossiers.append(
            make(
                f"R-{i:04d}",
                field=rng.choice(["Hộ tịch", "Chứng thực", "Đất đai", ""]),
                received_at=received,
                appointment_date=appointment,
                status=status,
                status_changed_at=changed,
                finished_at=finished,
                waiting_days=rng.choice([0, 0, 0, 2]),
                supplement_requests=rng.choice([0, 0, 1, 2]),
            )
        )
    await service.upsert_dossiers(app.services, dossiers, batch_size=128)
    calendar = app.services.calendar
    for start, end in [
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 5, 1), date(2026, 5, 31)),
        (None, date(2026, 2, 1)),
    ]:
        expected = compute_report(dossiers, calendar, end, start)
        from_db = await service.timeliness_report(app.services, start, end)
        assert from_db == expected
        for use_index in (True, False):  # both equivalent queries, whichever the size picks
            rows = store.iter_kpi_rows(app.db.path, start, end, use_index=use_index)
            assert compute_report(rows, calendar, end, start) == expected
    assert from_db.overall.received > 0


async def test_lookup_card_computes_a_missing_appointment_from_the_knowledge_base(tmp_path):
    knowledge = KnowledgeService.load(FIXTURES / "kb_small")
    app = App(Settings(database_path=tmp_path / "k.db"), knowledge=knowledge)
    await app.open()
    try:
        stored = make(
            "K-1", procedure_code="9.000123", received_at=datetime(2026, 2, 13, 10), appointment_date=None
        )
        await service.upsert_dossiers(app.services, [stored])
        loaded = await store.get(app.db, "K-1")
        assert loaded is not None and loaded.appointment_date is None
        card = service.citizen_card(app.services, loaded, date(2026, 2, 23))
        staff = await service.staff_card(app.services, loaded, date(2026, 2, 23))
    finally:
        await app.close()
    assert "Ngày hẹn trả kết quả: 25/02/2026" in card  # 3 working days after Tết 2026
    assert "Còn 2 ngày làm việc" in card
    assert "Hẹn trả: 25/02/2026 (tính theo thời hạn của thủ tục)" in staff


async def test_status_change_bookkeeping_and_same_status(app):
    services = app.services
    await service.upsert_dossiers(services, [make("B-1", status_changed_at=datetime(2026, 3, 2, 9))])
    first = await service.change_status(
        services, "B-1", S.YEU_CAU_BO_SUNG, "Thiếu giấy", "7", datetime(2026, 3, 3, 9)
    )
    back = await service.change_status(services, "B-1", S.DANG_XU_LY, "", "7", datetime(2026, 3, 6, 9))
    same = await service.change_status(services, "B-1", S.DANG_XU_LY, "", "7", datetime(2026, 3, 6, 10))
    missing = await service.change_status(services, "B-404", S.DANG_XU_LY)
    stored = await store.get(app.db, "B-1")
    assert first is not None and first.changed and back is not None and back.changed
    assert same is not None and not same.changed and missing is None
    assert stored is not None
    assert (stored.supplement_requests, stored.waiting_days) == (1, 3)  # 4, 5, 6 March were waited
    assert stored.missing_documents == "Thiếu giấy"
    history = await store.history(app.db, "B-1")
    assert [(h.old_status, h.new_status) for h in history] == [
        (S.DANG_XU_LY, S.YEU_CAU_BO_SUNG),
        (S.YEU_CAU_BO_SUNG, S.DANG_XU_LY),
    ]


async def test_demo_seed_only_into_an_empty_database(app, tmp_path, knowledge):
    created = await demo.seed_demo_if_empty(app.services)
    again = await demo.seed_demo_if_empty(app.services)
    codes = await store.codes_with_prefix(app.db, demo.DEMO_PREFIX)
    statuses = {(await store.get(app.db, c)).status for c in codes}
    lookup = await service.check_lookup(app.services, "console", "c", codes[0], demo.DEMO_CHECK_DIGITS)
    assert created == 5 and again == 0 and len(codes) == 5
    assert {S.YEU_CAU_BO_SUNG, S.YEU_CAU_NGHIA_VU_TAI_CHINH, S.DA_XU_LY_XONG, S.DANG_XU_LY} <= statuses
    assert lookup.kind == "ok" and "Demo" in lookup.dossier.applicant_name
    other = App(Settings(database_path=tmp_path / "real.db"), knowledge=knowledge)
    await other.open()
    try:
        await service.upsert_dossiers(other.services, [make("REAL-0001")])
        assert await demo.seed_demo_if_empty(other.services) == 0  # never mixed into real data
    finally:
        await other.close()


def test_with_status_round_trip_through_storage_keeps_every_field():
    original = make(
        "T-1",
        status=S.DA_XU_LY_XONG,
        status_changed_at=datetime(2026, 3, 4, 10, 30, 15),
        finished_at=datetime(2026, 3, 4, 10, 30, 15),
        missing_documents="x",
        fee_due=1000,
        result_location="Quầy 1",
        waiting_days=2,
        supplement_requests=1,
        note="ghi chú",
    )
    assert store.row_to_dossier(store.dossier_params(original)) == original
    assert (
        store.row_to_dossier(store.dossier_params(replace(original, phone=None, appointment_date=None))).phone
        is None
    )
