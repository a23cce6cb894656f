"""Dossier lookup, follow-up notifications and staff commands, end to end through a real PTB
Application, the fake Bot API server and a real SQLite file."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from datetime import date, datetime, time

from conftest import CITIZEN, OFFICIAL, STAFF_CHAT, running_bot, telegram_settings

from bot.app import App
from bot.services.dossier_model import Dossier, DossierStatus
from bot.services.dossiers import follow, upsert_dossiers, vn_today
from bot.storage import outbox as outbox_store
from bot.texts import common as common_texts
from bot.texts import dossiers as texts

CODE = "H12.01-261120-0007"
OTHER_CODE = "H12.01-261120-0008"
PHONE = "0987654321"  # check digits 4321
RIGHT = "4321"


def dossier(code: str = CODE, **changes: object) -> Dossier:
    base = {
        "code": code,
        "procedure_code": "1.004873",
        "procedure_name": "Cấp Giấy xác nhận tình trạng hôn nhân",
        "field": "Hộ tịch",
        "applicant_name": "Nguyễn Thị Hoa",
        "phone": PHONE,
        "received_at": datetime.combine(vn_today(), time(9, 0)),
        "appointment_date": None,
        "status": DossierStatus.DANG_XU_LY,
    }
    base.update(changes)
    return Dossier(**base)  # type: ignore[arg-type]


async def seed(app: App, *dossiers: Dossier) -> None:
    calendar = app.services.calendar
    ready = []
    for d in dossiers or (dossier(),):
        if d.appointment_date is None:
            d = replace(d, appointment_date=calendar.add_working_days(d.received_at, 3))
        ready.append(d)
    await upsert_dossiers(app.services, ready)


class Chat:
    """One person talking to the bot; every step waits for the bot's answer."""

    def __init__(self, fake_tg, user: int, chat: int | None = None) -> None:
        self.fake = fake_tg
        self.user = user
        self.chat = chat if chat is not None else user

    async def _wait_next(self, before: int):
        sent = await self.fake.wait_for_messages(self.chat, before + 1)
        return sent[before]

    async def say(self, text: str):
        before = len(self.fake.to_chat(self.chat))
        update_id = self.fake.message(self.user, text, chat_id=self.chat)
        answer = await self._wait_next(before)
        answer.update_id = update_id
        return answer

    async def press(self, payload: str):
        before = len(self.fake.to_chat(self.chat))
        self.fake.press(self.user, payload, chat_id=self.chat)
        return await self._wait_next(before)


async def test_lookup_end_to_end_answers_everything_the_citizen_needs(tmp_path, fake_tg, knowledge):
    async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge) as app:
        await seed(app)
        appointment = app.services.calendar.add_working_days(datetime.combine(vn_today(), time(9)), 3)
        left = app.services.calendar.working_days_between(vn_today(), appointment)
        citizen = Chat(fake_tg, CITIZEN)
        asked = await citizen.press("dossier:start")
        digits = await citizen.say(CODE.lower())
        answer = await citizen.say(RIGHT)
    assert asked.text == texts.ASK_CODE
    assert texts.ASK_DIGITS.format(code=CODE) == digits.text
    assert "Cấp Giấy xác nhận tình trạng hôn nhân" in answer.text
    assert f"Ngày tiếp nhận: {vn_today():%d/%m/%Y}" in answer.text
    assert f"Ngày hẹn trả kết quả: {appointment:%d/%m/%Y}" in answer.text
    assert "Tình trạng: Đang xử lý" in answer.text
    assert f"Còn {left} ngày làm việc" in answer.text
    assert "N. T. Hoa" in answer.text and "Nguyễn Thị Hoa" not in answer.text  # masked for the citizen
    assert PHONE not in answer.text
    assert answer.button_payloads[0] == "dossier:follow"  # carries no code: nothing to forge


async def test_wrong_code_and_wrong_digits_get_the_same_answer(tmp_path, fake_tg, knowledge):
    async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge) as app:
        await seed(app)
        citizen = Chat(fake_tg, CITIZEN)
        await citizen.say("/tracuu H12.01-999999-9999")
        unknown_code = await citizen.say(RIGHT)
        await citizen.say(f"/tracuu {CODE}")
        wrong_digits = await citizen.say("1234")
        await citizen.say(f"/tracuu {CODE}")
        other_wrong = await citizen.say("0000")
    assert unknown_code.text == wrong_digits.text == other_wrong.text == texts.NOT_FOUND
    assert unknown_code.button_payloads == wrong_digits.button_payloads
    assert {"dossier:start", "menu:contact", "menu:main"} <= set(wrong_digits.button_payloads)


