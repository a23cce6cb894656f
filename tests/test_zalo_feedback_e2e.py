"""Feedback from a Zalo citizen, handled by officials in the Telegram staff group: both fakes, one App."""

from __future__ import annotations

import asyncio
import re
import sqlite3

import pytest
from both_channels import both_channels, both_settings, number_of
from conftest import OFFICIAL, STAFF_CHAT
from fake_telegram import FakeTelegram
from fake_zalo import FakeZalo, fake_zalo_server, running_zalo_bot, zalo_settings

from bot.texts import common as common_texts
from bot.texts import feedback as texts
from bot.texts import zalo as zalo_texts

CODE = re.compile(r"PA-\d{4}-\d{6}")
CITIZEN = "7c1e2d3f4a5b6c7d"
PHOTO = "https://photo-stal.zadn.vn/abc/den-hong.jpg"


@pytest.fixture
async def fake_zalo():
    async with fake_zalo_server() as fake:
        yield fake





async def _say(fake: FakeZalo, text: str, *, photo: str = "") -> str:
    """Send as the Zalo citizen and return the bot's (whole) next answer."""
    before = len(fake.to_chat(CITIZEN))
    if photo:
        fake.image(CITIZEN, photo, text)
    else:
        fake.text(CITIZEN, text)
    await fake.wait_for_messages(CITIZEN, before + 1)
    return "\n".join(fake.texts_to(CITIZEN)[before:])


async def _wait_zalo(fake: FakeZalo, needle: str) -> str:
    await fake.wait_for(lambda: any(needle in t for t in fake.texts_to(CITIZEN)))
    return next(t for t in fake.texts_to(CITIZEN) if needle in t)


async def _wait_staff(fake: FakeTelegram, needle: str):
    await fake.wait_for(lambda: any(needle in t for t in fake.texts_to(STAFF_CHAT)))
    return next(s for s in fake.to_chat(STAFF_CHAT) if needle in s.text)


async def test_report_with_photo_from_zalo_and_the_officials_reply_arriving_on_zalo(
    tmp_path, fake_tg: FakeTelegram, fake_zalo: FakeZalo, knowledge
):
    settings = both_settings(tmp_path, fake_tg, fake_zalo)
    async with both_channels(settings, knowledge):
        menu = await _say(fake_zalo, "/start")
        categories = await _say(fake_zalo, number_of(menu, common_texts.MENU_FEEDBACK))
        await _say(fake_zalo, number_of(categories, settings.feedback_categories[0]))
        got = await _say(fake_zalo, "Đèn đường trước nhà số 5 thôn Đông hỏng một tuần nay", photo=PHOTO)
        contact = await _say(fake_zalo, number_of(got, texts.BTN_CONTINUE))
        confirm = await _say(fake_zalo, number_of(contact, texts.BTN_SKIP))
        assert confirm.startswith(texts.CONFIRM_HEADER)
        fake_zalo.text(CITIZEN, number_of(confirm, texts.BTN_SEND))
        ack = await _wait_zalo(fake_zalo, "Đã tiếp nhận")
        code = CODE.search(ack).group()

        # The card reaches the Telegram staff group with the citizen's Zalo photo (a public URL).
        card = await _wait_staff(fake_tg, code)
        assert "thôn Đông" in card.text
        photos = [s for s in fake_tg.to_chat(STAFF_CHAT) if s.method in ("sendPhoto", "sendMediaGroup")]
        assert [str(s.params.get("photo")) for s in photos] == [PHOTO]

        # An official answers by replying to the card in the group; the answer arrives on Zalo.
        fake_tg.message(
            OFFICIAL, "Xã đã cử người kiểm tra, chiều nay thay bóng.", STAFF_CHAT, reply_to=card.message_id
        )
        relay = await _wait_zalo(fake_zalo, "chiều nay thay bóng")
        await _wait_staff(fake_tg, texts.RELAYED.format(code=code))

        # Closing it asks the Zalo citizen for a rating; she answers with a digit.
        report_id = int(card.button_payloads[0].split(":")[1])
        fake_tg.press(OFFICIAL, f"fbst:{report_id}:resolved", chat_id=STAFF_CHAT)
        closed = await _wait_zalo(fake_zalo, "đã được xử lý")
        fake_zalo.text(CITIZEN, number_of(closed, texts.RATING_LABELS[4]))
        await _wait_staff(fake_tg, "5/5")

    assert code in relay and "Cán bộ xã trả lời" in relay
    assert all(s.method == "sendMessage" for s in fake_zalo.to_chat(CITIZEN))
    with sqlite3.connect(settings.database_path) as conn:
        [(channel, status, rating)] = conn.execute(
            "SELECT channel, status, rating FROM feedback_reports"
        ).fetchall()
    assert (channel, status, rating) == ("zalo", "resolved", 5)


