"""The feedback conversation through the real dispatcher, channel-neutral (console and Zalo-style)."""

from __future__ import annotations

import logging
import time

import pytest
from helpers import incoming

import handlers.feedback
import handlers.procedures
import handlers.staff
import handlers.start
from bot.config import Settings
from bot.core import Attachment, ConversationState, Reply
from bot.dispatcher import Dispatcher, build_router
from bot.services.registry import Services
from bot.storage import bans, conversations, message_refs
from bot.storage import feedback as store
from bot.storage.db import Database
from bot.texts import common as common_texts
from bot.texts import feedback as texts

ADMIN = 4  # "Thủ tục hành chính, thái độ cán bộ" in the default categories
PHONE = "0987654321"


class Bot:
    def __init__(self, dispatcher: Dispatcher, db: Database) -> None:
        self.dispatcher = dispatcher
        self.db = db

    async def say(
        self, text: str = "", *, user: str = "u1", channel: str = "console", **extra
    ) -> list[Reply]:
        """Send as a citizen (in the staff group with kind="staff"); return what was queued for that chat."""
        chat = extra.pop("chat", None) or ("staff" if extra.get("kind") == "staff" else user)
        before = await self._count(chat)
        await self.dispatcher.handle(incoming(text, user=user, channel=channel, chat=chat, **extra))
        return (await self.replies(chat))[before:]

    async def press(self, payload: str, **extra) -> list[Reply]:
        return await self.say(payload=payload, **extra)

    async def _count(self, chat: str) -> int:
        return len(await self.replies(chat))

    async def replies(self, chat: str) -> list[Reply]:
        async with self.db.reading() as conn:
            cur = await conn.execute("SELECT payload FROM outbox WHERE chat_id = ? ORDER BY id", (chat,))
            return [Reply.from_json(r[0]) for r in await cur.fetchall()]

    async def refs(self, chat: str) -> list[tuple[int, str | None]]:
        async with self.db.reading() as conn:
            cur = await conn.execute("SELECT id, ref FROM outbox WHERE chat_id = ? ORDER BY id", (chat,))
            return [(r[0], r[1]) for r in await cur.fetchall()]

    async def reports(self) -> list[store.Report]:
        async with self.db.reading() as conn:
            cur = await conn.execute("SELECT id FROM feedback_reports ORDER BY id")
            ids = [r[0] for r in await cur.fetchall()]
        return [r for i in ids if (r := await store.get(self.db, i)) is not None]

    async def state(self, user: str = "u1", channel: str = "console") -> ConversationState:
        return await conversations.load(self.db, channel, user)

    async def file(self, user: str = "u1", body: str = "Cống thoát nước bị tắc", **extra) -> store.Report:
        await self.press("fb:new", user=user, **extra)
        await self.press("fb:cat:1", user=user, **extra)
        await self.say(body, user=user, **extra)
        await self.press("fb:next", user=user, **extra)
        await self.press("fb:skip", user=user, **extra)
        await self.press("fb:send", user=user, **extra)
        return (await self.reports())[-1]


@pytest.fixture
async def bot(tmp_path, knowledge):
    settings = Settings(
        database_path=tmp_path / "flow.db",
        feedback_per_day=3,
        feedback_max_length=200,
        flood_messages_per_minute=1000,
    )
    db = Database(settings.database_path)
    await db.open()
    services = Services(settings, db, ("console", "staff"), knowledge=knowledge)
    modules = [handlers.start, handlers.procedures, handlers.feedback, handlers.staff]
    yield Bot(Dispatcher(services, build_router(modules)), db)
    await db.close()