async def test_sixth_attempt_within_the_hour_must_wait_even_with_the_right_digits(
    tmp_path, fake_tg, knowledge
):
    async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge) as app:
        await seed(app)
        citizen = Chat(fake_tg, CITIZEN)
        failures = []
        for attempt in range(5):
            await citizen.say(f"/tracuu {CODE if attempt % 2 else 'KHONG-CO-1234'}")
            failures.append(await citizen.say("9999"))
        await citizen.say(f"/tracuu {CODE}")
        limited = await citizen.say(RIGHT)
        other = Chat(fake_tg, CITIZEN + 1)  # the limit is per person
        await other.say(f"/tracuu {CODE}")
        fine = await other.say(RIGHT)
    assert all(f.text == texts.NOT_FOUND for f in failures)
    assert limited.text.startswith("Anh/Chị đã nhập sai 5 lần trong một giờ")
    assert "Nguyễn" not in limited.text and "Đang xử lý" not in limited.text
    assert "menu:contact" in limited.button_payloads
    assert "Tình trạng: Đang xử lý" in fine.text


async def test_free_text_with_a_code_goes_straight_to_the_check(tmp_path, fake_tg, knowledge):
    async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge) as app:
        await seed(app)
        citizen = Chat(fake_tg, CITIZEN)
        asked = await citizen.say(f"cho tôi hỏi hồ sơ {CODE} của tôi xong chưa ạ")
        not_digits = await citizen.say("không nhớ")
        answer = await citizen.say("0987 654 321")  # the whole number works too
    assert asked.text == texts.ASK_DIGITS.format(code=CODE)
    assert not_digits.text == texts.DIGITS_NOT_VALID and "menu:main" in not_digits.button_payloads
    assert "Tình trạng: Đang xử lý" in answer.text


async def test_status_change_reaches_the_follower_exactly_once(tmp_path, fake_tg, knowledge):
    async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge) as app:
        await seed(app, dossier(result_location="Quầy số 3"))
        # Someone following the same dossier from the console gets it on the console.
        await follow(app.services, CODE, "console", "console-citizen", "citizen")
        citizen = Chat(fake_tg, CITIZEN)
        await citizen.say(f"/tracuu {CODE}")
        await citizen.say(RIGHT)
        followed = await citizen.press("dossier:follow")
        official = Chat(fake_tg, OFFICIAL, STAFF_CHAT)
        confirmed = await official.say(f"/capnhat {CODE} da xu ly xong Mời chị đến nhận")
        [notification] = (await fake_tg.wait_for_messages(CITIZEN, 4))[3:]
        fake_tg.redeliver(confirmed.update_id)  # Telegram delivers the same /capnhat again
        await official.say("/outbox")  # processed after the redelivery: updates are handled in order
        await asyncio.sleep(0.3)
        console_rows = await app.db.fetch_all("SELECT payload FROM outbox WHERE channel = 'console'")
    assert followed.text == texts.FOLLOW_OK.format(code=CODE)
    assert confirmed.text.startswith(f"✅ Đã cập nhật hồ sơ {CODE}: Đang xử lý → Đã xử lý xong.")
    assert "2 người" in confirmed.text
    assert notification.text.startswith(f"🔔 Hồ sơ {CODE}")
    assert "Tình trạng mới: Đã xử lý xong" in notification.text
    assert "Quầy số 3" in notification.text and "Giờ làm việc" in notification.text  # where and when
    assert "Mời chị đến nhận" in notification.text
    assert notification.button_payloads[0].startswith("dossier:unfollow:")
    notifications = [t for t in fake_tg.texts_to(CITIZEN) if t.startswith("🔔 Hồ sơ")]
    assert len(notifications) == 1
    assert sum(t.startswith("✅ Đã cập nhật") for t in fake_tg.texts_to(STAFF_CHAT)) == 1
    assert len(console_rows) == 1 and "Đã xử lý xong" in console_rows[0][0]
    with sqlite3.connect(tmp_path / "bot.db") as conn:
        history = conn.execute(
            "SELECT old_status, new_status, source, actor_id FROM dossier_status_history"
        ).fetchall()
    assert history == [(4, 9, "staff", str(OFFICIAL))]


