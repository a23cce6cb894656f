"""One SQLite file, one writer connection, one reader connection.

SQLite allows one writer at a time. Instead of letting concurrent tasks race for
the file lock (and hit "database is locked"), every write goes through a single
connection guarded by an asyncio lock, inside an explicit `BEGIN IMMEDIATE`
transaction. Reads that are not part of a transaction use a second connection,
which WAL lets run beside the writer.

Only the writer holds transactions, and only one task holds the writer, so reads
made before sqlite3's implicit `BEGIN IMMEDIATE` (issued with the first write)
see the same data the transaction then changes.

A transaction is ambient: code running inside `db.transaction()` (the dispatcher
wraps each incoming message in one) that opens another `db.transaction()` joins
the outer one, so a handler's writes, its outbox rows and the record of the
inbound message commit or roll back together.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

_ambient: contextvars.ContextVar[tuple[Database, aiosqlite.Connection] | None] = contextvars.ContextVar(
    "motcua_ambient_transaction", default=None
)


def migration_scripts() -> list[tuple[int, str, str]]:
    """Numbered `NNNN_name.sql` files shipped in bot/storage/migrations, in order."""
    found = []
    for entry in resources.files("bot.storage.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


class Database:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._after_commit: list[Callable[[], None]] = []

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The writer lets sqlite3 open `BEGIN IMMEDIATE` itself before the first write of a
        # transaction: that saves a round trip to the database thread per message.
        self._writer = await self._connect(isolation_level="IMMEDIATE")
        await self._writer.execute("PRAGMA journal_mode=WAL")
        await self._migrate()
        self._reader = await self._connect(isolation_level=None)

    async def _connect(self, isolation_level: str | None) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=isolation_level)
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA busy_timeout=10000")
        return conn

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    async def _migrate(self) -> None:
        assert self._writer is not None
        await self._writer.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at REAL NOT NULL)"
        )
        cur = await self._writer.execute("SELECT version FROM schema_migrations")
        applied = {row[0] for row in await cur.fetchall()}
        for version, name, script in migration_scripts():
            if version in applied:
                continue
            # executescript commits on its own, so the script carries its own BEGIN/COMMIT.
            await self._writer.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nINSERT INTO schema_migrations VALUES ({version}, '{name}', "
                f"{time.time()});\nCOMMIT;"
            )
            log.info("migration applied", extra={"event": "migration", "version": version})

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` after every successful write transaction (e.g. wake the outbox worker)."""
        self._after_commit.append(callback)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        current = _ambient.get()
        if current is not None and current[0] is self:
            yield current[1]
            return
        assert self._writer is not None, "database is not open"
        async with self._write_lock:
            conn = self._writer
            token = _ambient.set((self, conn))
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    await conn.rollback()
                raise
            else:
                if conn.in_transaction:
                    await conn.commit()
            finally:
                _ambient.reset(token)
        for callback in self._after_commit:
            callback()

    async def fetch_all(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        """One round trip to the database thread (execute + fetch), which matters on the hot path."""
        async with self.reading() as conn:
            return list(await conn.execute_fetchall(sql, params))

    async def fetch_one(self, sql: str, params: tuple = ()) -> sqlite3.Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[aiosqlite.Connection]:
        """The ambient transaction's connection if there is one (to see its own writes), else the reader."""
        current = _ambient.get()
        if current is not None and current[0] is self:
            yield current[1]
            return
        assert self._reader is not None, "database is not open"
        yield self._reader

