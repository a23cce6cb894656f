"""The SQLite layer: migrations, WAL, foreign keys, and no "database is locked" under concurrency."""

from __future__ import annotations

import asyncio

import pytest

from bot.storage import rate_events
from bot.storage.db import Database, migration_scripts


@pytest.fixture
async def db(tmp_path):
    database = Database(tmp_path / "t.db")
    await database.open()
    yield database
    await database.close()


async def test_migrations_are_numbered_and_applied_once(tmp_path):
    scripts = migration_scripts()
    versions = [v for v, _, _ in scripts]
    assert versions == sorted(set(versions)) and versions[0] == 1
    database = Database(tmp_path / "m.db")
    await database.open()
    await database.close()
    await database.open()  # second start: nothing re-applied, no error
    async with database.reading() as conn:
        rows = await (await conn.execute("SELECT version FROM schema_migrations")).fetchall()
        mode = await (await conn.execute("PRAGMA journal_mode")).fetchone()
        fk = await (await conn.execute("PRAGMA foreign_keys")).fetchone()
    await database.close()
    assert [r[0] for r in rows] == versions
    assert mode[0] == "wal" and fk[0] == 1


async def test_concurrent_writers_and_readers_never_lock(db):
    async def writer(n: int) -> None:
        for _ in range(50):
            async with db.transaction():
                await rate_events.record(db, f"k{n % 5}")

    async def reader() -> None:
        for _ in range(100):
            await rate_events.count_since(db, "k1", 3600)

    await asyncio.gather(*(writer(n) for n in range(20)), *(reader() for _ in range(5)))
    total = sum([await rate_events.count_since(db, f"k{i}", 3600) for i in range(5)])
    assert total == 1000


async def test_failed_transaction_leaves_nothing(db):
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await rate_events.record(db, "gone")
            raise RuntimeError("boom")
    assert await rate_events.count_since(db, "gone", 3600) == 0


async def test_nested_transaction_joins_the_outer_one(db):
    with pytest.raises(RuntimeError):
        async with db.transaction():
            async with db.transaction():
                await rate_events.record(db, "inner")
            raise RuntimeError("outer fails")
    assert await rate_events.count_since(db, "inner", 3600) == 0