async def test_unfollow_and_forged_payloads_change_nothing(tmp_path, fake_tg, knowledge):
    async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge) as app:
        await seed(app, dossier(), dossier(OTHER_CODE, phone="0911111111"))
        mallory = Chat(fake_tg, CITIZEN + 7)
        forged_follow = await mallory.press("dossier:follow")
        forged_follow_code = await mallory.press(f"dossier:follow:{OTHER_CODE}")
        citizen = Chat(fake_tg, CITIZEN)
        await citizen.say(f"/tracuu {CODE}")
        await citizen.say(RIGHT)
        followed = await citizen.press("dossier:follow")
        unfollow_payload = followed.button_payloads[0]
        stolen = await mallory.press(unfollow_payload)  # someone else's subscription id
        junk = await mallory.press("dossier:unfollow:'; DROP TABLE dossiers; --")
        rows_before = await app.db.fetch_all("SELECT code, user_id FROM dossier_followers")
        dropped = await citizen.press(unfollow_payload)
        again = await citizen.press(unfollow_payload)
        rows_after = await app.db.fetch_all("SELECT code FROM dossier_followers")
    assert forged_follow.text == texts.FOLLOW_EXPIRED
    assert forged_follow_code.text == texts.BUTTON_GONE
    assert [tuple(r) for r in rows_before] == [(CODE, str(CITIZEN))]
    assert stolen.text == junk.text == again.text == texts.UNFOLLOW_NONE
    assert dropped.text == texts.UNFOLLOW_OK.format(code=CODE)
    assert rows_after == []


async def test_conversation_survives_a_restart_between_code_and_digits(tmp_path, fake_tg, knowledge):
    settings = telegram_settings(tmp_path, fake_tg)
    async with running_bot(settings, knowledge) as app:
        await seed(app)
        citizen = Chat(fake_tg, CITIZEN)
        await citizen.press("dossier:start")
        asked = await citizen.say(CODE)
    assert asked.text == texts.ASK_DIGITS.format(code=CODE)
    async with running_bot(settings, knowledge):  # a new App and PTB Application on the same file
        answer = await Chat(fake_tg, CITIZEN).say(RIGHT)
    assert "Tình trạng: Đang xử lý" in answer.text


async def test_staff_commands_in_the_group(tmp_path, fake_tg, knowledge):
    async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge) as app:
        await seed(
            app,
            dossier(),
            dossier(
                OTHER_CODE,
                status=DossierStatus.DA_XU_LY_XONG,
                received_at=datetime(2026, 1, 5, 9),
                appointment_date=date(2026, 1, 8),
                finished_at=datetime(2026, 1, 7, 10),
            ),
        )
        official = Chat(fake_tg, OFFICIAL, STAFF_CHAT)
        card = await official.say(f"/hoso {CODE.lower()}")
        missing = await official.say("/hoso KHONG-CO-0001")
        usage = await official.say(f"/capnhat {CODE}")
        bad_status = await official.say(f"/capnhat {CODE} 11 xong rồi")
        supplement = await official.say(f"/capnhat {CODE} 5 Thiếu bản sao CCCD")
        same = await official.say(f"/capnhat {CODE} yeu cau bo sung giay to")
        fee = await official.say(f"/capnhat {CODE} 6 150.000 lệ phí")
        report = await official.say("/baocao 01/01/2026 31/01/2026")
        chart = (await fake_tg.wait_for_messages(STAFF_CHAT, 9))[8]
        bad_report = await official.say("/baocao hôm qua")
        citizen = Chat(fake_tg, CITIZEN)
        refused = await citizen.say(f"/hoso {CODE}")
        stored = await app.db.fetch_one(
            "SELECT status, missing_documents, fee_due, supplement_requests FROM dossiers WHERE code = ?",
            (CODE,),
        )
        assert await app.worker.drain(5)
        counts = await outbox_store.counts_by_status(app.db)
    assert card.text.startswith(f"📁 Hồ sơ {CODE}") and "Người nộp: Nguyễn Thị Hoa" in card.text
    assert PHONE not in card.text and "098****321" in card.text
    assert missing.text == texts.STAFF_NOT_FOUND.format(code="KHONG-CO-0001")
    assert usage.text.startswith("Cách dùng: /capnhat") and bad_status.text == usage.text
    assert supplement.text.startswith(f"✅ Đã cập nhật hồ sơ {CODE}: Đang xử lý → Yêu cầu bổ sung giấy tờ.")
    assert same.text == texts.STATUS_SAME.format(code=CODE, label="Yêu cầu bổ sung giấy tờ")
    assert "Yêu cầu thực hiện nghĩa vụ tài chính" in fee.text
    assert tuple(stored) == (6, "Thiếu bản sao CCCD", 150000, 1)
    assert report.text.startswith("BÁO CÁO TIẾN ĐỘ GIẢI QUYẾT HỒ SƠ")
    assert "Kỳ báo cáo: 01/01/2026 – 31/01/2026" in report.text and "Trước hạn: 1 (100,0%)" in report.text
    assert chart.method == "sendPhoto" and chart.text.startswith("📊 Biểu đồ")
    assert bad_report.text == texts.REPORT_USAGE
    assert refused.text == common_texts.STAFF_ONLY
    assert set(counts) == {"sent"}