async def test_bad_input_while_describing_gets_a_clear_message_and_changes_nothing(bot):
    await bot.press("fb:new")
    await bot.press("fb:cat:0")
    [got] = await bot.say("Ổ gà sâu trước cổng chợ")
    assert got.text.startswith("Đã nhận: nội dung 23 ký tự")
    before = (await bot.state()).data
    [long] = await bot.say("x" * 190)
    assert long.text == texts.TOO_LONG.format(length=23 + 1 + 190, limit=200)
    [sticker] = await bot.say(attachments=(Attachment("sticker"),))
    [voice] = await bot.say(attachments=(Attachment("voice"),))
    assert sticker.text == voice.text == texts.UNSUPPORTED
    assert "chữ, ảnh và vị trí" in texts.UNSUPPORTED
    [empty] = await bot.say("   ")
    assert empty.text == texts.EMPTY_REPORT
    assert (await bot.state()).data == before
    photos = tuple(Attachment("photo", file_id=f"p{i}", channel="console") for i in range(11))
    [too_many] = await bot.say(attachments=photos)
    assert too_many.text == texts.TOO_MANY_PHOTOS.format(limit=10)
    assert (await bot.state()).data == before


async def test_continue_without_a_description_is_refused(bot):
    await bot.press("fb:new")
    await bot.press("fb:cat:0")
    [empty] = await bot.press("fb:next")
    assert empty.text == texts.EMPTY_REPORT
    await bot.say(attachments=(Attachment("photo", file_id="p1", channel="console"),))
    [still] = await bot.press("fb:next")
    assert still.text == texts.EMPTY_REPORT and await bot.reports() == []


async def test_a_kien_nghi_about_administrative_rules_needs_name_and_phone(bot):
    await bot.press("fb:new")
    [prompt] = await bot.press(f"fb:cat:{ADMIN}")
    assert "Thủ tục hành chính" in prompt.text
    await bot.say("Cán bộ một cửa hẹn trả kết quả ba lần vẫn chưa có")
    [contact] = await bot.press("fb:next")
    assert contact.text == texts.CONTACT_REQUIRED and "fb:skip" not in [
        b.payload for b in contact.flat_buttons
    ]
    [refused] = await bot.press("fb:skip")
    assert refused.text == texts.CONTACT_CANNOT_SKIP
    [invalid] = await bot.say("bỏ qua")
    assert invalid.text == texts.CONTACT_INVALID
    [confirm] = await bot.say(f"Hoàng Thị E, {PHONE}")
    assert confirm.text.startswith(texts.CONFIRM_HEADER) and f"Hoàng Thị E, {PHONE}" in confirm.text
    await bot.press("fb:send")
    [report] = await bot.reports()
    assert (report.contact_name, report.contact_phone) == ("Hoàng Thị E", PHONE)


async def test_contact_is_optional_for_on_the_spot_reports(bot):
    await bot.press("fb:new")
    await bot.press("fb:cat:0")
    await bot.say("Đèn đường tắt cả tuần")
    await bot.press("fb:next")
    [confirm] = await bot.say("không")
    assert texts.CONFIRM_NO_CONTACT in confirm.text


async def test_edit_from_the_confirmation_screen(bot):
    await bot.press("fb:new")
    await bot.press("fb:cat:0")
    await bot.say("Nội dung cũ", attachments=(Attachment("photo", file_id="p1", channel="console"),))
    await bot.press("fb:next")
    await bot.press("fb:skip")
    [menu] = await bot.press("fb:edit")
    assert [b.payload for b in menu.flat_buttons] == [
        "fb:edit:text",
        "fb:edit:cat",
        "fb:edit:contact",
        "fb:review",
    ]
    [again] = await bot.press("fb:edit:text")
    assert again.text == texts.DESCRIBE_AGAIN
    await bot.say("Nội dung mới")
    [confirm] = await bot.press("fb:next")  # contact already decided: straight back to the confirmation
    assert "Nội dung mới" in confirm.text and "Nội dung cũ" not in confirm.text and "Ảnh: 1" in confirm.text
    await bot.press("fb:edit")
    await bot.press("fb:edit:cat")
    [needs_contact] = await bot.press(f"fb:cat:{ADMIN}")  # now a kiến nghị: the skipped contact is required
    assert needs_contact.text == texts.CONTACT_REQUIRED
    [confirm] = await bot.say(f"Vũ F {PHONE}")
    assert "Thủ tục hành chính" in confirm.text
    await bot.press("fb:send")
    [report] = await bot.reports()
    assert report.body == "Nội dung mới" and len(report.photos) == 1 and report.contact_phone == PHONE


