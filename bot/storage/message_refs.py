"""Map delivered messages back to the ticket they belong to (never trust forwarded-from)."""

from __future__ import annotations

from bot.storage.db import Database


async def ref_for(db: Database, channel: str, chat_id: str, message_id: str) -> str | None:
    row = await db.fetch_one(
        "SELECT ref FROM message_refs WHERE channel = ? AND chat_id = ? AND message_id = ?",
        (channel, chat_id, message_id),
    )
    return row["ref"] if row else None


async def remember(db: Database, channel: str, chat_id: str, message_id: str, ref: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT OR REPLACE INTO message_refs (channel, chat_id, message_id, ref) VALUES (?, ?, ?, ?)",
            (channel, chat_id, message_id, ref),
        )


async def highest_numeric_id(db: Database, channel: str) -> int:
    """The console numbers its messages itself; a new session continues after the last mapped one."""
    row = await db.fetch_one(
        "SELECT MAX(CAST(message_id AS INTEGER)) FROM message_refs WHERE channel = ?", (channel,)
    )
    return int(row[0] or 0) if row else 0
