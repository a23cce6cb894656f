"""Cross-cutting rules, applied once before any handler, tested without a channel."""

from __future__ import annotations

import pytest
from helpers import incoming

import handlers.staff
import handlers.start
from bot.config import Settings
from bot.core import Reply
from bot.dispatcher import Dispatcher, build_router
from bot.router import Context
from bot.services.registry import Services
from bot.storage import conversations
from bot.storage import outbox as outbox_store
from bot.storage.db import Database
from bot.texts import common as texts


async def queued(db: Database, chat: str) -> list[Reply]:
    rows = await outbox_store.chat_heads(db)
    async with db.reading() as conn:
        cur = await conn.execute("SELECT payload FROM outbox WHERE chat_id = ? ORDER BY id", (chat,))
        return [Reply.from_json(r[0]) for r in await cur.fetchall()]
    return rows


@pytest.fixture
async def core(tmp_path):
    settings = Settings(
        database_path=tmp_path / "d.db",
        flood_messages_per_minute=5,
        max_text_length=100,
        staff_user_ids=("boss",),
    )
    db = Database(settings.database_path)
    await db.open()
    services = Services(settings, db, ("console", "staff"))
    dispatcher = Dispatcher(services, build_router([handlers.start, handlers.staff]))
    yield dispatcher, db
    await db.close()


async def test_repeated_message_id_is_processed_once(core):
    dispatcher, db = core
    assert await dispatcher.handle(incoming("/start", message_id="same"))
    assert not await dispatcher.handle(incoming("/start", message_id="same"))
    assert len(await queued(db, "u1")) == 1


async def test_flood_is_answered_once_then_ignored(core):
    dispatcher, db = core
    for _ in range(8):
        await dispatcher.handle(incoming("/lienhe"))
    sent = [r.text for r in await queued(db, "u1")]
    assert len(sent) == 6 and sent[-1] == texts.FLOODING


async def test_bad_input_gets_a_clear_message_and_changes_nothing(core):
    dispatcher, db = core
    await dispatcher.handle(incoming("x" * 101))
    await dispatcher.handle(incoming("   "))
    await dispatcher.handle(incoming(payload="no-such:thing"))
    await dispatcher.handle(incoming("/khonglenh"))
    sent = [r.text for r in await queued(db, "u1")]
    assert sent == [
        texts.TOO_LONG.format(length=101, limit=100),
        texts.EMPTY_MESSAGE,
        texts.STALE_BUTTON,
        texts.UNKNOWN_COMMAND,
    ]
    state = await conversations.load(db, "console", "u1")
    assert state.flow is None


async def test_staff_only_commands(core):
    dispatcher, db = core
    await dispatcher.handle(incoming("/chan 42", user="citizen"))
    await dispatcher.handle(incoming("/chan 42", user="boss"))  # listed staff user, private chat
    await dispatcher.handle(incoming("/bochan 42", user="x", chat="staff", kind="staff"))
    assert [r.text for r in await queued(db, "citizen")] == [texts.STAFF_ONLY]
    assert "Đã chặn" in (await queued(db, "boss"))[0].text
    assert "Đã bỏ chặn" in (await queued(db, "staff"))[0].text


async def test_banned_citizen_is_told_once_per_command_and_ignored_otherwise(core):
    dispatcher, db = core
    await dispatcher.handle(incoming("/chan console:bad", user="x", chat="staff", kind="staff"))
    await dispatcher.handle(incoming("/start", user="bad"))
    await dispatcher.handle(incoming("xin chào", user="bad"))
    assert [r.text for r in await queued(db, "bad")] == [texts.BANNED]


async def test_other_groups_are_ignored(core):
    dispatcher, db = core
    assert not await dispatcher.handle(incoming("/start", chat="g1", kind="group"))
    assert await queued(db, "g1") == []


async def test_zalo_numbered_choice_follows_the_last_buttons(core):
    dispatcher, db = core
    await dispatcher.handle(incoming("/start", channel="zalo"))
    state = await conversations.load(db, "zalo", "u1")
    assert "menu:contact" in state.choices
    number = state.choices.index("menu:contact") + 1
    await dispatcher.handle(incoming(str(number), channel="zalo"))
    await dispatcher.handle(incoming("99", channel="zalo"))
    sent = await queued(db, "u1")
    assert "Giờ làm việc" in sent[1].text
    assert sent[2].text == texts.CHOICE_OUT_OF_RANGE


async def test_failing_handler_answers_politely_and_rolls_back_its_writes(tmp_path):
    settings = Settings(database_path=tmp_path / "f.db")
    db = Database(settings.database_path)
    await db.open()

    class Broken:
        @staticmethod
        def register(router):
            async def explode(ctx: Context) -> list[Reply]:
                ctx.state.start("x", "y")
                await ctx.send(ctx.to_staff(Reply("should not be sent")))
                raise RuntimeError("bug")

            router.command("boom", explode)

    dispatcher = Dispatcher(Services(settings, db, ("console", "staff")), build_router([Broken]))
    await dispatcher.handle(incoming("/boom", message_id="b1"))
    assert [r.text for r in await queued(db, "u1")] == [texts.SOMETHING_WENT_WRONG]
    assert await queued(db, "staff") == []
    assert not await dispatcher.handle(incoming("/boom", message_id="b1"))
    await db.close()
