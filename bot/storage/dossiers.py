"""Dossiers, their status history and their followers: every dossier SQL statement lives here.

Functions join the caller's ambient transaction, so a status change, its
history row and the outbox rows telling followers about it commit together.

The bulk import goes through a per-connection TEMP staging table: batches of
parsed rows are written there with ``executemany`` (a repeated code simply
replaces the earlier row, so the last row of the file wins), then one
set-based merge inserts new codes and updates only rows whose values differ.
Why not ``INSERT … ON CONFLICT DO UPDATE`` per batch: a code repeated across
batches would be written twice and a re-import would "update" it, and an
upsert cannot tell "unchanged" from "updated" without reading the row anyway.
Status changes are returned to the service instead of being merged in SQL,
because the KPI bookkeeping (``with_status``) and the follower notifications
are domain rules.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from bot.services.dossier_model import Dossier, DossierStatus
from bot.storage.db import Database

# Columns an export provides, in the order of every INSERT and staging row.
DATA_COLUMNS: tuple[str, ...] = (
    "code",
    "procedure_code",
    "procedure_name",
    "field",
    "applicant_name",
    "phone",
    "received_at",
    "appointment_date",
    "status",
    "status_changed_at",
    "finished_at",
    "missing_documents",
    "fee_due",
    "result_location",
    "waiting_days",
    "supplement_requests",
    "note",
)
_COLS = ", ".join(DATA_COLUMNS)
_SELECT = f"SELECT {_COLS} FROM dossiers"
OPEN_STATUSES_SQL = "(1, 2, 4, 5, 6)"
CLOSED_STATUSES_SQL = "(3, 7, 8, 9, 10)"

# Export values the office's own actions must not lose on re-import: a blank appointment, change
# time or finish date keeps ours, and the waiting/supplement counters only grow.
_MERGE_SET = {
    "appointment_date": "COALESCE(s.appointment_date, d.appointment_date)",
    "status_changed_at": "COALESCE(s.status_changed_at, d.status_changed_at)",
    "finished_at": "COALESCE(s.finished_at, d.finished_at)",
    "waiting_days": "MAX(s.waiting_days, d.waiting_days)",
    "supplement_requests": "MAX(s.supplement_requests, d.supplement_requests)",
}
_MERGED_COLUMNS = [c for c in DATA_COLUMNS if c not in ("code", "status")]


def _merge_expr(column: str) -> str:
    return _MERGE_SET.get(column, f"s.{column}")


_UPDATE_SAME_STATUS = (
    "UPDATE dossiers AS d SET "
    + ", ".join(f"{c} = {_merge_expr(c)}" for c in _MERGED_COLUMNS)
    + ", updated_at = ? FROM temp.dossier_staging AS s WHERE d.code = s.code AND d.status = s.status AND ("
    + " OR ".join(f"d.{c} IS NOT {_merge_expr(c)}" for c in _MERGED_COLUMNS)
    + ")"
)


# ---------------------------------------------------------------------------
# Row conversion
# ---------------------------------------------------------------------------


def _dt(value: datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="seconds") if value is not None else None


def _d(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _parse_d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def dossier_params(d: Dossier) -> tuple:
    """A dossier as the values of DATA_COLUMNS, in the stored text forms."""
    return (
        d.code,
        d.procedure_code,
        d.procedure_name,
        d.field,
        d.applicant_name,
        d.phone,
        _dt(d.received_at),
        _d(d.appointment_date),
        int(d.status),
        _dt(d.status_changed_at),
        _dt(d.finished_at),
        d.missing_documents,
        d.fee_due,
        d.result_location,
        d.waiting_days,
        d.supplement_requests,
        d.note,
    )


def row_to_dossier(row: Sequence) -> Dossier:
    """Inverse of :func:`dossier_params`; ``row`` holds DATA_COLUMNS in order."""
    return Dossier(
        code=row[0],
        procedure_code=row[1],
        procedure_name=row[2],
        field=row[3],
        applicant_name=row[4],
        phone=row[5],
        received_at=datetime.fromisoformat(row[6]),
        appointment_date=_parse_d(row[7]),
        status=DossierStatus(row[8]),
        status_changed_at=_parse_dt(row[9]),
        finished_at=_parse_dt(row[10]),
        missing_documents=row[11],
        fee_due=row[12],
        result_location=row[13],
        waiting_days=row[14],
        supplement_requests=row[15],
        note=row[16],
    )


# ---------------------------------------------------------------------------
# Single dossiers
# ---------------------------------------------------------------------------


async def get(db: Database, code: str) -> Dossier | None:
    """The lookup hot path: one probe of the code index, one round trip."""
    row = await db.fetch_one(f"{_SELECT} WHERE code = ?", (code,))
    return row_to_dossier(row) if row is not None else None


async def get_with_failures(
    db: Database, code: str, failure_key: str, since: float
) -> tuple[Dossier | None, int]:
    """The dossier and the person's recent failed checks, in one round trip (the lookup's hot path)."""
    cols = ", ".join(f"d.{c}" for c in DATA_COLUMNS)
    row = await db.fetch_one(
        f"SELECT (SELECT COUNT(*) FROM rate_events WHERE key = ? AND at > ?), {cols}"
        " FROM (SELECT 1) LEFT JOIN dossiers AS d ON d.code = ?",
        (failure_key, since, code),
    )
    if row is None:
        return None, 0
    return (row_to_dossier(tuple(row)[1:]) if row[1] is not None else None), int(row[0])


async def count(db: Database) -> int:
    row = await db.fetch_one("SELECT COUNT(*) FROM dossiers")
    return int(row[0]) if row else 0


async def codes_with_prefix(db: Database, prefix: str) -> list[str]:
    rows = await db.fetch_all(
        "SELECT code FROM dossiers WHERE code >= ? AND code < ? ORDER BY code", (prefix, prefix + "\uffff")
    )
    return [r[0] for r in rows]


async def save(db: Database, dossier: Dossier, now: float) -> None:
    """Write every column of an existing dossier (after a status change computed in Python)."""
    params = dossier_params(dossier)
    sets = ", ".join(f"{c} = ?" for c in DATA_COLUMNS[1:])
    async with db.transaction() as conn:
        await conn.execute(
            f"UPDATE dossiers SET {sets}, updated_at = ? WHERE code = ?", (*params[1:], now, dossier.code)
        )


async def add_history(
    db: Database,
    code: str,
    at: datetime,
    old_status: int | None,
    new_status: int,
    source: str,
    actor_id: str | None = None,
    note: str | None = None,
) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO dossier_status_history (code, at, old_status, new_status, source, actor_id, note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (code, _dt(at), old_status, new_status, source, actor_id, note),
        )


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    old_status: DossierStatus | None
    new_status: DossierStatus
    source: str
    actor_id: str | None
    note: str | None


async def history(db: Database, code: str, limit: int = 10) -> list[HistoryEntry]:
    """The most recent changes, oldest first."""
    rows = await db.fetch_all(
        "SELECT at, old_status, new_status, source, actor_id, note FROM dossier_status_history"
        " WHERE code = ? ORDER BY id DESC LIMIT ?",
        (code, limit),
    )
    return [
        HistoryEntry(
            datetime.fromisoformat(r[0]),
            DossierStatus(r[1]) if r[1] is not None else None,
            DossierStatus(r[2]),
            r[3],
            r[4],
            r[5],
        )
        for r in reversed(rows)
    ]


# ---------------------------------------------------------------------------
# Followers
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Follower:
    id: int
    code: str
    channel: str
    user_id: str
    chat_id: str


async def follow(db: Database, code: str, channel: str, user_id: str, chat_id: str, now: float) -> bool:
    """True when a new subscription was made; following twice changes nothing."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "INSERT INTO dossier_followers (code, channel, user_id, chat_id, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (code, channel, user_id, chat_id) DO NOTHING",
            (code, channel, user_id, chat_id, now),
        )
        return cur.rowcount > 0