async def test_send_twice_files_once(bot):
    report = await bot.file()
    [again] = await bot.press("fb:send")
    assert again.text == texts.NOTHING_TO_SEND
    assert len(await bot.reports()) == 1
    cards = [r for r in await bot.replies("staff") if report.code in r.text]
    assert len(cards) == 1


async def test_cancel_leaves_nothing(bot):
    await bot.press("fb:new")
    await bot.press("fb:cat:0")
    await bot.say("sẽ hủy")
    [cancelled] = await bot.press("fb:cancel")
    assert cancelled.text == texts.DRAFT_CANCELLED
    assert await bot.reports() == [] and (await bot.state()).flow is None
    [stale] = await bot.press("fb:next")
    assert stale.text == texts.STEP_GONE


async def test_daily_limit_is_said_before_the_citizen_writes(bot):
    for i in range(3):
        await bot.file(body=f"phản ánh {i}")
    [refused] = await bot.press("fb:new")
    assert refused.text == texts.LIMIT_REACHED.format(limit=3)
    assert (await bot.state()).flow is None


async def test_unanswered_question_goes_to_the_officials(bot):
    [answer] = await bot.say("con mèo nhà tôi đi lạc mất rồi")
    assert "fb:ask" in [b.payload for b in answer.flat_buttons]
    [confirm] = await bot.press("fb:ask")
    assert confirm.text.startswith(texts.CONFIRM_QUESTION_HEADER) and "con mèo" in confirm.text
    await bot.press("fb:send")
    [report] = await bot.reports()
    assert report.kind == "question" and report.category == texts.QUESTION_CATEGORY
    assert any(
        r.text.startswith(texts.CARD_NEW_QUESTION.format(code=report.code))
        for r in await bot.replies("staff")
    )
    assert (await bot.replies("u1"))[-1].text == texts.ACK_QUESTION.format(code=report.code)


async def test_my_reports_and_lookup_by_code(bot):
    [empty] = await bot.press("fb:mine")
    assert empty.text == texts.MINE_EMPTY
    report = await bot.file()
    [mine] = await bot.press("fb:mine")
    assert report.code in mine.text and f"fb:view:{report.id}" in [b.payload for b in mine.flat_buttons]
    [view] = await bot.press(f"fb:view:{report.id}")
    assert view.text.startswith(texts.VIEW_HEADER.format(code=report.code, category=report.category))
    [by_code] = await bot.say(f"/phananh {report.code.lower()}")
    [typed] = await bot.say(report.code)
    assert by_code.text == typed.text == view.text


async def test_adding_details_by_button_command_and_typed_phrase(bot):
    report = await bot.file()
    [prompt] = await bot.press(f"fb:add:{report.id}")
    assert prompt.text == texts.ADD_PROMPT.format(code=report.code)
    [ok] = await bot.say(
        "Nước tràn vào nhà dân", attachments=(Attachment("photo", file_id="p9", channel="console"),)
    )
    assert ok.text == texts.ADD_FORWARDED.format(code=report.code)
    [done] = await bot.press("fb:done")
    assert done.text == texts.ADD_DONE and (await bot.state()).flow is None
    await bot.say(f"/bosung {report.code} thêm: cả ngõ 7")
    await bot.say(f"Bổ sung {report.code}: sáng nay nặng hơn")
    staff = [r.text for r in await bot.replies("staff")]
    additions = [t for t in staff if t.startswith(texts.ADDITION_CARD.format(code=report.code))]
    assert [a.splitlines()[1] for a in additions] == [
        "Nước tràn vào nhà dân",
        "thêm: cả ngõ 7",
        "sáng nay nặng hơn",
    ]
    kinds = [e.kind for e in await store.events(bot.db, report.id)]
    assert kinds.count("addition") == 3


