"""Sliding-window counters kept in SQLite, so limits survive a restart."""

from __future__ import annotations

import time

from bot.storage.db import Database


async def count_since(db: Database, key: str, window_seconds: float, now: float | None = None) -> int:
    now = time.time() if now is None else now
    row = await db.fetch_one(
        "SELECT COUNT(*) FROM rate_events WHERE key = ? AND at > ?", (key, now - window_seconds)
    )
    return int(row[0]) if row else 0


async def record(db: Database, key: str, now: float | None = None) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO rate_events (key, at) VALUES (?, ?)", (key, time.time() if now is None else now)
        )


async def clear(db: Database, key: str) -> None:
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM rate_events WHERE key = ?", (key,))


async def prune(db: Database, older_than_seconds: float) -> int:
    async with db.transaction() as conn:
        cur = await conn.execute("DELETE FROM rate_events WHERE at < ?", (time.time() - older_than_seconds,))
        return cur.rowcount

