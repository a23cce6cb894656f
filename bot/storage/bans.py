"""Banned citizens. Persistent: a ban must survive a restart."""

from __future__ import annotations

import time

from bot.storage.db import Database


async def is_banned(db: Database, channel: str, user_id: str) -> bool:
    row = await db.fetch_one("SELECT 1 FROM bans WHERE channel = ? AND user_id = ?", (channel, user_id))
    return row is not None


async def ban(db: Database, channel: str, user_id: str, banned_by: str) -> bool:
    async with db.transaction() as conn:
        cur = await conn.execute(
            "INSERT OR IGNORE INTO bans (channel, user_id, banned_at, banned_by) VALUES (?, ?, ?, ?)",
            (channel, user_id, time.time(), banned_by),
        )
        return cur.rowcount == 1


async def unban(db: Database, channel: str, user_id: str) -> bool:
    async with db.transaction() as conn:
        cur = await conn.execute("DELETE FROM bans WHERE channel = ? AND user_id = ?", (channel, user_id))
        return cur.rowcount == 1