async def test_add_window_closes_after_a_while(bot, monkeypatch):
    report = await bot.file()
    await bot.press(f"fb:add:{report.id}")
    later = time.time() + handlers.feedback.ADD_WINDOW_SECONDS + 1
    monkeypatch.setattr(handlers.feedback.time, "time", lambda: later)
    [expired] = await bot.say("đăng ký khai sinh")
    assert expired.text == texts.ADD_EXPIRED.format(code=report.code)
    assert [e.kind for e in await store.events(bot.db, report.id)] == ["created"]


async def test_citizen_reply_to_a_report_message_adds_to_it(bot):
    report = await bot.file()
    ack_id = [i for i, ref in await bot.refs("u1") if ref == f"feedback:{report.id}"][-1]
    await message_refs.remember(bot.db, "console", "u1", "m-ack", f"feedback:{report.id}")
    [ok] = await bot.say("ảnh mới", reply_to_message_id="m-ack")
    assert ok.text == texts.ADD_FORWARDED_ONCE.format(code=report.code) and ack_id
    # A reply to something that is not about a report is an ordinary message.
    [other] = await bot.say("đăng ký khai sinh cần gì", reply_to_message_id="unknown")
    assert "khai sinh" in other.text.lower()


async def test_staff_reason_for_out_of_competence_is_asked_and_taken_from_a_reply(bot):
    report = await bot.file()
    [prompt] = await bot.press(f"fbst:{report.id}:rejected", user="off", kind="staff")
    assert prompt.text == texts.ASK_REASON.format(code=report.code)
    assert (await bot.reports())[0].status == "received"  # nothing changes until the reason is given
    [(row_id, ref)] = [(i, r) for i, r in await bot.refs("staff") if r == f"feedback-reason:{report.id}"]
    await message_refs.remember(bot.db, "console", "staff", "m-ask", ref)
    await bot.say(
        "Thuộc thẩm quyền của Điện lực huyện", user="off", kind="staff", reply_to_message_id="m-ask"
    )
    [fresh] = await bot.reports()
    assert fresh.status == "rejected" and fresh.status_note == "Thuộc thẩm quyền của Điện lực huyện"
    notice = (await bot.replies("u1"))[-1]
    assert "Lý do: Thuộc thẩm quyền của Điện lực huyện" in notice.text and row_id


async def test_staff_commands_reply_and_close(bot):
    report = await bot.file()
    await bot.say(f"/traloi {report.code} Chiều nay đội vệ sinh sẽ đến", user="off", kind="staff")
    assert "Chiều nay đội vệ sinh sẽ đến" in (await bot.replies("u1"))[-1].text
    [usage] = await bot.say("/traloi", user="off", kind="staff")
    assert usage.text == texts.REPLY_USAGE
    [missing] = await bot.say("/dong PA-2026-999999", user="off", kind="staff")
    assert missing.text == texts.STAFF_NOT_FOUND.format(code="PA-2026-999999")
    [reason] = await bot.say(f"/khongthamquyen {report.code}", user="off", kind="staff")
    assert reason.text == texts.REASON_REQUIRED
    await bot.say(f"/dong {report.code} Đã nạo vét xong", user="off", kind="staff")
    [fresh] = await bot.reports()
    assert fresh.status == "resolved" and fresh.status_note == "Đã nạo vét xong"
    [same] = await bot.say(f"/dong {report.code}", user="off", kind="staff")
    assert same.text == texts.SAME_STATUS.format(code=report.code, status="Đã xử lý")
    await bot.say(f"/phananh {report.code}", user="off", kind="staff")
    view = (await bot.replies("staff"))[-1]
    assert view.text.startswith(texts.CARD_VIEW.format(code=report.code)) and texts.CARD_HISTORY in view.text
    # Chatter in the group, and replies to unmapped messages, are left alone.
    assert await bot.say("ai trực chiều nay?", user="off", kind="staff") == []
    assert await bot.say("ok", user="off", kind="staff", reply_to_message_id="nope") == []


