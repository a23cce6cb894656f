"""Feedback end to end: a real PTB Application against the fake Bot API, a real SQLite file."""

from __future__ import annotations

import asyncio
import random
import re
import sqlite3
import time

from conftest import CITIZEN, OFFICIAL, STAFF_CHAT, running_bot, telegram_settings
from fake_telegram import FakeTelegram, Fault

from bot.texts import common as common_texts
from bot.texts import feedback as texts

CODE = re.compile(r"PA-\d{4}-\d{6}")
OTHER_CITIZEN = 9002


def _rows(db_path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


async def _wait_text(fake: FakeTelegram, chat: int, needle: str, count: int = 1, timeout: float = 10.0):
    await fake.wait_for(lambda: sum(needle in t for t in fake.texts_to(chat)) >= count, timeout)
    return [s for s in fake.to_chat(chat) if needle in s.text]


def _file_report(fake: FakeTelegram, user: int, text: str, category: int = 1) -> list[int]:
    """The shortest path: category, one text, no photo, contact skipped, send. Returns the update ids."""
    return [
        fake.press(user, "fb:new"),
        fake.press(user, f"fb:cat:{category}"),
        fake.message(user, text),
        fake.press(user, "fb:next"),
        fake.press(user, "fb:skip"),
        fake.press(user, "fb:send"),
    ]


async def test_full_loop_report_reply_close_rate(tmp_path, fake_tg, knowledge):
    settings = telegram_settings(tmp_path, fake_tg)
    async with running_bot(settings, knowledge):
        fake_tg.press(CITIZEN, "fb:new")
        fake_tg.press(CITIZEN, "fb:cat:0")
        fake_tg.message(CITIZEN, "Đèn đường trước nhà số 5 thôn Đông hỏng một tuần nay", photo=True)
        fake_tg.message(CITIZEN, location=(21.0285, 105.8542))
        fake_tg.press(CITIZEN, "fb:next")
        fake_tg.message(CITIZEN, "Nguyễn Văn An, 0987 654 321")
        fake_tg.press(CITIZEN, "fb:send")

        card, pin = await fake_tg.wait_for_messages(STAFF_CHAT, 2)
        [ack] = await _wait_text(fake_tg, CITIZEN, "Đã tiếp nhận")
        code = CODE.search(ack.text).group()
        # One message with code, category, text, photo, contact and status buttons; the pin follows it.
        assert card.method == "sendPhoto" and card.params["photo"].startswith("photo-")
        for needle in (
            code,
            "Đường sá, điện chiếu sáng",
            "thôn Đông",
            "Nguyễn Văn An",
            "0987654321",
            "21.02850",
        ):
            assert needle in card.text
        report_id = int(card.button_payloads[0].split(":")[1])
        assert card.button_payloads == [
            f"fbst:{report_id}:{s}" for s in ("in_progress", "resolved", "rejected")
        ]
        assert pin.method == "sendLocation" and float(pin.params["latitude"]) == 21.0285
        # The contact is echoed once, on her own confirmation screen, and nowhere else on her side.
        [echo] = [t for t in fake_tg.texts_to(CITIZEN) if "0987654321" in t]
        assert echo.startswith(texts.CONFIRM_HEADER)

        # An official answers by replying to the report's message in the group.
        fake_tg.message(
            OFFICIAL, "Xã đã cử người kiểm tra, chiều nay thay bóng.", STAFF_CHAT, reply_to=card.message_id
        )
        [relay] = await _wait_text(fake_tg, CITIZEN, "Cán bộ xã trả lời")
        assert "chiều nay thay bóng" in relay.text and code in relay.text and "Đang xử lý" in relay.text
        [confirm] = await _wait_text(fake_tg, STAFF_CHAT, "Đã chuyển trả lời")
        assert code in confirm.text

        # A reply to the confirmation also reaches the citizen: every message of the report is mapped.
        fake_tg.message(OFFICIAL, "Đã thay xong.", STAFF_CHAT, reply_to=confirm.message_id)
        await _wait_text(fake_tg, CITIZEN, "Đã thay xong.")

        # She adds a photo by replying to the acknowledgement.
        fake_tg.message(CITIZEN, "Thêm ảnh cột đèn", photo=True, reply_to=ack.message_id)
        [added] = await _wait_text(fake_tg, STAFF_CHAT, "BỔ SUNG")
        assert code in added.text and added.method == "sendPhoto"

        fake_tg.press(OFFICIAL, f"fbst:{report_id}:resolved", chat_id=STAFF_CHAT)
        [closed] = await _wait_text(fake_tg, CITIZEN, "đã được xử lý")
        assert closed.button_payloads == [f"fb:rate:{report_id}:{i}" for i in range(1, 6)]
        fake_tg.press(CITIZEN, f"fb:rate:{report_id}:5")
        await _wait_text(fake_tg, STAFF_CHAT, "công dân đánh giá 5/5")
        fake_tg.message(CITIZEN, "Cảm ơn cán bộ xã")
        await _wait_text(fake_tg, STAFF_CHAT, "Cảm ơn cán bộ xã")

    [(status, rating, comment, first_reply)] = _rows(
        settings.database_path,
        "SELECT status, rating, rating_comment, first_reply_at FROM feedback_reports WHERE id = ?",
        report_id,
    )
    assert (status, rating, comment) == ("resolved", 5, "Cảm ơn cán bộ xã") and first_reply
    kinds = [k for (k,) in _rows(settings.database_path, "SELECT kind FROM feedback_events ORDER BY id")]
    assert kinds == ["created", "status", "reply", "reply", "addition", "status", "rating", "comment"]


def _flaky(rate: float, seed: int = 11):
    rng = random.Random(seed)

    def fault(method: str, params: dict) -> Fault | None:
        if rng.random() >= rate:
            return None
        return rng.choice([Fault("429", retry_after=1), Fault("500"), Fault("slow", delay=0.5)])

    return fault


async def test_burst_of_100_reports_with_faults_and_restart_arrives_exactly_once(
    tmp_path, fake_tg, knowledge
):
    settings = telegram_settings(
        tmp_path,
        fake_tg,
        group_messages_per_window=50,
        group_window_seconds=1.0,
        send_timeout_seconds=0.3,
    )
    citizens = list(range(20001, 20051))
    fake_tg.fault = _flaky(0.30)
    started = time.monotonic()
    burst = [(user, round_) for round_ in range(2) for user in citizens]
    db = settings.database_path
    first_updates: list[int] = []
    async with running_bot(settings, knowledge):
        for user, round_ in burst[:60]:
            first_updates += _file_report(fake_tg, user, f"Rác thải ùn ứ ở ngõ {user}, lần {round_ + 1}")
        deadline = time.monotonic() + 30
        while _rows(db, "SELECT COUNT(*) FROM feedback_reports")[0][0] < 40:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
    # The App is down: its outbox still holds undelivered reports, and citizens keep writing.
    pending = _rows(
        db, "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND chat_id = ?", str(STAFF_CHAT)
    )
    assert pending[0][0] > 0, "the restart should interrupt delivery to the group"
    for user, round_ in burst[60:]:
        _file_report(fake_tg, user, f"Rác thải ùn ứ ở ngõ {user}, lần {round_ + 1}")
    async with running_bot(settings, knowledge) as app:
        # Telegram may deliver already-processed updates again after a restart.
        for update_id in first_updates[:60]:
            fake_tg.redeliver(update_id)
        await fake_tg.wait_for(
            lambda: sum("PHẢN ÁNH MỚI" in t for t in fake_tg.texts_to(STAFF_CHAT)) >= 100, timeout=50
        )
        await fake_tg.wait_for(
            lambda: sum("Đã tiếp nhận phản ánh" in t for u in citizens for t in fake_tg.texts_to(u)) >= 100,
            timeout=20,
        )
        assert await app.worker.drain(20)
        await asyncio.sleep(0.3)  # room for a duplicate to show up
    elapsed = time.monotonic() - started

    cards = [t for t in fake_tg.texts_to(STAFF_CHAT) if "PHẢN ÁNH MỚI" in t]
    codes = [CODE.search(t).group() for t in cards]
    assert len(cards) == 100 and len(set(codes)) == 100
    db_codes = {c for (c,) in _rows(db, "SELECT code FROM feedback_reports")}
    assert set(codes) == db_codes
    for user in citizens:
        acks = [t for t in fake_tg.texts_to(user) if "Đã tiếp nhận phản ánh" in t]
        assert len(acks) == 2, user
        assert len({CODE.search(t).group() for t in acks}) == 2
    assert [status for (status,) in _rows(db, "SELECT DISTINCT status FROM outbox")] == ["sent"]
    assert fake_tg.calls.count("sendMessage") > len(fake_tg.sent)  # faults really happened
    assert elapsed < 90


async def test_forged_status_button_and_other_citizens_report_change_nothing(tmp_path, fake_tg, knowledge):
    settings = telegram_settings(tmp_path, fake_tg)
    async with running_bot(settings, knowledge):
        _file_report(fake_tg, CITIZEN, "Bãi rác tự phát cạnh trường học")
        [ack] = await _wait_text(fake_tg, CITIZEN, "Đã tiếp nhận")
        code = CODE.search(ack.text).group()
        [card] = await fake_tg.wait_for_messages(STAFF_CHAT, 1)
        report_id = int(card.button_payloads[0].split(":")[1])

        intruder = OTHER_CITIZEN
        fake_tg.press(intruder, f"fbst:{report_id}:resolved")  # forged staff button in a private chat
        fake_tg.press(intruder, f"fbst:{report_id}:rejected")
        fake_tg.press(intruder, f"fb:view:{report_id}")
        fake_tg.message(intruder, f"/phananh {code}")
        fake_tg.message(intruder, f"/bosung {code} tôi cũng thấy")
        fake_tg.press(intruder, f"fb:add:{report_id}")
        fake_tg.press(intruder, f"fb:rate:{report_id}:1")
        fake_tg.press(intruder, "fb:mine")
        fake_tg.message(intruder, code)
        fake_tg.message(intruder, "nội dung chen vào", reply_to=ack.message_id)  # her message id, his chat
        fake_tg.message(intruder, "/start")
        await fake_tg.wait_for(lambda: any("Xin chào" in t for t in fake_tg.texts_to(intruder)))
        await asyncio.sleep(0.3)

    seen = fake_tg.texts_to(intruder)
    assert seen[:2] == [common_texts.STAFF_ONLY, common_texts.STAFF_ONLY]
    assert seen[2] == texts.NOT_FOUND_NO_CODE
    assert seen[3] == texts.NOT_FOUND.format(code=code)
    assert seen[4] == texts.NOT_FOUND.format(code=code)
    assert seen[5] == texts.NOT_FOUND_NO_CODE
    assert seen[6] == texts.NOT_FOUND_NO_CODE
    assert seen[7] == texts.MINE_EMPTY
    assert seen[8] == texts.NOT_FOUND.format(code=code)
    assert not any("Bãi rác tự phát" in t for t in seen)
    # Nothing reached the group or the author, and the report is untouched.
    assert len(fake_tg.to_chat(STAFF_CHAT)) == 1
    assert not any("chen vào" in t or "tôi cũng thấy" in t for t in fake_tg.texts_to(CITIZEN))
    [(status, rating)] = _rows(settings.database_path, "SELECT status, rating FROM feedback_reports")
    assert (status, rating) == ("received", None)
    kinds = [k for (k,) in _rows(settings.database_path, "SELECT kind FROM feedback_events")]
    assert kinds == ["created"]


async def test_category_topic_is_recreated_when_deleted_and_reused(tmp_path, fake_tg, knowledge):
    settings = telegram_settings(tmp_path, fake_tg, feedback_topics={"Vệ sinh môi trường": "555"})
    fake_tg.deleted_threads.add(555)
    async with running_bot(settings, knowledge):
        _file_report(fake_tg, CITIZEN, "Rác đổ trộm bên bờ mương", category=1)
        [card] = await fake_tg.wait_for_messages(STAFF_CHAT, 1)
        assert card.thread_id not in (None, 555) and fake_tg.topics[card.thread_id] == "Vệ sinh môi trường"
        _file_report(fake_tg, OTHER_CITIZEN, "Khói đốt rơm rạ", category=1)
        second = (await fake_tg.wait_for_messages(STAFF_CHAT, 2))[1]
        assert second.thread_id == card.thread_id and len(fake_tg.topics) == 1
        # Answering inside the topic keeps the confirmation there.
        fake_tg.message(
            OFFICIAL, "Đã giao tổ vệ sinh", STAFF_CHAT, reply_to=card.message_id, thread_id=card.thread_id
        )
        [confirm] = await _wait_text(fake_tg, STAFF_CHAT, "Đã chuyển trả lời")
        assert confirm.thread_id == card.thread_id
        await _wait_text(fake_tg, CITIZEN, "Đã giao tổ vệ sinh")
