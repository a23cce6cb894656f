"""Delivery through a real PTB Application and the fake Bot API: faults, pacing, kill and restart."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import sys
import time

from conftest import STAFF_CHAT, running_bot, telegram_settings
from fake_telegram import Fault

from bot.core import Outgoing, Reply
from bot.storage import outbox as outbox_store


def flaky(rate: float, seed: int = 7):
    """Fail a share of sends: 429 with retry_after, 500, answers past the timeout, dropped connections."""
    rng = random.Random(seed)

    def fault(method: str, params: dict) -> Fault | None:
        roll = rng.random()
        if roll >= rate:
            return None
        return rng.choice(
            [Fault("429", retry_after=1), Fault("500"), Fault("slow", delay=0.6), Fault("drop")]
        )

    return fault


async def test_200_messages_arrive_once_in_order_and_paced_under_faults(tmp_path, fake_tg, knowledge):
    limit, period = 40, 0.5
    settings = telegram_settings(
        tmp_path,
        fake_tg,
        group_messages_per_window=limit,
        group_window_seconds=period,
        send_timeout_seconds=0.3,
    )
    fake_tg.fault = flaky(0.30)
    async with running_bot(settings, knowledge) as app:
        async with app.db.transaction():
            for i in range(200):
                await outbox_store.enqueue(
                    app.db, Outgoing("telegram", str(STAFF_CHAT), Reply(f"tin {i:03d}"))
                )
        sent = await fake_tg.wait_for_messages(STAFF_CHAT, 200, timeout=120)
        assert await app.worker.drain(5)
    assert [s.text for s in sent] == [f"tin {i:03d}" for i in range(200)]
    # Paced: any `limit + 1` consecutive arrivals span at least one window.
    stamps = [s.at for s in sent]
    assert all(stamps[i + limit] - stamps[i] >= period for i in range(len(stamps) - limit))
    assert fake_tg.calls.count("sendMessage") > 200  # faults really happened and were retried


def _count(db_path, sql: str) -> int:
    with sqlite3.connect(db_path) as conn:
        try:
            return conn.execute(sql).fetchone()[0]
        except sqlite3.OperationalError:
            return -1


async def _wait_until(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.05)


async def test_killed_process_delivers_every_committed_message_once_after_restart(tmp_path, fake_tg):
    """SIGKILL the real `motcua run` after replies are committed but before they are sent."""
    db_path = tmp_path / "bot.db"
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": fake_tg.token,
        "TELEGRAM_API_BASE_URL": fake_tg.base_url,
        "STAFF_CHAT_ID": str(STAFF_CHAT),
        "DATABASE_PATH": str(db_path),
        "RETRY_BASE_SECONDS": "0.05",
        "RETRY_MAX_SECONDS": "0.2",
        "PRIVATE_MESSAGES_PER_WINDOW": "100",
    }
    command = [sys.executable, "-m", "bot", "run"]
    citizens = list(range(7001, 7021))
    fake_tg.fault = lambda method, params: Fault("500")  # Telegram refuses every send: rows stay pending
    first = await asyncio.create_subprocess_exec(
        *command, env=env, cwd=tmp_path, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    update_ids = [fake_tg.message(user, "/start") for user in citizens]
    await _wait_until(lambda: _count(db_path, "SELECT COUNT(*) FROM outbox WHERE status='pending'") == 20, 30)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    assert fake_tg.sent == []

    fake_tg.fault = None
    for update_id in update_ids:  # Telegram may deliver unconfirmed updates again after a crash
        fake_tg.redeliver(update_id)
    second = await asyncio.create_subprocess_exec(
        *command, env=env, cwd=tmp_path, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    try:
        await fake_tg.wait_for(lambda: all(fake_tg.to_chat(u) for u in citizens), timeout=30)
        await asyncio.sleep(0.5)  # room for any duplicate to show up
    finally:
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), 15)
    for user in citizens:
        assert len(fake_tg.to_chat(user)) == 1, user
    assert _count(db_path, "SELECT COUNT(*) FROM outbox WHERE status='sent'") == 20
    assert second.returncode == 0


async def test_blocked_user_is_recorded_not_retried_forever(tmp_path, fake_tg, knowledge):
    blocked, other = 8101, 8102
    fake_tg.fault = lambda method, params: (
        Fault("403") if str(params.get("chat_id")) == str(blocked) else None
    )
    async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge) as app:
        fake_tg.message(blocked, "/start")
        fake_tg.message(other, "/start")
        await fake_tg.wait_for_messages(other, 1)
        assert await app.worker.drain(5)
        counts = await outbox_store.counts_by_status(app.db)
    assert counts == {"failed": 1, "sent": 1}
    assert fake_tg.calls.count("sendMessage") == 2  # one refused attempt, one delivery: no retry loop
