"""Feedback rules on a real SQLite file, without a channel: codes, limits, statuses, reminders, export."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest

from bot.config import Settings
from bot.core import Attachment, Reply
from bot.services import feedback as fb
from bot.services.feedback import FeedbackService, Official, WorkingHours, working_seconds
from bot.services.workdays import WorkCalendar
from bot.storage import feedback as store
from bot.storage import staff_topics
from bot.storage.db import Database
from bot.texts import feedback as texts

STAFF = ("console", "staff")
MONDAY = dt.datetime(2026, 3, 9, 9, 0)  # a working Monday
CAL = WorkCalendar()


@dataclass
class Env:
    settings: Settings
    db: Database
    svc: FeedbackService


async def _env(tmp_path, **overrides) -> Env:
    settings = Settings(database_path=tmp_path / "fb.db", **overrides)
    db = Database(settings.database_path)
    await db.open()
    return Env(settings, db, FeedbackService(settings, db, STAFF, calendar=CAL))


@pytest.fixture
async def env(tmp_path):
    e = await _env(tmp_path, feedback_per_day=3, feedback_reminder_hours=8)
    yield e
    await e.db.close()


def new(user: str = "u1", body: str = "Đèn đường hỏng", **extra) -> store.NewReport:
    fields = {"kind": "report", "channel": "console", "user_id": user, "chat_id": user, "category": "Khác"}
    fields.update(extra)
    return store.NewReport(body=body, **fields)


async def outbox(db: Database, chat: str) -> list[tuple[Reply, str | None, str | None, str | None]]:
    async with db.reading() as conn:
        cur = await conn.execute(
            "SELECT payload, ref, thread_id, topic_key FROM outbox WHERE chat_id = ? ORDER BY id", (chat,)
        )
        return [(Reply.from_json(r[0]), r[1], r[2], r[3]) for r in await cur.fetchall()]


# --- codes ---


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("PA-2026-000123", "PA-2026-000123"),
        ("pa 2026 123", "PA-2026-000123"),
        ("PA2026000123", "PA-2026-000123"),
        ("mã của tôi là pa-2026-7, xem giúp", "PA-2026-000007"),
        ("PA-26-1", None),
        ("SPA-2026-000001", None),
        ("", None),
    ],
)
def test_codes_are_found_however_typed(typed, code):
    assert fb.find_code(typed) == code


def test_split_code_keeps_the_words_after_it():
    assert fb.split_code("PA-2026-000001: Xã đã cử người") == ("PA-2026-000001", "Xã đã cử người")
    assert fb.split_code("không có mã") == (None, "không có mã")


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("Nguyễn Văn A, 0912 345 678", ("Nguyễn Văn A", "0912345678")),
        ("0912.345.678 - Trần Thị B", ("Trần Thị B", "0912345678")),
        ("Lê C +84 912 345 678", ("Lê C", "0912345678")),
        ("0912345678", None),  # a name is needed too
        ("Nguyễn Văn A", None),
        ("Nguyễn Văn A, 12345", None),
    ],
)
def test_contact_needs_a_name_and_a_vietnamese_phone(typed, parsed):
    assert fb.parse_contact(typed) == parsed


async def test_codes_follow_a_per_year_sequence(env):
    first = await env.svc.submit(new("a"), MONDAY)
    second = await env.svc.submit(new("b"), MONDAY)
    third = await env.svc.submit(new("c"), dt.datetime(2027, 1, 4, 8, 0))
    assert [first.code, second.code, third.code] == ["PA-2026-000001", "PA-2026-000002", "PA-2027-000001"]


async def test_a_rolled_back_report_leaves_no_gap_and_no_message(env):
    with pytest.raises(RuntimeError):
        async with env.db.transaction():
            await env.svc.submit(new("a"), MONDAY)
            raise RuntimeError("the handler failed after submitting")
    assert await outbox(env.db, "staff") == []
    again = await env.svc.submit(new("a"), MONDAY)
    assert again.code == "PA-2026-000001"


# --- limits and bad input ---


async def test_daily_limit_counts_per_user_and_survives_a_restart(tmp_path):
    e = await _env(tmp_path, feedback_per_day=2)
    for _ in range(2):
        await e.svc.submit(new("a"), MONDAY)
    with pytest.raises(fb.LimitReached):
        await e.svc.submit(new("a"), MONDAY.replace(hour=16))
    await e.svc.submit(new("b"), MONDAY)  # another citizen is not affected
    await e.db.close()

    again = await _env(tmp_path, feedback_per_day=2)
    try:
        assert await again.svc.reports_left_today("console", "a", MONDAY) == 0
        with pytest.raises(fb.LimitReached):
            await again.svc.submit(new("a"), MONDAY.replace(hour=17))
        tomorrow = MONDAY + dt.timedelta(days=1)
        assert await again.svc.reports_left_today("console", "a", tomorrow) == 2
        await again.svc.submit(new("a"), tomorrow)
    finally:
        await again.db.close()


async def test_empty_or_too_long_reports_change_nothing(env):
    with pytest.raises(fb.EmptyReport):
        await env.svc.submit(new(body="   "), MONDAY)
    with pytest.raises(fb.TooLong):
        await env.svc.submit(new(body="x" * (env.settings.feedback_max_length + 1)), MONDAY)
    assert await outbox(env.db, "staff") == [] and await env.svc.mine("console", "u1") == []


# --- the staff message ---


async def test_report_goes_to_the_group_with_contact_and_buttons_and_is_acknowledged(env):
    photo = Attachment("photo", file_id="console-photo-1", channel="console")
    report = await env.svc.submit(
        new(
            photos=(photo,),
            latitude=21.0285,
            longitude=105.8542,
            contact_name="Lê Văn C",
            contact_phone="0987654321",
        ),
        MONDAY,
    )
    [(card, ref, thread, _), (pin, pin_ref, _, _)] = await outbox(env.db, "staff")
    assert ref == pin_ref == f"feedback:{report.id}" and thread is None
    assert report.code in card.text and "Lê Văn C · 0987654321" in card.text and "Đèn đường hỏng" in card.text
    assert card.photos == (photo,)
    assert [b.payload for b in card.flat_buttons] == [f"fbst:{report.id}:{s}" for s in fb.STAFF_STATUSES]
    assert pin.location is not None and pin.location.latitude == 21.0285
    [(ack, ack_ref, _, _)] = await outbox(env.db, "u1")
    assert ack.text == texts.ACK.format(code=report.code) and ack_ref == f"feedback:{report.id}"
    assert "0987654321" not in ack.text


async def test_forum_topic_per_category_prefers_the_recreated_thread(tmp_path):
    e = await _env(tmp_path, feedback_topics={"Khác": "77"})
    try:
        await e.svc.submit(new("a"), MONDAY)
        await staff_topics.put(e.db, "Khác", "901")  # the outbox recreated a deleted topic
        await e.svc.submit(new("b"), MONDAY)
        await e.svc.submit(new("c", category="An ninh trật tự"), MONDAY)
        threads = [(thread, topic) for _, _, thread, topic in await outbox(e.db, "staff")]
        assert threads == [("77", "Khác"), ("901", "Khác"), (None, None)]
    finally:
        await e.db.close()


async def test_photos_from_another_platform_travel_only_as_urls(env):
    telegram_photo = Attachment("photo", file_id="AgACAg", channel="telegram")
    zalo_photo = Attachment("photo", url="https://example.invalid/p.jpg", channel="zalo")
    report = await env.svc.submit(new(photos=(telegram_photo, zalo_photo)), MONDAY)
    rows = await outbox(env.db, "staff")
    # Only the Zalo photo is usable: the report is one message, that photo captioned with the text
    # and carrying the status buttons.
    assert len(rows) == 1
    assert rows[0][0].photos == (zalo_photo,)
    assert report.code in rows[0][0].text and rows[0][0].flat_buttons


# --- statuses ---


async def test_reply_marks_in_progress_and_close_asks_for_a_rating(env):
    report = await env.svc.submit(new(), MONDAY)
    official = Official("5001", "Trần B")
    outcome = await env.svc.relay(report, official, "Đã cử người kiểm tra", reply_thread="12")
    assert outcome.new_status == "in_progress"
    report = await env.svc.get(report.id)
    assert report.status == "in_progress" and report.first_reply_at is not None
    citizen = [r for r, *_ in await outbox(env.db, "u1")]
    assert "Đã cử người kiểm tra" in citizen[-1].text and "Đang xử lý" in citizen[-1].text
    confirm = (await outbox(env.db, "staff"))[-1]
    assert confirm[0].text.startswith(texts.RELAYED.format(code=report.code)) and confirm[2] == "12"

    with pytest.raises(fb.SameStatus):
        await env.svc.change_status(report, "in_progress", official)
    with pytest.raises(fb.ReasonRequired):
        await env.svc.change_status(report, "rejected", official, "  ")
    with pytest.raises(fb.NotClosed):
        await env.svc.rate(report, 5)

    closed = await env.svc.change_status(report, "resolved", official, "Đã thay bóng")
    assert closed.status == "resolved" and closed.closed_at is not None
    notice = (await outbox(env.db, "u1"))[-1][0]
    assert "Đã thay bóng" in notice.text and texts.ASK_RATING in notice.text
    assert [b.payload for b in notice.flat_buttons] == [f"fb:rate:{report.id}:{i}" for i in range(1, 6)]
    assert await env.svc.rate(closed, 4) is True
    assert await env.svc.rate(closed, 1) is False  # the first rating stands
    assert (await env.svc.get(report.id)).rating == 4

    reopened = await env.svc.change_status(closed, "in_progress", official)
    assert reopened.closed_at is None and reopened.is_open
    assert (await outbox(env.db, "u1"))[-1][0].text == texts.REOPENED_NOTICE.format(code=report.code)
    kinds = [(e.kind, e.status) for e in await env.svc.history(report)]
    assert kinds == [
        ("created", None),
        ("status", "in_progress"),
        ("reply", None),
        ("status", "resolved"),
        ("rating", None),
        ("status", "in_progress"),
    ]


async def test_rejection_carries_its_reason_to_the_citizen(env):
    report = await env.svc.submit(new(), MONDAY)
    await env.svc.change_status(report, "rejected", Official("5001"), "Thuộc thẩm quyền Công an huyện")
    notice = (await outbox(env.db, "u1"))[-1][0]
    assert notice.text.startswith(texts.STATUS_NOTICE["rejected"].format(code=report.code))
    assert "Lý do: Thuộc thẩm quyền Công an huyện" in notice.text


async def test_additions_go_to_the_reports_thread_and_closed_reports_refuse_them(env):
    report = await env.svc.submit(new(), MONDAY)
    await env.svc.add_details(report, "Thêm: cột số 2 cũng hỏng")
    last = (await outbox(env.db, "staff"))[-1]
    assert (
        last[0].text.startswith(texts.ADDITION_CARD.format(code=report.code))
        and last[1] == f"feedback:{report.id}"
    )
    closed = await env.svc.change_status(report, "resolved", Official("5001"))
    with pytest.raises(fb.ReportClosed):
        await env.svc.add_details(closed, "thêm nữa")


# --- working hours and reminders ---


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (dt.datetime(2026, 3, 9, 9, 0), dt.datetime(2026, 3, 9, 10, 30), 1.5),
        (dt.datetime(2026, 3, 9, 11, 0), dt.datetime(2026, 3, 9, 13, 30), 1.0),  # lunch does not count
        (dt.datetime(2026, 3, 9, 18, 0), dt.datetime(2026, 3, 10, 7, 0), 0.0),  # night
        (dt.datetime(2026, 3, 13, 16, 0), dt.datetime(2026, 3, 16, 9, 0), 2.5),  # Friday → Monday
        (dt.datetime(2026, 3, 9, 7, 30), dt.datetime(2026, 3, 12, 7, 30), 24.0),  # three whole days
        (dt.datetime(2026, 3, 14, 9, 0), dt.datetime(2026, 3, 15, 17, 0), 0.0),  # weekend
    ],
)
def test_working_hours_between_two_moments(start, end, hours):
    assert working_seconds(CAL, WorkingHours(), start, end) / 3600 == pytest.approx(hours)


def test_holidays_do_not_count():
    calendar = WorkCalendar(extra_holidays={dt.date(2026, 3, 10): "Ngày nghỉ thử"})
    start, end = dt.datetime(2026, 3, 9, 16, 0), dt.datetime(2026, 3, 11, 8, 30)
    assert working_seconds(calendar, WorkingHours(), start, end) / 3600 == pytest.approx(2.0)


async def test_overdue_reports_are_reposted_once_per_period_of_working_hours(env):
    late = await env.svc.submit(new("a", body="Cống tắc"), MONDAY)  # 8 working hours end Tue 9:00
    answered = await env.svc.submit(new("b"), MONDAY)
    await env.svc.relay(answered, Official("5001"), "Đã nhận")
    closed = await env.svc.submit(new("c"), MONDAY)
    await env.svc.change_status(closed, "resolved", Official("5001"))

    assert await env.svc.post_overdue(dt.datetime(2026, 3, 9, 16, 59)) == []
    assert await env.svc.post_overdue(dt.datetime(2026, 3, 10, 9, 5)) == [late.code]
    assert await env.svc.post_overdue(dt.datetime(2026, 3, 10, 15, 0)) == []
    assert await env.svc.post_overdue(dt.datetime(2026, 3, 11, 9, 10)) == [late.code]  # 8 h after the first
    reposts = [r for r, *_ in await outbox(env.db, "staff") if "QUÁ HẠN" in r.text]
    assert len(reposts) == 2
    assert reposts[0].text.startswith(texts.CARD_OVERDUE.format(hours=8, code=late.code))
    assert "Cống tắc" in reposts[0].text and reposts[0].flat_buttons


async def test_daily_summary_groups_open_reports_by_age(env):
    assert await env.svc.summary_text(MONDAY) == texts.SUMMARY_EMPTY
    assert await env.svc.post_daily_summary(MONDAY) is False
    await env.svc.submit(new("a"), dt.datetime(2026, 3, 2, 9, 0))  # 5 working days before Monday 9th
    await env.svc.submit(new("b"), dt.datetime(2026, 2, 23, 9, 0))  # 10 working days
    await env.svc.submit(new("c"), dt.datetime(2026, 3, 9, 8, 0))  # today
    text = await env.svc.summary_text(dt.datetime(2026, 3, 9, 9, 0))
    assert texts.SUMMARY_BUCKETS.format(today=1, short=0, medium=1, long=1) in text
    lines = [line for line in text.splitlines() if line.startswith("• ")]
    assert lines[0].startswith("• PA-2026-000002") and "10 ngày làm việc · chưa trả lời" in lines[0]


# --- export ---


async def test_export_writes_the_register_between_two_dates(env):
    kept = await env.svc.submit(
        new("a", body='=HYPERLINK("x")', contact_name="Phạm D", contact_phone="0987654321"),
        dt.datetime(2026, 3, 9, 9, 0),
    )
    await env.svc.relay(kept, Official("5001"), "Đã xử lý xong")
    await env.svc.submit(new("b"), dt.datetime(2026, 3, 12, 9, 0))
    rows = await env.svc.export_rows(dt.date(2026, 3, 1), dt.date(2026, 3, 10))
    out = io.StringIO()
    assert FeedbackService.write_csv(rows, out) == 1
    lines = out.getvalue().splitlines()
    assert lines[0].split(",")[:3] == ["Mã", "Loại", "Ngày gửi"]
    assert lines[1].startswith(f"{kept.code},Phản ánh,2026-03-09 09:00,Khác,\"'=HYPERLINK")
    assert "Phạm D,0987654321" in lines[1] and ",1,Đã xử lý xong," in lines[1]
    private = io.StringIO()
    FeedbackService.write_csv(rows, private, with_contact=False)
    assert "0987654321" not in private.getvalue() and "Phạm D" not in private.getvalue()


def test_export_command_writes_a_csv_file(tmp_path, monkeypatch):
    import asyncio

    from bot.__main__ import main

    async def seed() -> None:
        e = await _env(tmp_path)
        await e.svc.submit(new("a", body="Ổ gà trên đường liên thôn"), dt.datetime(2026, 3, 9, 9, 0))
        await e.db.close()

    asyncio.run(seed())
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_PATH", raising=False)
    out = tmp_path / "so-theo-doi.csv"
    argv = ["feedback", "export", "--from", "2026-03-01", "--to", "2026-03-31", "--out", str(out)]
    assert main([*argv, "--db", str(tmp_path / "fb.db")]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to show the diacritics
    assert "Ổ gà trên đường liên thôn" in raw.decode("utf-8-sig")
    assert main(["feedback", "export", "--from", "2026-03-31", "--to", "2026-03-01"]) == 2
    assert main(["feedback", "export", "--from", "31/03/2026", "--to", "2026-03-01"]) == 2


async def test_jobs_run_in_office_hours_and_the_summary_once_a_working_day(env):
    import handlers.feedback
    from bot.services.jobs import run_due
    from bot.services.registry import Services

    services = Services(env.settings, env.db, STAFF, feedback=env.svc)
    overdue, summary = handlers.feedback.jobs()
    assert overdue.period(services, dt.datetime(2026, 3, 9, 9, 5)) == "2026-03-09T09:0"
    assert overdue.period(services, dt.datetime(2026, 3, 9, 12, 0)) is None  # lunch
    assert overdue.period(services, dt.datetime(2026, 3, 9, 20, 0)) is None  # night
    assert overdue.period(services, dt.datetime(2026, 3, 14, 9, 0)) is None  # Saturday
    assert summary.period(services, dt.datetime(2026, 3, 9, 6, 59)) is None
    assert summary.period(services, dt.datetime(2026, 3, 9, 7, 0)) == "2026-03-09"
    assert summary.period(services, dt.datetime(2026, 3, 14, 8, 0)) is None

    await env.svc.submit(new(), MONDAY)
    monday_morning = dt.datetime(2026, 3, 9, 7, 30)
    assert await run_due(services, [summary], monday_morning) == ["feedback_daily_summary"]
    assert await run_due(services, [summary], monday_morning.replace(hour=15)) == []  # once a day
    posted = [r for r, *_ in await outbox(env.db, "staff") if r.text.startswith("📊")]
    assert len(posted) == 1


async def test_overdue_reposts_are_capped_per_run_oldest_first(tmp_path):
    e = await _env(tmp_path, feedback_per_day=100)
    try:
        codes = [(await e.svc.submit(new(f"u{i}"), MONDAY + dt.timedelta(minutes=i))).code for i in range(7)]
        wednesday = dt.datetime(2026, 3, 11, 10, 0)
        assert await e.svc.post_overdue(wednesday) == codes[: fb.OVERDUE_PER_RUN]
        assert await e.svc.post_overdue(wednesday.replace(minute=10)) == codes[fb.OVERDUE_PER_RUN :]
    finally:
        await e.db.close()