async def follower_id(db: Database, code: str, channel: str, user_id: str, chat_id: str) -> int | None:
    row = await db.fetch_one(
        "SELECT id FROM dossier_followers WHERE code = ? AND channel = ? AND user_id = ? AND chat_id = ?",
        (code, channel, user_id, chat_id),
    )
    return int(row[0]) if row else None


async def count_followed(db: Database, channel: str, user_id: str) -> int:
    row = await db.fetch_one(
        "SELECT COUNT(*) FROM dossier_followers WHERE channel = ? AND user_id = ?", (channel, user_id)
    )
    return int(row[0]) if row else 0


async def unfollow(db: Database, subscription_id: int, channel: str, user_id: str) -> str | None:
    """Remove one of *this person's* subscriptions; the code it was for, or None when there was none.

    The owner check is in the WHERE clause, so a forged id can only ever
    unsubscribe the person who sent it.
    """
    async with db.transaction() as conn:
        rows = await conn.execute_fetchall(
            "DELETE FROM dossier_followers WHERE id = ? AND channel = ? AND user_id = ? RETURNING code",
            (subscription_id, channel, user_id),
        )
        row = next(iter(rows), None)
        return row[0] if row is not None else None


async def followers(db: Database, code: str) -> list[Follower]:
    rows = await db.fetch_all(
        "SELECT id, code, channel, user_id, chat_id FROM dossier_followers WHERE code = ? ORDER BY id",
        (code,),
    )
    return [Follower(r[0], r[1], r[2], r[3], r[4]) for r in rows]