async def test_officials_ban_and_unban_the_author_by_report_code(bot):
    report = await bot.file(user="spammer")
    [banned] = await bot.say(f"/chan {report.code}", user="off", kind="staff")
    assert banned.text == texts.AUTHOR_BANNED.format(code=report.code) and "spammer" not in banned.text
    assert await bans.is_banned(bot.db, "console", "spammer")
    [refused] = await bot.press("fb:new", user="spammer")
    assert refused.text == common_texts.BANNED
    [again] = await bot.say(f"/chan {report.code}", user="off", kind="staff")
    assert again.text == texts.AUTHOR_ALREADY_BANNED.format(code=report.code)
    [unbanned] = await bot.say(f"/bochan {report.code}", user="off", kind="staff")
    assert unbanned.text == texts.AUTHOR_UNBANNED.format(code=report.code)
    [unknown] = await bot.say("/chan PA-2026-999999", user="off", kind="staff")
    assert unknown.text == texts.STAFF_NOT_FOUND.format(code="PA-2026-999999")
    [by_id] = await bot.say("/chan 12345", user="off", kind="staff")  # the old form still works
    assert "12345" in by_id.text


async def test_rating_and_comment_after_closing(bot):
    report = await bot.file()
    [early] = await bot.press(f"fb:rate:{report.id}:5")
    assert early.text == texts.NOT_RATABLE.format(code=report.code)
    await bot.say(f"/dong {report.code}", user="off", kind="staff")
    [rated] = await bot.press(f"fb:rate:{report.id}:2")
    assert rated.text == texts.RATED.format(rating=2)
    [thanks] = await bot.say("Xử lý chậm")
    assert thanks.text == texts.COMMENT_THANKS
    [twice] = await bot.press(f"fb:rate:{report.id}:5")
    assert twice.text == texts.ALREADY_RATED.format(code=report.code, rating=2)
    [fresh] = await bot.reports()
    assert (fresh.rating, fresh.rating_comment) == (2, "Xử lý chậm")


async def test_on_a_channel_without_buttons_digits_pick_the_acknowledgements_choices(bot):
    report = await bot.file(user="z1", channel="zalo")
    state = await bot.state("z1", "zalo")
    assert state.choices == [f"fb:add:{report.id}", "fb:mine", "menu:main"]
    [mine] = await bot.say("2", user="z1", channel="zalo")
    assert report.code in mine.text
    # Closing offers the rating as digits too, since she is not in the middle of anything.
    await bot.say(f"/dong {report.code}", user="off", kind="staff")
    assert (await bot.state("z1", "zalo")).choices == [f"fb:rate:{report.id}:{i}" for i in range(1, 6)]
    await bot.say("4", user="z1", channel="zalo")
    assert (await bot.reports())[-1].rating == 4


async def test_no_personal_data_in_logs(bot, caplog):
    # Our own loggers at their most verbose. (aiosqlite's DEBUG log prints SQL parameters: keep it off.)
    caplog.set_level(logging.DEBUG, logger="bot")
    caplog.set_level(logging.DEBUG, logger="handlers")
    await bot.press("fb:new")
    await bot.press(f"fb:cat:{ADMIN}")
    await bot.say("Cán bộ tiếp dân thiếu tôn trọng ngày 5/3")
    await bot.press("fb:next")
    await bot.say(f"Đặng Thị Riêng Tư, {PHONE}")
    await bot.press("fb:send")
    report = (await bot.reports())[-1]
    await bot.say(f"/traloi {report.code} Xã đã ghi nhận", user="off", kind="staff")
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "feedback_created" in logged and "feedback_relayed" in logged
    for secret in (PHONE, "Riêng Tư", "thiếu tôn trọng", "Xã đã ghi nhận"):
        assert secret not in logged
