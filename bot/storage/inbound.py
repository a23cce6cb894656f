"""The record of processed inbound updates: the basis of idempotency."""

from __future__ import annotations

import time

from bot.storage.db import Database


async def claim(db: Database, channel: str, message_id: str) -> bool:
    """True the first time a (channel, message id) is seen; False for a repeated delivery."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "INSERT OR IGNORE INTO inbound_messages (channel, message_id, received_at) VALUES (?, ?, ?)",
            (channel, message_id, time.time()),
        )
        return cur.rowcount == 1


async def forget_older_than(db: Database, seconds: float) -> int:
    """Channels redeliver within minutes or hours, never weeks: old records can go."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "DELETE FROM inbound_messages WHERE received_at < ?", (time.time() - seconds,)
        )
        return cur.rowcount
