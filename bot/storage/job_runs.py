"""Which period each scheduled job last ran for."""

from __future__ import annotations

import time

from bot.storage.db import Database


async def claim_period(db: Database, name: str, period_key: str) -> bool:
    """True if this job has not run for this period yet; marks it as run (inside the caller's transaction)."""
    async with db.transaction() as conn:
        rows = await conn.execute_fetchall("SELECT period_key FROM job_runs WHERE name = ?", (name,))
        row = next(iter(rows), None)
        if row is not None and row["period_key"] == period_key:
            return False
        await conn.execute(
            "INSERT OR REPLACE INTO job_runs (name, period_key, ran_at) VALUES (?, ?, ?)",
            (name, period_key, time.time()),
        )
        return True
