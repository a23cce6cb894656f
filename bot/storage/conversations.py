"""Conversation state per (channel, user), so a restart mid-conversation loses nothing."""

from __future__ import annotations

import time

from bot.core import ConversationState
from bot.storage.db import Database


async def load(db: Database, channel: str, user_id: str) -> ConversationState:
    row = await db.fetch_one(
        "SELECT state FROM conversations WHERE channel = ? AND user_id = ?", (channel, user_id)
    )
    return ConversationState.from_json(row["state"] if row else None)


async def save(db: Database, channel: str, user_id: str, state: ConversationState) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO conversations (channel, user_id, state, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (channel, user_id) DO UPDATE SET state = excluded.state,"
            " updated_at = excluded.updated_at",
            (channel, user_id, state.to_json(), time.time()),
        )


async def load_and_count(
    db: Database, channel: str, user_id: str, window_seconds: float, now: float | None = None
) -> tuple[ConversationState, int]:
    """Load the state and count this message in the flood window, in one round trip.

    Returns the state and how many messages this person has sent in the current window,
    this one included.
    """
    now = time.time() if now is None else now
    expired = now - window_seconds
    async with db.transaction() as conn:
        rows = await conn.execute_fetchall(
            "INSERT INTO conversations (channel, user_id, state, updated_at, flood_window, flood_count)"
            " VALUES (?, ?, '', ?, ?, 1) ON CONFLICT (channel, user_id) DO UPDATE SET"
            " flood_count = CASE WHEN flood_window <= ? THEN 1 ELSE flood_count + 1 END,"
            " flood_window = CASE WHEN flood_window <= ? THEN excluded.flood_window ELSE flood_window END"
            " RETURNING state, flood_count",
            (channel, user_id, now, now, expired, expired),
        )
    row = next(iter(rows))
    return ConversationState.from_json(row[0]), int(row[1])
