"""Messages per second through the core and through PTB + the fake Bot API; p50/p99 reply latency.

Run: taskset -c 0 .venv/bin/python bench/bench_core.py [--messages 5000]   (one core)
The core figure is dispatcher + handlers + SQLite writes (inbound record, state, outbox rows) on one
event loop, i.e. one core. The PTB figure adds python-telegram-bot's polling, JSON parsing and the
outbox's HTTP sends to a fake server on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fake_telegram import FakeTelegram

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.config import Settings
from bot.core import IncomingMessage
from bot.services.knowledge import KnowledgeService

# Commands and button presses: the dispatcher, handlers and SQLite, no matcher.
NAVIGATION = [("/start", None), ("", "menu:contact"), ("", "proc:fields"), ("/lienhe", None)]
# Half of the messages are free-text questions that go through the matcher.
QUESTIONS = [
    ("/start", None),
    ("lam giay khai sinh cho con can gi", None),
    ("", "menu:contact"),
    ("chứng thực bản sao sổ đỏ mất bao nhiêu tiền", None),
    ("", "proc:fields"),
    ("xin giấy xác nhận độc thân", None),
]
MIX = QUESTIONS


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def bench_core(n: int, knowledge: KnowledgeService, workdir: Path, mix: list, label: str) -> None:
    settings = Settings(database_path=workdir / f"core-{label}.db", flood_messages_per_minute=10**6)
    app = App(settings, knowledge=knowledge)
    await app.open()
    latencies = []
    start = time.perf_counter()
    for i in range(n):
        text, payload = mix[i % len(mix)]
        message = IncomingMessage(
            channel="console",
            user_id=f"u{i % 500}",
            chat_id=f"u{i % 500}",
            message_id=f"m{i}",
            text=text,
            payload=payload,
        )
        t0 = time.perf_counter()
        await app.dispatcher.handle(message)
        latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - start
    await app.close()
    print(
        f"core ({label}): {n} messages in {elapsed:.2f}s = {n / elapsed:,.0f} msg/s; "
        f"handle latency p50 {percentile(latencies, 0.5) * 1000:.2f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.2f} ms"
    )


async def bench_ptb(n: int, rate: float, knowledge: KnowledgeService, workdir: Path) -> None:
    """Inject `rate` updates a second (an open-loop load) and time each until its reply arrives."""
    workdir.mkdir(parents=True, exist_ok=True)
    fake = FakeTelegram()
    await fake.start()
    settings = replace(
        Settings(database_path=workdir / "ptb.db"),
        telegram_token=fake.token,
        telegram_api_base_url=fake.base_url,
        staff_chat_id="-100999",
        flood_messages_per_minute=10**6,
        private_messages_per_window=10**6,
        private_window_seconds=1,
        bot_messages_per_second=10**6,
    )
    app = App(settings, knowledge=knowledge)
    await app.open()
    channel = TelegramChannel(app)
    app.add_sender(channel)
    app.start_delivery()
    await channel.start_polling()
    users = 200
    injected: dict[int, float] = {}
    start = time.monotonic()  # the fake stamps arrivals with time.monotonic() too
    for i in range(n):
        user = 10_000 + i % users
        text, payload = MIX[i % len(MIX)]
        injected[i] = time.monotonic()
        if payload:
            fake.press(user, payload)
        else:
            fake.message(user, text)
        await asyncio.sleep(1 / rate)
    await fake.wait_for(lambda: len(fake.sent) >= n, timeout=600)
    elapsed = time.monotonic() - start
    # Latency per reply: from injection to the fake recording the bot's answer (per user, in order).
    by_user: dict[str, list[float]] = {}
    for sent in fake.sent:
        by_user.setdefault(sent.chat_id, []).append(sent.at)
    latencies = []
    for i in range(n):
        user = str(10_000 + i % users)
        arrival = by_user[user][i // users]
        latencies.append(arrival - injected[i])
    await channel.stop()
    await app.close()
    await fake.stop()
    print(
        f"ptb+fake at {rate:.0f} msg/s offered: {n} messages in {elapsed:.2f}s = {n / elapsed:,.0f} msg/s; "
        f"reply latency p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--ptb-messages", type=int, default=2000)
    parser.add_argument("--ptb-rates", default="50,200,1000", help="offered loads in messages/s")
    args = parser.parse_args()
    knowledge = KnowledgeService.load()
    with tempfile.TemporaryDirectory() as tmp:
        await bench_core(args.messages, knowledge, Path(tmp), NAVIGATION, "commands and buttons")
        await bench_core(args.messages, knowledge, Path(tmp), QUESTIONS, "half free-text questions")
        for i, rate in enumerate(float(r) for r in args.ptb_rates.split(",")):
            await bench_ptb(args.ptb_messages, rate, knowledge, Path(tmp) / f"ptb{i}")


if __name__ == "__main__":
    asyncio.run(main())