async def test_officials_photo_from_telegram_never_leaks_to_zalo(
    tmp_path, fake_tg: FakeTelegram, fake_zalo: FakeZalo, knowledge
):
    """An official's reply with a Telegram photo: the text arrives on Zalo, the photo's address does not."""
    settings = both_settings(tmp_path, fake_tg, fake_zalo)
    async with both_channels(settings, knowledge):
        menu = await _say(fake_zalo, "/start")
        categories = await _say(fake_zalo, number_of(menu, common_texts.MENU_FEEDBACK))
        await _say(fake_zalo, number_of(categories, settings.feedback_categories[1]))
        got = await _say(fake_zalo, "Rác thải ùn ứ ở ngõ 3")
        contact = await _say(fake_zalo, number_of(got, texts.BTN_CONTINUE))
        confirm = await _say(fake_zalo, number_of(contact, texts.BTN_SKIP))
        fake_zalo.text(CITIZEN, number_of(confirm, texts.BTN_SEND))
        code = CODE.search(await _wait_zalo(fake_zalo, "Đã tiếp nhận")).group()
        card = await _wait_staff(fake_tg, code)
        fake_tg.message(
            OFFICIAL, "Đã dọn xong, ảnh đính kèm.", STAFF_CHAT, photo=True, reply_to=card.message_id
        )
        await _wait_zalo(fake_zalo, "Đã dọn xong")
        await _wait_staff(fake_tg, texts.RELAYED.format(code=code))
    everything = "\n".join(f"{s.text} {s.photo} {s.params}" for s in fake_zalo.to_chat(CITIZEN))
    assert fake_tg.token not in everything and "photo-" not in everything
    assert all(s.method == "sendMessage" for s in fake_zalo.to_chat(CITIZEN))
    # The feedback service already leaves the photo out and says so; the adapter's own note is not repeated.
    assert texts.RELAY_PHOTOS_HIDDEN.format(count=1) in everything
    assert zalo_texts.PHOTO_NOT_SHOWN.format(count=1) not in everything


async def test_repeated_webhook_delivery_files_one_report(tmp_path, fake_zalo: FakeZalo, knowledge):
    settings = zalo_settings(tmp_path, fake_zalo)
    async with running_zalo_bot(settings, knowledge, webhook=True) as bot:
        menu = await _say(fake_zalo, "/start")
        categories = await _say(fake_zalo, number_of(menu, common_texts.MENU_FEEDBACK))
        await _say(fake_zalo, number_of(categories, settings.feedback_categories[0]))
        got = await _say(fake_zalo, "Cột điện nghiêng ở đầu thôn", photo=PHOTO)
        contact = await _say(fake_zalo, number_of(got, texts.BTN_CONTINUE))
        confirm = await _say(fake_zalo, number_of(contact, texts.BTN_SKIP))
        send = fake_zalo.build(CITIZEN, number_of(confirm, texts.BTN_SEND))
        statuses = await asyncio.gather(*(bot.post(send) for _ in range(3)))
        await _wait_zalo(fake_zalo, "Đã tiếp nhận")
        assert await bot.post(send) == 200
        await asyncio.sleep(0.3)
    assert list(statuses) == [200, 200, 200]
    assert sum("Đã tiếp nhận" in t for t in fake_zalo.texts_to(CITIZEN)) == 1
    with sqlite3.connect(settings.database_path) as conn:
        [(count, photos)] = conn.execute("SELECT COUNT(*), MAX(photos) FROM feedback_reports").fetchall()
    assert count == 1
    assert PHOTO in photos
