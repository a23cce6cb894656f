"""Feedback reports, their events and the per-year code sequence: every feedback SQL statement lives here.

Functions join the caller's ambient transaction, so a report, its first event
and the outbox rows announcing it commit together or not at all.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from bot.core import Attachment
from bot.storage.db import Database

OPEN_STATUSES = ("received", "in_progress")
CLOSED_STATUSES = ("resolved", "rejected")


@dataclass(frozen=True)
class Report:
    id: int
    code: str
    kind: str
    channel: str
    user_id: str
    chat_id: str
    category: str
    body: str
    photos: tuple[Attachment, ...]
    latitude: float | None
    longitude: float | None
    contact_name: str | None
    contact_phone: str | None
    status: str
    status_note: str | None
    created_at: float
    updated_at: float
    first_reply_at: float | None
    closed_at: float | None
    reminded_at: float | None
    rating: int | None
    rating_comment: str | None
    rated_at: float | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def location(self) -> Attachment | None:
        if self.latitude is None or self.longitude is None:
            return None
        return Attachment("location", latitude=self.latitude, longitude=self.longitude)

    def owned_by(self, channel: str, user_id: str) -> bool:
        return self.channel == channel and self.user_id == user_id


@dataclass(frozen=True)
class NewReport:
    kind: str
    channel: str
    user_id: str
    chat_id: str
    category: str
    body: str
    photos: tuple[Attachment, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


@dataclass(frozen=True)
class Event:
    id: int
    report_id: int
    at: float
    actor: str
    actor_id: str | None
    actor_name: str | None
    kind: str
    status: str | None
    body: str | None
    photos: int = 0


@dataclass(frozen=True)
class ExportRow:
    report: Report
    replies: int
    last_reply: str | None


def _photos_json(photos: tuple[Attachment, ...]) -> str:
    return json.dumps([p.to_dict() for p in photos], ensure_ascii=False)


_Record = TypeVar("_Record", "Report", "Event")


def _report(row: sqlite3.Row) -> Report:
    photos = tuple(Attachment.from_dict(p) for p in json.loads(row["photos"] or "[]"))
    return _from_row(Report, row, photos=photos)


def _event(row: sqlite3.Row) -> Event:
    return _from_row(Event, row)


def _from_row(cls: type[_Record], row: sqlite3.Row, **converted: Any) -> _Record:
    """A record whose fields are the row's columns of the same names, some `converted` first."""
    return cls(**{f.name: converted[f.name] if f.name in converted else row[f.name] for f in fields(cls)})