async def follower_count(db: Database, code: str) -> int:
    row = await db.fetch_one("SELECT COUNT(*) FROM dossier_followers WHERE code = ?", (code,))
    return int(row[0]) if row else 0


# ---------------------------------------------------------------------------
# Bulk import: staging + merge
# ---------------------------------------------------------------------------

_STAGING_DDL = (
    "CREATE TEMP TABLE IF NOT EXISTS dossier_staging ("
    " code TEXT PRIMARY KEY, procedure_code TEXT, procedure_name TEXT, field TEXT, applicant_name TEXT,"
    " phone TEXT, received_at TEXT, appointment_date TEXT, status INTEGER, status_changed_at TEXT,"
    " finished_at TEXT, missing_documents TEXT, fee_due INTEGER, result_location TEXT,"
    " waiting_days INTEGER, supplement_requests INTEGER, note TEXT) WITHOUT ROWID"
)
_STAGE_INSERT = (
    f"INSERT OR REPLACE INTO temp.dossier_staging ({_COLS}) VALUES ({', '.join('?' * len(DATA_COLUMNS))})"
)


async def begin_staging(db: Database) -> None:
    """Create (or empty) this connection's staging table; it lives outside the database file."""
    async with db.transaction() as conn:
        await conn.execute(_STAGING_DDL)
        await conn.execute("DELETE FROM temp.dossier_staging")


async def stage(db: Database, dossiers: Iterable[Dossier]) -> None:
    """One batch into staging with a single executemany; a repeated code replaces the earlier row."""
    await stage_params(db, [dossier_params(d) for d in dossiers])


async def stage_params(db: Database, rows: list[tuple]) -> None:
    """As :func:`stage`, for rows already converted with :func:`dossier_params` (e.g. in a worker thread)."""
    async with db.transaction() as conn:
        await conn.executemany(_STAGE_INSERT, rows)


async def staged_count(db: Database) -> int:
    async with db.transaction() as conn:
        rows = await conn.execute_fetchall("SELECT COUNT(*) FROM temp.dossier_staging")
        return int(next(iter(rows))[0])


async def staged_status_changes(db: Database) -> list[tuple[Dossier, Dossier]]:
    """(stored, staged) pairs for codes whose status the file changes."""
    cols_s = ", ".join(f"s.{c}" for c in DATA_COLUMNS)
    cols_d = ", ".join(f"d.{c}" for c in DATA_COLUMNS)
    async with db.transaction() as conn:
        rows = await conn.execute_fetchall(
            f"SELECT {cols_d}, {cols_s} FROM temp.dossier_staging AS s"
            " JOIN dossiers AS d ON d.code = s.code WHERE d.status != s.status"
        )
    n = len(DATA_COLUMNS)
    return [(row_to_dossier(r[:n]), row_to_dossier(r[n:])) for r in rows]


async def merge_same_status(db: Database, now: float) -> int:
    """Update staged codes whose status is unchanged but some value differs; returns how many."""
    async with db.transaction() as conn:
        cur = await conn.execute(_UPDATE_SAME_STATUS, (now,))
        return max(cur.rowcount, 0)


async def insert_new_staged(db: Database, now: float) -> int:
    """Insert staged codes not stored yet; returns how many."""
    cols_s = ", ".join(f"s.{c}" for c in DATA_COLUMNS)
    async with db.transaction() as conn:
        cur = await conn.execute(
            f"INSERT INTO dossiers ({_COLS}, created_at, updated_at) SELECT {cols_s}, ?, ?"
            " FROM temp.dossier_staging AS s"
            " WHERE NOT EXISTS (SELECT 1 FROM dossiers AS d WHERE d.code = s.code)",
            (now, now),
        )
        return max(cur.rowcount, 0)


