"""The outbox delivering to Zalo through the real adapter while the fake Zalo misbehaves."""

from __future__ import annotations

import logging
import random
import sqlite3

import pytest
from fake_zalo import FakeZalo, Fault, fake_zalo_server, running_zalo_bot, zalo_settings

from bot.channels.render import split_text
from bot.core import Attachment, Outgoing, Reply
from bot.storage import outbox as outbox_store
from bot.texts import zalo as texts


@pytest.fixture
async def fake_zalo():
    async with fake_zalo_server() as fake:
        yield fake


def flaky(rate: float, seed: int = 11):
    """Fail a share of sends: 429 with retry_after, 500, 502 pages, timeouts, dropped connections."""
    rng = random.Random(seed)

    def fault(method: str, params: dict) -> Fault | None:
        if rng.random() >= rate:
            return None
        return rng.choice(
            [
                Fault("429", retry_after=1),
                Fault("500"),
                Fault("502"),
                Fault("slow", delay=0.6),
                Fault("drop"),
                Fault("500"),
            ]
        )

    return fault


def _message(chat: int, i: int) -> str:
    # Every fifth message is long enough to go out in two parts.
    if i % 5 == 4:
        return "\n".join(f"chat {chat} tin {i:02d} dòng {n:02d} " + "." * 60 for n in range(40))
    return f"chat {chat} tin {i:02d}"


async def test_messages_arrive_once_each_in_order_under_429_and_5xx(
    tmp_path, fake_zalo: FakeZalo, knowledge, caplog
):
    caplog.set_level(logging.INFO)
    settings = zalo_settings(tmp_path, fake_zalo, send_timeout_seconds=0.3)
    chats = [f"zc{n}" for n in range(4)]
    expected = {
        chat: [part for i in range(20) for part in split_text(_message(n, i), 2000)]
        for n, chat in enumerate(chats)
    }
    fake_zalo.fault = flaky(0.3)
    async with running_zalo_bot(settings, knowledge) as bot:
        async with bot.app.db.transaction():
            for i in range(20):
                for n, chat in enumerate(chats):
                    await outbox_store.enqueue(bot.app.db, Outgoing("zalo", chat, Reply(_message(n, i))))
        await fake_zalo.wait_for(
            lambda: all(len(fake_zalo.to_chat(c)) >= len(expected[c]) for c in chats), timeout=90
        )
        assert await bot.app.worker.drain(5)
    for chat in chats:
        assert fake_zalo.texts_to(chat) == expected[chat], chat
    sends = fake_zalo.calls.count("sendMessage")
    assert sends > sum(len(v) for v in expected.values())  # faults really happened and were retried
    with sqlite3.connect(settings.database_path) as conn:
        statuses = dict(conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall())
        errors = [
            row[0] for row in conn.execute("SELECT last_error FROM outbox WHERE last_error IS NOT NULL")
        ]
    assert statuses == {"sent": 80}
    assert errors, "some rows needed a retry"
    secret = fake_zalo.token.split(":", 1)[1]
    assert not any(secret in e for e in errors)
    assert not any(
        secret in r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))
    )


async def test_blocked_citizen_fails_that_message_only(tmp_path, fake_zalo: FakeZalo, knowledge):
    refused = iter([Fault("403")])
    fake_zalo.fault = lambda method, params: next(refused, None)
    settings = zalo_settings(tmp_path, fake_zalo)
    async with running_zalo_bot(settings, knowledge) as bot:
        async with bot.app.db.transaction():
            for text in ("một", "hai"):
                await outbox_store.enqueue(bot.app.db, Outgoing("zalo", "zc1", Reply(text)))
        await fake_zalo.wait_for_messages("zc1", 1)
        assert await bot.app.worker.drain(5)
    with sqlite3.connect(settings.database_path) as conn:
        rows = conn.execute("SELECT status, attempts FROM outbox ORDER BY id").fetchall()
    assert fake_zalo.texts_to("zc1") == ["hai"]
    assert rows == [("failed", 1), ("sent", 1)]


async def test_split_reply_resumes_after_a_fault_on_its_second_part(tmp_path, fake_zalo: FakeZalo, knowledge):
    text = "\n".join(f"dòng {n:02d} " + "x" * 90 for n in range(30))
    parts = split_text(text, 2000)
    calls = iter([None, Fault("500"), Fault("429", retry_after=1)])
    fake_zalo.fault = lambda method, params: next(calls, None)
    async with running_zalo_bot(zalo_settings(tmp_path, fake_zalo), knowledge) as bot:
        await bot.app.worker.enqueue(Outgoing("zalo", "zc1", Reply(text)))
        await fake_zalo.wait_for_messages("zc1", len(parts), timeout=15)
        assert await bot.app.worker.drain(5)
    assert len(parts) == 2
    assert fake_zalo.texts_to("zc1") == parts


async def test_relayed_photos_reach_zalo_by_url_or_as_a_note(tmp_path, fake_zalo: FakeZalo, knowledge):
    telegram_only = Reply(
        "Cán bộ trả lời: đã cử người sửa đèn.",
        photos=(Attachment("photo", file_id="AgACAgUAAxkBAAIB", channel="telegram"),),
    )
    by_url = Reply(
        "Ảnh Anh/Chị đã gửi", photos=(Attachment("photo", url="https://p.zalo.me/den.jpg", channel="zalo"),)
    )
    async with running_zalo_bot(zalo_settings(tmp_path, fake_zalo), knowledge) as bot:
        await bot.app.worker.enqueue(Outgoing("zalo", "zc1", telegram_only))
        await bot.app.worker.enqueue(Outgoing("zalo", "zc1", by_url))
        sent = await fake_zalo.wait_for_messages("zc1", 2)
    assert sent[0].method == "sendMessage"
    assert sent[0].text.startswith("Cán bộ trả lời: đã cử người sửa đèn.")
    assert texts.PHOTO_NOT_SHOWN.format(count=1) in sent[0].text
    assert (sent[1].method, sent[1].photo, sent[1].text) == (
        "sendPhoto",
        "https://p.zalo.me/den.jpg",
        by_url.text,
    )


async def test_polling_survives_zalo_errors_and_backs_off(tmp_path, fake_zalo: FakeZalo, knowledge, caplog):
    caplog.set_level(logging.INFO)
    failures = iter(
        [Fault("500"), Fault("drop"), Fault("429", retry_after=1), Fault("502"), Fault("slow", delay=0.6)]
    )
    fake_zalo.fault_methods = {"getUpdates"}
    fake_zalo.fault = lambda method, params: next(failures, None)
    settings = zalo_settings(tmp_path, fake_zalo, send_timeout_seconds=0.3)
    async with running_zalo_bot(settings, knowledge):
        fake_zalo.text("zc1", "/lienhe")
        [sent] = await fake_zalo.wait_for_messages("zc1", 1, timeout=15)
    assert "Giờ làm việc" in sent.text
    poll_errors = [r for r in caplog.records if getattr(r, "event", "") == "zalo_poll_error"]
    assert len(poll_errors) == 5
    secret = fake_zalo.token.split(":", 1)[1]
    assert not any(secret in r.getMessage() or secret in str(r.__dict__) for r in poll_errors)
