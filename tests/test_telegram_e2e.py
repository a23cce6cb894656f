"""End to end through a real PTB Application and the fake Bot API server."""

from __future__ import annotations

import asyncio

from conftest import CITIZEN, STAFF_CHAT, running_bot, telegram_settings

from bot.texts import common as texts


async def test_start_shows_greeting_and_menu(tmp_path, fake_tg, knowledge):
    async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge):
        fake_tg.message(CITIZEN, "/start")
        [sent] = await fake_tg.wait_for_messages(CITIZEN, 1)
    assert "Xin chào Anh/Chị" in sent.text
    assert {"proc:fields", "dossier:start", "fb:new", "menu:contact"} <= set(sent.button_payloads)


async def test_button_press_reaches_the_right_handler(tmp_path, fake_tg, knowledge):
    async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge):
        fake_tg.press(CITIZEN, "menu:contact")
        [contact] = await fake_tg.wait_for_messages(CITIZEN, 1)
        fake_tg.press(CITIZEN, "proc:fields")
        fields = (await fake_tg.wait_for_messages(CITIZEN, 2))[1]
    assert "Giờ làm việc" in contact.text
    assert fields.text.startswith("Anh/Chị chọn lĩnh vực")
    assert "Hộ tịch" in fields.button_labels
    assert fake_tg.calls.count("answerCallbackQuery") == 2


async def test_message_in_other_group_is_ignored(tmp_path, fake_tg, knowledge):
    other_group = -100777
    async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge):
        fake_tg.message(CITIZEN, "/start", chat_id=other_group)
        fake_tg.message(CITIZEN, "đăng ký khai sinh", chat_id=other_group)
        fake_tg.message(CITIZEN, "/lienhe")  # processed after the two above: updates are handled in order
        await fake_tg.wait_for_messages(CITIZEN, 1)
        await asyncio.sleep(0.2)
    assert fake_tg.to_chat(other_group) == []
    assert len(fake_tg.to_chat(CITIZEN)) == 1


async def test_staff_command_from_citizen_is_refused(tmp_path, fake_tg, knowledge):
    async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge):
        fake_tg.message(CITIZEN, "/reload")
        fake_tg.message(CITIZEN, "/chan 123")
        sent = await fake_tg.wait_for_messages(CITIZEN, 2)
    assert [s.text for s in sent] == [texts.STAFF_ONLY, texts.STAFF_ONLY]
    assert fake_tg.to_chat(STAFF_CHAT) == []


async def test_staff_command_in_staff_group_answers_there(tmp_path, fake_tg, knowledge):
    async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge):
        fake_tg.message(5001, "/outbox", chat_id=STAFF_CHAT)
        fake_tg.message(5001, "chào cả nhà, hôm nay ai trực?", chat_id=STAFF_CHAT)  # chatter: no answer
        fake_tg.message(5001, "/reload", chat_id=STAFF_CHAT)
        sent = await fake_tg.wait_for_messages(STAFF_CHAT, 2)
        await asyncio.sleep(0.2)
    assert sent[0].text.startswith("Hàng đợi tin nhắn")
    assert sent[1].text.startswith("Đã nạp lại cơ sở dữ liệu thủ tục")
    assert len(fake_tg.to_chat(STAFF_CHAT)) == 2


async def test_repeated_update_is_handled_once(tmp_path, fake_tg, knowledge):
    async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge):
        update_id = fake_tg.message(CITIZEN, "/start")
        await fake_tg.wait_for_messages(CITIZEN, 1)
        fake_tg.redeliver(update_id)
        fake_tg.message(CITIZEN, "/lienhe")
        await fake_tg.wait_for_messages(CITIZEN, 2)
        await asyncio.sleep(0.2)
    texts_sent = fake_tg.texts_to(CITIZEN)
    assert len(texts_sent) == 2
    assert sum("Xin chào Anh/Chị" in t for t in texts_sent) == 1


async def test_sticker_and_voice_get_a_clear_answer(tmp_path, fake_tg, knowledge):
    async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge):
        fake_tg.message(CITIZEN, sticker=True)
        fake_tg.message(CITIZEN, voice=True)
        sent = await fake_tg.wait_for_messages(CITIZEN, 2)
    assert [s.text for s in sent] == [texts.UNSUPPORTED_MEDIA, texts.UNSUPPORTED_MEDIA]


async def test_forged_payload_changes_nothing(tmp_path, fake_tg, knowledge):
    async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge) as app:
        fake_tg.press(CITIZEN, "'; DROP TABLE outbox; --")
        fake_tg.press(CITIZEN, "proc:field:999")
        sent = await fake_tg.wait_for_messages(CITIZEN, 2)
        counts = await app.worker.db.reading().__aenter__()  # noqa: F841 - database still usable
    assert sent[0].text == texts.STALE_BUTTON
    assert "cập nhật" in sent[1].text