async def next_sequence(db: Database, year: int) -> int:
    """The next number of `year`; inside the caller's transaction, so a rolled-back report frees it."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "INSERT INTO feedback_counters (year, last_seq) VALUES (?, 1)"
            " ON CONFLICT (year) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq",
            (year,),
        )
        row = await cur.fetchone()
        await cur.close()
    assert row is not None
    return int(row[0])


async def insert(db: Database, code: str, new: NewReport, now: float) -> Report:
    async with db.transaction() as conn:
        cur = await conn.execute(
            "INSERT INTO feedback_reports (code, kind, channel, user_id, chat_id, category, body, photos,"
            " latitude, longitude, contact_name, contact_phone, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?)",
            (
                code,
                new.kind,
                new.channel,
                new.user_id,
                new.chat_id,
                new.category,
                new.body,
                _photos_json(new.photos),
                new.latitude,
                new.longitude,
                new.contact_name,
                new.contact_phone,
                now,
                now,
            ),
        )
        report_id = int(cur.lastrowid or 0)
    found = await get(db, report_id)
    assert found is not None
    return found


async def get(db: Database, report_id: int) -> Report | None:
    row = await db.fetch_one("SELECT * FROM feedback_reports WHERE id = ?", (report_id,))
    return _report(row) if row else None


async def get_by_code(db: Database, code: str) -> Report | None:
    row = await db.fetch_one("SELECT * FROM feedback_reports WHERE code = ?", (code,))
    return _report(row) if row else None


async def for_user(db: Database, channel: str, user_id: str, limit: int = 10) -> list[Report]:
    """Newest first: what "Phản ánh của tôi" shows."""
    rows = await db.fetch_all(
        "SELECT * FROM feedback_reports WHERE channel = ? AND user_id = ? ORDER BY id DESC LIMIT ?",
        (channel, user_id, limit),
    )
    return [_report(r) for r in rows]


async def count_created_since(db: Database, channel: str, user_id: str, since: float) -> int:
    row = await db.fetch_one(
        "SELECT COUNT(*) FROM feedback_reports WHERE channel = ? AND user_id = ? AND created_at >= ?",
        (channel, user_id, since),
    )
    return int(row[0]) if row else 0


async def set_status(db: Database, report_id: int, status: str, note: str | None, now: float) -> None:
    """Closing stamps closed_at; reopening clears it so the report counts as open again."""
    closed_at = now if status in CLOSED_STATUSES else None
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE feedback_reports SET status = ?, status_note = ?, closed_at = ?, updated_at = ?"
            " WHERE id = ?",
            (status, note, closed_at, now, report_id),
        )


async def mark_replied(db: Database, report_id: int, now: float) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE feedback_reports SET first_reply_at = COALESCE(first_reply_at, ?), updated_at = ?"
            " WHERE id = ?",
            (now, now, report_id),
        )


async def touch(db: Database, report_id: int, now: float) -> None:
    async with db.transaction() as conn:
        await conn.execute("UPDATE feedback_reports SET updated_at = ? WHERE id = ?", (now, report_id))


async def mark_reminded(db: Database, report_id: int, now: float) -> None:
    async with db.transaction() as conn:
        await conn.execute("UPDATE feedback_reports SET reminded_at = ? WHERE id = ?", (now, report_id))


async def set_rating(db: Database, report_id: int, rating: int, now: float) -> bool:
    """False when the report was already rated: the first rating stands."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE feedback_reports SET rating = ?, rated_at = ? WHERE id = ? AND rating IS NULL",
            (rating, now, report_id),
        )
        return cur.rowcount == 1


async def set_rating_comment(db: Database, report_id: int, comment: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE feedback_reports SET rating_comment = ? WHERE id = ?", (comment, report_id)
        )


async def add_event(
    db: Database,
    report_id: int,
    now: float,
    actor: str,
    kind: str,
    *,
    actor_id: str | None = None,
    actor_name: str | None = None,
    status: str | None = None,
    body: str | None = None,
    photos: int = 0,
) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO feedback_events (report_id, at, actor, actor_id, actor_name, kind, status, body,"
            " photos) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (report_id, now, actor, actor_id, actor_name, kind, status, body, photos),
        )


async def events(db: Database, report_id: int) -> list[Event]:
    rows = await db.fetch_all("SELECT * FROM feedback_events WHERE report_id = ? ORDER BY id", (report_id,))
    return [_event(r) for r in rows]


async def open_reports(db: Database) -> list[Report]:
    """Oldest first, for the daily summary and the overdue check."""
    rows = await db.fetch_all(
        "SELECT * FROM feedback_reports WHERE status IN ('received', 'in_progress') ORDER BY created_at, id"
    )
    return [_report(r) for r in rows]


async def unanswered_open(db: Database) -> list[Report]:
    """Open reports no official has replied to yet: the candidates for an overdue re-post."""
    rows = await db.fetch_all(
        "SELECT * FROM feedback_reports WHERE status IN ('received', 'in_progress')"
        " AND first_reply_at IS NULL ORDER BY created_at, id"
    )
    return [_report(r) for r in rows]


async def created_between(db: Database, start: float, end: float) -> list[ExportRow]:
    """Reports created in [start, end), with the number of official replies and the last one."""
    rows = await db.fetch_all(
        "SELECT r.*,"
        " (SELECT COUNT(*) FROM feedback_events e WHERE e.report_id = r.id AND e.kind = 'reply')"
        "   AS reply_count,"
        " (SELECT e.body FROM feedback_events e WHERE e.report_id = r.id AND e.kind = 'reply'"
        "   ORDER BY e.id DESC LIMIT 1) AS last_reply"
        " FROM feedback_reports r WHERE r.created_at >= ? AND r.created_at < ?"
        " ORDER BY r.created_at, r.id",
        (start, end),
    )
    return [ExportRow(_report(r), int(r["reply_count"]), r["last_reply"]) for r in rows]
