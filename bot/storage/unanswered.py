"""Questions the bot could not answer, kept as text only so officials can improve the knowledge base."""

from __future__ import annotations

import time

from bot.storage.db import Database


async def record(db: Database, question: str, folded: str, kind: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO unanswered_questions (question, folded, kind, asked_at) VALUES (?, ?, ?, ?)",
            (question[:500], folded[:500], kind, time.time()),
        )


async def most_frequent(db: Database, days: int = 30, limit: int = 20) -> list[tuple[str, str, int]]:
    """(an example wording, kind, how many times) grouped by the folded text, most frequent first."""
    rows = await db.fetch_all(
        "SELECT MAX(question) AS question, kind, COUNT(*) AS n FROM unanswered_questions"
        " WHERE asked_at > ? GROUP BY folded, kind ORDER BY n DESC, MAX(asked_at) DESC LIMIT ?",
        (time.time() - days * 86400, limit),
    )
    return [(r["question"], r["kind"], r["n"]) for r in rows]
