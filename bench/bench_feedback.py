"""Feedback throughput and the cost of the periodic jobs as open reports pile up.

Run: .venv/bin/python bench/bench_feedback.py [--reports 2000]
Filing is the whole citizen flow through the dispatcher (6 messages per report: new, category, text,
continue, skip contact, send) on the console channel: SQLite writes of the draft state, the report,
its event and the outbox rows. The jobs figures are the overdue check and the daily summary over all
those reports left open, which is the worst case a forgotten staff group can create.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
import time
from pathlib import Path

from bot.app import App
from bot.config import Settings
from bot.core import IncomingMessage
from bot.services.feedback import service_for
from bot.services.knowledge import KnowledgeService

STEPS = [
    ("", "fb:new"),
    ("", "fb:cat:1"),
    ("Rác thải sinh hoạt đổ bừa bãi ở đầu ngõ, bốc mùi nhiều ngày", None),
    ("", "fb:next"),
    ("", "fb:skip"),
    ("", "fb:send"),
]


async def run(reports: int, workdir: Path) -> None:
    settings = Settings(
        database_path=workdir / "feedback.db", flood_messages_per_minute=10**6, feedback_per_day=10**6
    )
    app = App(settings, knowledge=KnowledgeService.load())
    await app.open()
    users = max(1, reports // 2)
    start = time.perf_counter()
    for i in range(reports):
        user = f"u{i % users}"
        for step, (text, payload) in enumerate(STEPS):
            await app.dispatcher.handle(
                IncomingMessage("console", user, user, f"m{i}-{step}", text=text, payload=payload)
            )
    filed = time.perf_counter() - start
    svc = service_for(app.services)
    later = dt.datetime.now() + dt.timedelta(days=3)
    svc.calendar.is_working_day(later.date())  # build the holiday tables outside the timing
    start = time.perf_counter()
    async with app.db.transaction():
        reposted = await svc.post_overdue(later)
    overdue = time.perf_counter() - start
    start = time.perf_counter()
    await svc.summary_text(later)
    summary = time.perf_counter() - start
    await app.close()
    messages = reports * len(STEPS)
    print(
        f"filed {reports} reports ({messages} messages) in {filed:.2f} s: "
        f"{reports / filed:.0f} reports/s, {messages / filed:.0f} messages/s"
    )
    print(f"overdue check over {reports} open reports: {overdue * 1000:.0f} ms ({len(reposted)} re-posted)")
    print(f"daily summary over {reports} open reports: {summary * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(args.reports, Path(tmp)))


if __name__ == "__main__":
    main()
