"""Forum topics in the staff group, one per feedback category when configured."""

from __future__ import annotations

from bot.storage.db import Database


async def get(db: Database, topic_key: str) -> str | None:
    row = await db.fetch_one("SELECT thread_id FROM staff_topics WHERE topic_key = ?", (topic_key,))
    return row["thread_id"] if row else None


async def put(db: Database, topic_key: str, thread_id: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT OR REPLACE INTO staff_topics (topic_key, thread_id) VALUES (?, ?)", (topic_key, thread_id)
        )