async def end_staging(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM temp.dossier_staging")


# ---------------------------------------------------------------------------
# Morning summary and report
# ---------------------------------------------------------------------------


async def due_candidates(db: Database, today: date) -> list[Dossier]:
    """Open dossiers not waiting on the citizen whose deadline may be today or past.

    A deadline is never before the appointment date (waiting days only push
    it later), so ``appointment_date <= today`` finds every candidate; more
    than one supplement request is late whatever the date. The service
    decides which are really due.
    """
    rows = await db.fetch_all(
        f"{_SELECT} WHERE status IN {OPEN_STATUSES_SQL} AND status NOT IN (5, 6)"
        " AND (appointment_date <= ? OR supplement_requests > 1) ORDER BY appointment_date, code",
        (today.isoformat(),),
    )
    return [row_to_dossier(r) for r in rows]


class KpiRow(NamedTuple):
    """What the timeliness report reads, built straight from SQL rows (see timeliness.KpiRecord)."""

    field: str
    received_at: datetime
    appointment_date: date | None
    status: int
    status_changed_at: datetime | None
    finished_at: datetime | None
    waiting_days: int
    supplement_requests: int


_KPI_COLS = (
    "field, received_at, appointment_date, status, status_changed_at, finished_at, waiting_days,"
    " supplement_requests"
)
_CLOSED_ON = "COALESCE(finished_at, status_changed_at)"
# The backlog open now, the dossiers closed in the period (or after it: open at its end), and the
# closed ones with no date at all that were received in the period (counted as incomplete).
_KPI_SQL_INDEXED = (
    f"SELECT {_KPI_COLS} FROM dossiers WHERE status IN {OPEN_STATUSES_SQL} AND received_at < :end"
    f" UNION ALL SELECT {_KPI_COLS} FROM dossiers WHERE status IN {CLOSED_STATUSES_SQL}"
    f" AND {_CLOSED_ON} >= :start AND received_at < :end"
    f" UNION ALL SELECT {_KPI_COLS} FROM dossiers WHERE status IN {CLOSED_STATUSES_SQL}"
    f" AND {_CLOSED_ON} IS NULL AND received_at >= :start AND received_at < :end"
)
# The same rows in one pass over the table: twice as fast when most of the table qualifies.
_KPI_SQL_SCAN = (
    f"SELECT {_KPI_COLS} FROM dossiers NOT INDEXED WHERE received_at < :end"
    f" AND (status IN {OPEN_STATUSES_SQL} OR {_CLOSED_ON} >= :start"
    f" OR ({_CLOSED_ON} IS NULL AND received_at >= :start))"
)
# Below this many dossiers a scan takes well under a second whatever the period.
SCAN_BELOW_ROWS = 50_000


def _prefer_index(conn: sqlite3.Connection, start: str) -> bool:
    """Use the indexes only when the period's closed dossiers are a small share of the table."""
    total = conn.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0]
    if total < SCAN_BELOW_ROWS:
        return False
    closed_since = conn.execute(
        f"SELECT COUNT(*) FROM dossiers WHERE status IN {CLOSED_STATUSES_SQL} AND {_CLOSED_ON} >= ?", (start,)
    ).fetchone()[0]
    return closed_since * 4 < total


def iter_kpi_rows(
    path: Path, period_start: date | None, as_of: date, use_index: bool | None = None
) -> Iterator[KpiRow]:
    """Stream the rows a report for ``[period_start, as_of]`` needs, on a private read-only connection.

    Synchronous on purpose: the report runs in a worker thread, so a year of a
    million dossiers neither blocks the event loop nor makes a million hops
    through aiosqlite's thread. Reads only committed data. ``use_index``
    forces one of the two equivalent queries (tests); by default the cheaper
    one is picked from two counts.
    """
    params = {
        "start": period_start.isoformat() if period_start is not None else "",
        "end": (as_of + timedelta(days=1)).isoformat(),
    }
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        if use_index is None:
            use_index = _prefer_index(conn, params["start"])
        dates: dict[str, date] = {}
        fromiso = datetime.fromisoformat
        cursor = conn.execute(_KPI_SQL_INDEXED if use_index else _KPI_SQL_SCAN, params)
        while True:
            chunk = cursor.fetchmany(20_000)
            if not chunk:
                break
            for fld, received, appointment, status, changed, finished, waiting, supplements in chunk:
                if appointment is None:
                    appt = None
                else:
                    appt = dates.get(appointment)
                    if appt is None:
                        appt = dates[appointment] = date.fromisoformat(appointment)
                yield KpiRow(
                    fld,
                    fromiso(received),
                    appt,
                    status,
                    fromiso(changed) if changed else None,
                    fromiso(finished) if finished else None,
                    waiting,
                    supplements,
                )
    finally:
        conn.close()


# ---------------------------------------------------------------------------
# Lookup failures (rate_events rows written through bot.storage.rate_events)
# ---------------------------------------------------------------------------


async def failure_window_opens_at(db: Database, key: str, since: float, limit: int) -> float | None:
    """When the failures over ``limit`` in the window started: the wait ends one window after that."""
    count_row = await db.fetch_one("SELECT COUNT(*) FROM rate_events WHERE key = ? AND at > ?", (key, since))
    seen = int(count_row[0]) if count_row else 0
    if seen < limit:
        return None
    row = await db.fetch_one(
        "SELECT at FROM rate_events WHERE key = ? AND at > ? ORDER BY at LIMIT 1 OFFSET ?",
        (key, since, seen - limit),
    )
    return float(row[0]) if row else None
