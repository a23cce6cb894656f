"""A dossier looked up and followed on Zalo; the official's update in the Telegram group arrives on Zalo."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date, datetime, time

import pytest
from both_channels import both_channels, both_settings, number_of
from conftest import OFFICIAL, STAFF_CHAT
from fake_telegram import FakeTelegram
from fake_zalo import FakeZalo, fake_zalo_server, running_zalo_bot, zalo_settings

from bot.app import App
from bot.services.dossier_model import Dossier, DossierStatus
from bot.services.dossiers import upsert_dossiers
from bot.texts import common as common_texts
from bot.texts import dossiers as texts

CITIZEN = "3e4f5a6b7c8d9e0f"
CODE = "H12.01-261120-0042"
PHONE = "0912345678"
RIGHT = "5678"


@pytest.fixture
async def fake_zalo():
    async with fake_zalo_server() as fake:
        yield fake


async def _seed(app: App) -> None:
    received = datetime.combine(date.today(), time(9, 0))
    dossier = Dossier(
        code=CODE,
        procedure_code="1.001193",
        procedure_name="Đăng ký khai sinh",
        field="Hộ tịch",
        applicant_name="Phạm Văn Dũng",
        phone=PHONE,
        received_at=received,
        appointment_date=app.services.calendar.add_working_days(received, 3),
        status=DossierStatus.DANG_XU_LY,
    )
    await upsert_dossiers(app.services, [dossier])




async def _say(fake: FakeZalo, text: str) -> str:
    before = len(fake.to_chat(CITIZEN))
    fake.text(CITIZEN, text)
    await fake.wait_for_messages(CITIZEN, before + 1)
    return "\n".join(fake.texts_to(CITIZEN)[before:])


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
async def test_dossier_looked_up_on_zalo_through_the_numbered_menu(
    tmp_path, fake_zalo: FakeZalo, knowledge, webhook
):
    async with running_zalo_bot(zalo_settings(tmp_path, fake_zalo), knowledge, webhook=webhook) as bot:
        await _seed(bot.app)
        menu = await _say(fake_zalo, "/start")
        asked = await _say(fake_zalo, number_of(menu, common_texts.MENU_DOSSIER))
        digits = await _say(fake_zalo, CODE.lower())
        answer = await _say(fake_zalo, RIGHT)  # four digits: the check value, not a menu choice
    assert asked.startswith(texts.ASK_CODE)
    assert digits.startswith(texts.ASK_DIGITS.format(code=CODE))
    assert "Đăng ký khai sinh" in answer and "Tình trạng: Đang xử lý" in answer
    assert PHONE not in answer and "Phạm Văn Dũng" not in answer
    assert f"1. {texts.BTN_FOLLOW}" in answer


async def test_followed_on_zalo_and_the_officials_update_in_telegram_arrives_on_zalo_once(
    tmp_path, fake_tg: FakeTelegram, fake_zalo: FakeZalo, knowledge
):
    settings = both_settings(tmp_path, fake_tg, fake_zalo)
    async with both_channels(settings, knowledge) as app:
        await _seed(app)
        await _say(fake_zalo, f"/tracuu {CODE}")
        answer = await _say(fake_zalo, RIGHT)
        followed = await _say(fake_zalo, number_of(answer, texts.BTN_FOLLOW))
        update_id = fake_tg.message(
            OFFICIAL, f"/capnhat {CODE} da xu ly xong Mời anh đến nhận", chat_id=STAFF_CHAT
        )
        [confirmed] = await fake_tg.wait_for_messages(STAFF_CHAT, 1)
        await fake_zalo.wait_for(
            lambda: any(t.startswith(f"🔔 Hồ sơ {CODE}") for t in fake_zalo.texts_to(CITIZEN))
        )
        fake_tg.redeliver(update_id)  # Telegram delivers the same /capnhat again
        fake_tg.message(OFFICIAL, "/outbox", chat_id=STAFF_CHAT)
        await fake_tg.wait_for_messages(STAFF_CHAT, 2)
        await asyncio.sleep(0.3)
        notification = next(t for t in fake_zalo.texts_to(CITIZEN) if t.startswith("🔔 Hồ sơ"))
        # The notification's choices work on Zalo too: the digit for "Bỏ theo dõi" unfollows.
        unfollowed = await _say(fake_zalo, number_of(notification, texts.BTN_UNFOLLOW))
    assert followed.startswith(texts.FOLLOW_OK.format(code=CODE))
    assert confirmed.text.startswith(f"✅ Đã cập nhật hồ sơ {CODE}")
    assert "Tình trạng mới: Đã xử lý xong" in notification and "Mời anh đến nhận" in notification
    assert sum(t.startswith("🔔 Hồ sơ") for t in fake_zalo.texts_to(CITIZEN)) == 1
    assert unfollowed.startswith(texts.UNFOLLOW_OK.format(code=CODE))
    with sqlite3.connect(settings.database_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM dossier_followers").fetchone()[0] == 0
