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
