"""The outbox table: messages committed with the fact they report, delivered later."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.core import Outgoing, Reply
from bot.storage.db import Database


@dataclass(frozen=True)
class OutboxRow:
    id: int
    channel: str
    chat_id: str
    thread_id: str | None
    topic_key: str | None
    reply: Reply
    ref: str | None
    attempts: int
    next_attempt_at: float


async def enqueue(db: Database, message: Outgoing) -> int:
    async with db.transaction() as conn:
        now = time.time()
        cur = await conn.execute(
            "INSERT INTO outbox (channel, chat_id, thread_id, topic_key, payload, ref, next_attempt_at,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                message.channel,
                message.chat_id,
                message.thread_id,
                message.topic_key,
                message.reply.to_json(),
                message.ref,
                now,
                now,
            ),
        )
        return int(cur.lastrowid or 0)


async def chat_heads(db: Database) -> list[OutboxRow]:
    """The oldest pending message of every chat: only a chat's head may be sent, which keeps order."""
    rows = await db.fetch_all(
        "SELECT o.* FROM outbox o JOIN (SELECT MIN(id) AS id FROM outbox WHERE status = 'pending'"
        " GROUP BY channel, chat_id) heads ON heads.id = o.id ORDER BY o.next_attempt_at"
    )
    return [
        OutboxRow(
            id=r["id"],
            channel=r["channel"],
            chat_id=r["chat_id"],
            thread_id=r["thread_id"],
            topic_key=r["topic_key"],
            reply=Reply.from_json(r["payload"]),
            ref=r["ref"],
            attempts=r["attempts"],
            next_attempt_at=r["next_attempt_at"],
        )
        for r in rows
    ]


async def mark_sent(db: Database, row: OutboxRow, sent_message_ids: list[str]) -> None:
    """Record delivery and, for tickets, which delivered messages belong to them."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, sent_message_id = ?, attempts = attempts + 1"
            " WHERE id = ?",
            (time.time(), ",".join(sent_message_ids), row.id),
        )
        if row.ref:
            await conn.executemany(
                "INSERT OR REPLACE INTO message_refs (channel, chat_id, message_id, ref) VALUES (?, ?, ?, ?)",
                [(row.channel, row.chat_id, mid, row.ref) for mid in sent_message_ids],
            )


async def mark_retry(db: Database, row: OutboxRow, delay: float, error: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
            (time.time() + delay, error[:500], row.id),
        )


async def mark_failed(db: Database, row: OutboxRow, error: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
            (error[:500], row.id),
        )


async def set_thread(db: Database, row: OutboxRow, thread_id: str) -> None:
    """Point this and every later pending message of the same topic at a recreated thread."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET thread_id = ? WHERE status = 'pending' AND channel = ? AND chat_id = ?"
            " AND topic_key = ?",
            (thread_id, row.channel, row.chat_id, row.topic_key),
        )


async def pending_count(db: Database) -> int:
    row = await db.fetch_one("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
    return int(row[0]) if row else 0


async def counts_by_status(db: Database) -> dict[str, int]:
    rows = await db.fetch_all("SELECT status, COUNT(*) FROM outbox GROUP BY status")
    return {r[0]: r[1] for r in rows}
