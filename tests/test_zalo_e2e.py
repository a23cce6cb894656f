"""End to end on Zalo: the real adapter against the fake Zalo Bot API, by long polling and by webhook.

The webhook runs through our own HttpServer (port 0), with the fake Zalo POSTing
updates to it with the secret header, as the platform does.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace

import pytest
from both_channels import number_of
from conftest import OFFICIAL, STAFF_CHAT, running_bot, telegram_settings
from fake_zalo import WEBHOOK_SECRET, FakeZalo, fake_zalo_server, running_zalo_bot, zalo_settings

from bot.channels.zalo import ZaloChannel
from bot.texts import browse as browse_texts
from bot.texts import common as texts
from bot.texts import procedures as card_texts

CITIZEN = "5f3a9c0d1e2b4a67"
MODES = [pytest.param(False, id="polling"), pytest.param(True, id="webhook")]


@pytest.fixture
async def fake_zalo():
    async with fake_zalo_server() as fake:
        yield fake


def _count(db_path, table: str) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]



@pytest.mark.parametrize("webhook", MODES)
async def test_procedure_question_is_answered_in_parts_of_2000(
    tmp_path, fake_zalo: FakeZalo, knowledge, webhook
):
    question = "lam giay khai sinh cho con can gi"
    procedure = knowledge.match(question).procedure
    assert procedure is not None
    expected = card_texts.procedure_card(procedure)
    assert len(expected) > 2000, "the birth registration card is long enough to need splitting"
    async with running_zalo_bot(zalo_settings(tmp_path, fake_zalo), knowledge, webhook=webhook):
        fake_zalo.text(CITIZEN, question)
        await fake_zalo.wait_for(lambda: texts.CHOOSE_BY_NUMBER in "".join(fake_zalo.texts_to(CITIZEN)))
        parts = fake_zalo.texts_to(CITIZEN)
        fake_zalo.text(CITIZEN, number_of(parts[-1], browse_texts.BTN_OTHER_QUESTION))
        sent = await fake_zalo.wait_for_messages(CITIZEN, len(parts) + 1)
    assert len(parts) == 2
    assert all(len(p) <= 2000 for p in parts)
    assert "Đăng ký khai sinh" in parts[0]
    # Cut between lines: nothing lost, nothing garbled; the numbered choices follow the card.
    assert "\n".join(parts).startswith(expected)
    assert all(s.method == "sendMessage" for s in sent)
    assert sent[-1].text.startswith(browse_texts.BROWSE_FIELDS)


@pytest.mark.parametrize("webhook", MODES)
async def test_start_menu_number_picks_contact(tmp_path, fake_zalo: FakeZalo, knowledge, webhook):
    async with running_zalo_bot(zalo_settings(tmp_path, fake_zalo), knowledge, webhook=webhook):
        fake_zalo.text(CITIZEN, "/start")
        [menu] = await fake_zalo.wait_for_messages(CITIZEN, 1)
        fake_zalo.text(CITIZEN, number_of(menu.text, texts.MENU_CONTACT))
        contact = (await fake_zalo.wait_for_messages(CITIZEN, 2))[1]
        fake_zalo.text(CITIZEN, "9")
        out_of_range = (await fake_zalo.wait_for_messages(CITIZEN, 3))[2]
    assert "Xin chào Anh/Chị" in menu.text
    assert texts.CHOOSE_BY_NUMBER in menu.text
    assert "Giờ làm việc" in contact.text
    assert out_of_range.text == texts.CHOICE_OUT_OF_RANGE


def _clarify_question(knowledge) -> str:
    for question in ("ho tich", "dang ky lai", "cap ban sao", "chung thuc ban sao", "xac nhan"):
        match = knowledge.match(question)
        if match.kind == "clarify" and match.candidates:
            return question
    pytest.skip("no question in the list makes the shipped matcher ask to clarify")


async def test_clarify_question_then_a_number_shows_that_procedure(tmp_path, fake_zalo: FakeZalo, knowledge):
    question = _clarify_question(knowledge)
    first = knowledge.match(question).candidates[0]
    async with running_zalo_bot(zalo_settings(tmp_path, fake_zalo), knowledge):
        fake_zalo.text(CITIZEN, question)
        [prompt] = await fake_zalo.wait_for_messages(CITIZEN, 1)
        fake_zalo.text(CITIZEN, "1")
        await fake_zalo.wait_for(lambda: texts.CHOOSE_BY_NUMBER in "".join(fake_zalo.texts_to(CITIZEN)[1:]))
        answer = "\n".join(fake_zalo.texts_to(CITIZEN)[1:])
    assert prompt.text.startswith(card_texts.clarify_prompt())
    assert "1. " in prompt.text and browse_texts.NONE_OF_THESE in prompt.text
    assert first.name in answer


@pytest.mark.parametrize("webhook", MODES)
async def test_sticker_unsupported_and_stray_photo_get_a_polite_answer(
    tmp_path, fake_zalo: FakeZalo, knowledge, webhook
):
    async with running_zalo_bot(zalo_settings(tmp_path, fake_zalo), knowledge, webhook=webhook):
        fake_zalo.sticker(CITIZEN)
        await fake_zalo.wait_for_messages(CITIZEN, 1)
        fake_zalo.unsupported(CITIZEN)
        await fake_zalo.wait_for_messages(CITIZEN, 2)
        fake_zalo.image(CITIZEN, "https://photo.zalo.example/abc.jpg")
        sent = await fake_zalo.wait_for_messages(CITIZEN, 3)
    assert [s.text for s in sent] == [
        texts.UNSUPPORTED_MEDIA,
        texts.UNSUPPORTED_MEDIA,
        texts.UNEXPECTED_PHOTO,
    ]


async def test_group_chat_is_ignored(tmp_path, fake_zalo: FakeZalo, knowledge):
    group = "g-7788"
    async with running_zalo_bot(zalo_settings(tmp_path, fake_zalo), knowledge):
        fake_zalo.text(CITIZEN, "/start", group=group)
        fake_zalo.text(CITIZEN, "/lienhe")  # handled after the group message: polling keeps order
        await fake_zalo.wait_for_messages(CITIZEN, 1)
        await asyncio.sleep(0.2)
    assert fake_zalo.to_chat(group) == []
    assert len(fake_zalo.to_chat(CITIZEN)) == 1


async def test_polling_removes_webhook_and_checks_token(tmp_path, fake_zalo: FakeZalo, knowledge):
    fake_zalo.webhook_url, fake_zalo.webhook_secret = "https://old.example/zalo", "old-secret-123"
    async with running_zalo_bot(zalo_settings(tmp_path, fake_zalo), knowledge):
        fake_zalo.text(CITIZEN, "/lienhe")
        await fake_zalo.wait_for_messages(CITIZEN, 1)
    assert fake_zalo.calls[:2] == ["getMe", "deleteWebhook"]


async def test_polling_takes_updates_answered_as_a_list(tmp_path, fake_zalo: FakeZalo, knowledge):
    fake_zalo.updates_as_list = True
    async with running_zalo_bot(zalo_settings(tmp_path, fake_zalo), knowledge):
        fake_zalo.text(CITIZEN, "/lienhe")
        [sent] = await fake_zalo.wait_for_messages(CITIZEN, 1)
    assert "Giờ làm việc" in sent.text


async def test_polling_repeated_delivery_is_handled_once(tmp_path, fake_zalo: FakeZalo, knowledge):
    async with running_zalo_bot(zalo_settings(tmp_path, fake_zalo), knowledge):
        message_id = fake_zalo.text(CITIZEN, "/start")
        await fake_zalo.wait_for_messages(CITIZEN, 1)
        fake_zalo.redeliver(message_id)
        fake_zalo.text(CITIZEN, "/lienhe")
        await fake_zalo.wait_for_messages(CITIZEN, 2)
        await asyncio.sleep(0.2)
    sent = fake_zalo.texts_to(CITIZEN)
    assert len(sent) == 2
    assert sum("Xin chào Anh/Chị" in t for t in sent) == 1


# --- webhook only -----------------------------------------------------------------------------
async def test_webhook_is_registered_with_the_secret(tmp_path, fake_zalo: FakeZalo, knowledge):
    async with running_zalo_bot(zalo_settings(tmp_path, fake_zalo), knowledge, webhook=True) as bot:
        assert fake_zalo.webhook_url == bot.webhook_url
        assert fake_zalo.webhook_secret == WEBHOOK_SECRET
        assert "getUpdates" not in fake_zalo.calls


async def test_webhook_with_wrong_or_missing_secret_is_rejected_and_changes_nothing(
    tmp_path, fake_zalo: FakeZalo, knowledge
):
    settings = zalo_settings(tmp_path, fake_zalo)
    async with running_zalo_bot(settings, knowledge, webhook=True) as bot:
        update = fake_zalo.build(CITIZEN, "/start")
        wrong = await bot.post(update, secret="not-the-secret")
        missing = await bot.post(update, secret=None)
        almost = await bot.post(update, secret=WEBHOOK_SECRET[:-1])
        await asyncio.sleep(0.3)
        assert fake_zalo.sent == []
        counts = {
            t: _count(settings.database_path, t) for t in ("inbound_messages", "outbox", "conversations")
        }
        # The same update with the right secret is processed: the rejection was about the secret only.
        accepted = await bot.post(update)
        await fake_zalo.wait_for_messages(CITIZEN, 1)
    assert (wrong, missing, almost, accepted) == (401, 401, 401, 200)
    assert counts == {"inbound_messages": 0, "outbox": 0, "conversations": 0}


async def test_webhook_repeated_delivery_is_handled_once(tmp_path, fake_zalo: FakeZalo, knowledge):
    settings = zalo_settings(tmp_path, fake_zalo)
    async with running_zalo_bot(settings, knowledge, webhook=True) as bot:
        update = fake_zalo.build(CITIZEN, "/start")
        statuses = list(await asyncio.gather(*(bot.post(update) for _ in range(3))))
        statuses.append(await bot.post(update))
        fake_zalo.redeliver(update["message"]["message_id"])  # and once more, pushed by "Zalo" itself
        await fake_zalo.wait_for_messages(CITIZEN, 1)
        fake_zalo.text(CITIZEN, "/lienhe")
        await fake_zalo.wait_for_messages(CITIZEN, 2)
        await asyncio.sleep(0.3)
        inbound = _count(settings.database_path, "inbound_messages")
    assert statuses == [200, 200, 200, 200]
    assert len(fake_zalo.to_chat(CITIZEN)) == 2
    assert sum("Xin chào Anh/Chị" in t for t in fake_zalo.texts_to(CITIZEN)) == 1
    assert inbound == 2
    assert fake_zalo.webhook_answers == [200, 200]


async def test_webhook_body_wrapped_in_result_is_understood(tmp_path, fake_zalo: FakeZalo, knowledge):
    async with running_zalo_bot(zalo_settings(tmp_path, fake_zalo), knowledge, webhook=True) as bot:
        status = await bot.post({"ok": True, "result": fake_zalo.build(CITIZEN, "/lienhe")})
        [sent] = await fake_zalo.wait_for_messages(CITIZEN, 1)
    assert status == 200
    assert "Giờ làm việc" in sent.text


async def test_webhook_garbage_is_refused(tmp_path, fake_zalo: FakeZalo, knowledge):
    settings = zalo_settings(tmp_path, fake_zalo)
    async with running_zalo_bot(settings, knowledge, webhook=True) as bot:
        not_json = await bot.post(b"{not json")
        a_list = await bot.post(b"[1, 2]")
        no_message = await bot.post({"event_name": "message.text.received"})
        await asyncio.sleep(0.2)
        inbound = _count(settings.database_path, "inbound_messages")
    assert (not_json, a_list, no_message) == (400, 400, 200)
    assert inbound == 0
    assert fake_zalo.sent == []


# --- Telegram staff group and Zalo citizens on one App, like production ---------------------------
async def test_staff_ban_in_telegram_group_applies_to_a_zalo_citizen(
    tmp_path, fake_tg, fake_zalo: FakeZalo, knowledge
):
    settings = replace(
        telegram_settings(tmp_path, fake_tg),
        zalo_bot_token=fake_zalo.token,
        zalo_api_base_url=fake_zalo.base_url,
    )
    async with running_bot(settings, knowledge) as app:
        zalo = ZaloChannel(app, poll_timeout=1)
        app.add_sender(zalo)
        await zalo.start_polling()
        try:
            fake_tg.message(OFFICIAL, f"/chan zalo:{CITIZEN}", chat_id=STAFF_CHAT)
            [confirmation] = await fake_tg.wait_for_messages(STAFF_CHAT, 1)
            fake_zalo.text(CITIZEN, "/start")
            [refused] = await fake_zalo.wait_for_messages(CITIZEN, 1)
            fake_tg.message(OFFICIAL, f"/bochan zalo:{CITIZEN}", chat_id=STAFF_CHAT)
            await fake_tg.wait_for_messages(STAFF_CHAT, 2)
            fake_zalo.text(CITIZEN, "/start")
            welcome = (await fake_zalo.wait_for_messages(CITIZEN, 2))[1]
        finally:
            await zalo.stop()
    await zalo.aclose()
    assert f"zalo:{CITIZEN}" in confirmation.text
    assert refused.text == texts.BANNED
    assert "Xin chào Anh/Chị" in welcome.text
