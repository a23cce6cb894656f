"""Dossier rules that need storage: the privacy-checked lookup, status changes that reach followers,
the bulk import, the morning summary and the timeliness report.

No channel types here: handlers turn these results into replies, and
notifications are plain :class:`Outgoing` rows queued in the outbox in the same
transaction as the change they report, so a crash can lose neither.

Privacy rules kept in one place:

* A lookup needs the code *and* the last digits of the phone registered with
  the dossier. A code that does not exist and wrong digits give the same
  outcome (``"failed"``) after the same work, and both count towards the
  per-person limit of failed checks per hour (``rate_events``); past the limit
  even the right digits get ``"limited"``.
* Nothing here logs a code, a name or a phone number: only event names and
  the channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import logging
import math
import re
import time as time_module
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from bot.config import Settings
from bot.core import Button, Outgoing, Reply, buttons
from bot.menus import DOSSIER_LOOKUP, MAIN_MENU_BUTTON
from bot.services import outbox
from bot.services.dossier_import import VN_TZ, BadRow, DossierImport, parse_date, parse_money
from bot.services.dossier_model import Dossier, DossierStatus, fold_text, with_status
from bot.services.phone import check_last_digits, mask_phone
from bot.services.report_chart import render_chart
from bot.services.timeliness import TimelinessReport, compute_report, deadline_info, due_date
from bot.services.workdays import DEFAULT_CUTOFF, WorkCalendar, load_calendar
from bot.storage import dossiers as store
from bot.storage import rate_events
from bot.texts import dossiers as texts

if TYPE_CHECKING:
    from bot.services.registry import Services

log = logging.getLogger(__name__)

CHECK_DIGITS = 4
FAILURE_WINDOW_SECONDS = 3600.0
# How long a passed check lets the person press "Theo dõi hồ sơ này".
VERIFIED_TTL_SECONDS = 3600.0
FOLLOW_LIMIT = 20
SUMMARY_LIST_LIMIT = 25
IMPORT_BATCH_SIZE = 5000
CHART_KEEP_DAYS = 7
MAX_CODE_LENGTH = 64


def vn_now() -> datetime:
    """Now in Vietnam (UTC+7), naive like every datetime in a Dossier, whatever the server's zone."""
    return datetime.now(VN_TZ).replace(tzinfo=None, microsecond=0)


def vn_today() -> date:
    return vn_now().date()


# ---------------------------------------------------------------------------
# Recognising codes and check digits in what people type
# ---------------------------------------------------------------------------

# A run of letters/digits joined by . - _ / (e.g. "H12.01-260105-0001", "000.00.12.H12-250101-0001").
_CODE_TOKEN = re.compile(r"(?<![\w.\-/])[A-Za-z0-9]+(?:[.\-_/][A-Za-z0-9]+)+(?![\w\-/]|\.\w)")
_LENIENT_CODE = re.compile(r"[A-Z0-9][A-Z0-9._/\-]{1,62}[A-Z0-9]")
_DIGIT_SEPARATORS = re.compile(r"[\s.\-()+]")


def _code_shaped(token: str) -> bool:
    """Strict enough that dates, phone numbers, procedure codes (1.001193) and "covid-19" are not codes."""
    digits = sum(ch.isdigit() for ch in token)
    return (
        6 <= len(token) <= MAX_CODE_LENGTH
        and "-" in token
        and digits >= 4
        and any(ch.isascii() and ch.isalpha() for ch in token)
    )


def find_code(text: str) -> str | None:
    """The first dossier-code-looking token in free text, normalised; None when there is none."""
    for match in _CODE_TOKEN.finditer(text):
        token = match.group(0)
        if _code_shaped(token):
            return token.upper()
    return None


def looks_like_dossier_code(text: str) -> bool:
    """Router predicate: "hồ sơ H12.01-260105-0001 xong chưa?" goes to the lookup, not the matcher."""
    return len(text) <= 500 and find_code(text) is not None


def parse_code(text: str) -> str | None:
    """What the citizen typed when asked for the code: a code-looking token, or the whole (short) text.

    Lenient on purpose (any 3–64 letters/digits with at least one digit): a
    wrong code costs one neutral failure, a too-strict parser would reject real
    codes from software we have not seen.
    """
    found = find_code(text)
    if found is not None:
        return found
    candidate = re.sub(r"\s+", "", text).upper()
    if _LENIENT_CODE.fullmatch(candidate) and any(ch.isdigit() for ch in candidate):
        return candidate
    return None


def parse_check_digits(text: str) -> str | None:
    """Four digits; a whole phone number typed instead gives its last four (people do that)."""
    digits = _DIGIT_SEPARATORS.sub("", text)
    if not digits.isascii() or not digits.isdigit():
        return None
    if len(digits) == CHECK_DIGITS:
        return digits
    if 9 <= len(digits) <= 12:
        return digits[-CHECK_DIGITS:]
    return None


# ---------------------------------------------------------------------------
# Appointments from the knowledge base
# ---------------------------------------------------------------------------


def _parse_hhmm(text: str | None, default: time) -> time:
    if not text:
        return default
    try:
        hours, _, minutes = text.strip().partition(":")
        return time(int(hours), int(minutes or 0))
    except ValueError:
        return default


def processing_time_lookup(services: Services) -> Callable[[str], tuple[Any, ...] | None]:
    """procedure code → (value, unit, cut-off) from the knowledge base, as DossierImport expects."""
    default_cutoff = _parse_hhmm(services.settings.same_day_cutoff, DEFAULT_CUTOFF)

    def lookup(procedure_code: str) -> tuple[Any, ...] | None:
        knowledge = services.knowledge
        if knowledge is None:
            return None
        procedure = knowledge.kb.procedures.get(procedure_code)
        if procedure is None:
            return None
        spec = procedure.processing_time
        return (spec.value, spec.unit, _parse_hhmm(spec.cutoff, default_cutoff))

    return lookup


def with_appointment(services: Services, dossier: Dossier) -> tuple[Dossier, bool]:
    """The dossier with its appointment computed from the procedure's processing time when it has none.

    Returns (dossier, computed). Dossiers not yet received (1) or refused at
    intake (3) have no appointment by nature and are left alone.
    """
    if dossier.appointment_date is not None or dossier.status in (
        DossierStatus.MOI_DANG_KY,
        DossierStatus.KHONG_DUOC_TIEP_NHAN,
    ):
        return dossier, False
    spec = processing_time_lookup(services)(dossier.procedure_code)
    if spec is None:
        return dossier, False
    try:
        appointment = services.calendar.appointment_for(dossier.received_at, spec[0], spec[1], spec[2])
    except ValueError:
        return dossier, False
    return replace(dossier, appointment_date=appointment), True


def procedure_name(services: Services, dossier: Dossier) -> str:
    if dossier.procedure_name:
        return dossier.procedure_name
    knowledge = services.knowledge
    procedure = knowledge.kb.procedures.get(dossier.procedure_code) if knowledge is not None else None
    return procedure.name if procedure is not None else texts.UNKNOWN_PROCEDURE


# ---------------------------------------------------------------------------
# Formatting helpers
# ---------------------------------------------------------------------------


def fmt_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def fmt_datetime(value: datetime) -> str:
    return value.strftime("%H:%M %d/%m/%Y") if value.time() != time(0, 0) else fmt_date(value)


def fmt_money(amount: int) -> str:
    """150000 → "150.000": the Vietnamese thousands separator."""
    return f"{amount:,}".replace(",", ".")


def _status_details(services: Services, dossier: Dossier) -> list[str]:
    """What to do next for the statuses where the citizen has something to do."""
    status = dossier.status
    if status is DossierStatus.YEU_CAU_BO_SUNG:
        if dossier.missing_documents:
            return [texts.MISSING.format(what=dossier.missing_documents)]
        return [texts.MISSING_UNKNOWN]
    if status is DossierStatus.YEU_CAU_NGHIA_VU_TAI_CHINH:
        if dossier.fee_due is not None:
            return [texts.FEE.format(amount=fmt_money(dossier.fee_due))]
        return [texts.FEE_UNKNOWN]
    if status is DossierStatus.DA_XU_LY_XONG:
        settings = services.settings
        where = dossier.result_location or settings.office_address
        return [texts.COLLECT.format(where=where, hours=settings.office_hours)]
    return []


def _time_line(services: Services, dossier: Dossier, today: date) -> str | None:
    if dossier.is_closed:
        return None
    if dossier.status.waits_for_citizen:
        return texts.PAUSED
    info = deadline_info(dossier, today, services.calendar)
    if info.due is None or info.working_days_left is None:
        return None
    due = fmt_date(info.due)
    if today > info.due:
        return texts.DAYS_LATE.format(n=max(1, -info.working_days_left), date=due)
    if info.working_days_left == 0 or today == info.due:
        return texts.DUE_TODAY.format(date=due)
    return texts.DAYS_LEFT.format(n=info.working_days_left, date=due)


def citizen_card(services: Services, dossier: Dossier, today: date, following: bool = False) -> str:
    """The lookup answer: short lines for a phone screen, the applicant's name masked."""
    dossier, _ = with_appointment(services, dossier)
    lines = [
        texts.CARD_TITLE.format(code=dossier.code),
        texts.CARD_PROCEDURE.format(name=procedure_name(services, dossier)),
    ]
    if dossier.applicant_name:
        lines.append(texts.CARD_APPLICANT.format(name=dossier.masked_applicant_name))
    lines.append(texts.CARD_RECEIVED.format(date=fmt_date(dossier.received_at.date())))
    if dossier.appointment_date is not None:
        lines.append(texts.CARD_APPOINTMENT.format(date=fmt_date(dossier.appointment_date)))
    else:
        lines.append(texts.CARD_NO_APPOINTMENT)
    lines.append(texts.CARD_STATUS.format(label=dossier.status.label))
    lines.append(dossier.status.citizen_text)
    if (line := _time_line(services, dossier, today)) is not None:
        lines.append(line)
    lines += _status_details(services, dossier)
    if following:
        lines.append(texts.FOLLOWING_NOTE)
    return "\n".join(lines)


def status_notification(services: Services, dossier: Dossier, note: str | None = None) -> str:
    """What a follower is told when the status changes; where to collect when the result is ready."""
    lines = [
        texts.NOTIFY_TITLE.format(code=dossier.code, procedure=procedure_name(services, dossier)),
        texts.NOTIFY_STATUS.format(label=dossier.status.label, text=dossier.status.citizen_text),
    ]
    lines += _status_details(services, dossier)
    if note and dossier.status not in (DossierStatus.YEU_CAU_BO_SUNG,):
        lines.append(texts.OFFICIAL_NOTE.format(note=note))
    return "\n".join(lines)


def unfollow_buttons(subscription_id: int) -> tuple[tuple[Button, ...], ...]:
    return buttons(
        [(texts.BTN_UNFOLLOW, f"dossier:unfollow:{subscription_id}")],
        [(texts.BTN_LOOKUP_OTHER, DOSSIER_LOOKUP), MAIN_MENU_BUTTON],
    )


def _who(entry: store.HistoryEntry) -> str:
    if entry.source == "staff":
        return texts.HISTORY_BY_STAFF.format(actor=entry.actor_id or "?")
    if entry.source == "demo":
        return texts.HISTORY_BY_DEMO
    return texts.HISTORY_BY_IMPORT


async def staff_card(services: Services, dossier: Dossier, today: date) -> str:
    """/hoso: everything about one dossier for officials, the applicant's name in full."""
    db = services.db
    dossier, computed = with_appointment(services, dossier)
    lines = [
        texts.STAFF_CARD_TITLE.format(code=dossier.code),
        texts.STAFF_CARD_PROCEDURE.format(
            name=procedure_name(services, dossier), code=dossier.procedure_code or "?"
        ),
    ]
    if dossier.field:
        lines.append(texts.STAFF_CARD_FIELD.format(field=dossier.field))
    lines.append(texts.STAFF_CARD_APPLICANT.format(name=dossier.applicant_name or "?"))
    if dossier.phone:
        lines.append(texts.STAFF_CARD_PHONE.format(phone=mask_phone(dossier.phone)))
    else:
        lines.append(texts.STAFF_CARD_NO_PHONE)
    lines.append(texts.STAFF_CARD_RECEIVED.format(at=fmt_datetime(dossier.received_at)))
    if dossier.appointment_date is not None:
        template = texts.STAFF_CARD_APPOINTMENT_COMPUTED if computed else texts.STAFF_CARD_APPOINTMENT
        lines.append(template.format(date=fmt_date(dossier.appointment_date)))
        due = due_date(dossier, services.calendar, today)
        if due is not None and due != dossier.appointment_date:
            lines.append(texts.STAFF_CARD_DUE.format(date=fmt_date(due)))
    if dossier.status_changed_at is not None:
        lines.append(
            texts.STAFF_CARD_STATUS_SINCE.format(
                label=dossier.status.label, at=fmt_datetime(dossier.status_changed_at)
            )
        )
    else:
        lines.append(texts.STAFF_CARD_STATUS.format(label=dossier.status.label))
    if not dossier.is_closed and not dossier.status.waits_for_citizen:
        info = deadline_info(dossier, today, services.calendar)
        if info.due is not None and info.working_days_left is not None:
            if today > info.due:
                lines.append(texts.STAFF_CARD_LATE.format(n=max(1, -info.working_days_left)))
            elif dossier.supplement_requests > 1:
                lines.append(texts.STAFF_CARD_LATE_RULE)
            elif info.working_days_left == 0:
                lines.append(texts.STAFF_CARD_TODAY)
            else:
                lines.append(texts.STAFF_CARD_LEFT.format(n=info.working_days_left))
    if dossier.finished_at is not None:
        lines.append(texts.STAFF_CARD_FINISHED.format(at=fmt_datetime(dossier.finished_at)))
    if dossier.missing_documents:
        lines.append(texts.STAFF_CARD_MISSING.format(what=dossier.missing_documents))
    if dossier.fee_due is not None:
        lines.append(texts.STAFF_CARD_FEE.format(amount=fmt_money(dossier.fee_due)))
    if dossier.result_location:
        lines.append(texts.STAFF_CARD_LOCATION.format(where=dossier.result_location))
    if dossier.supplement_requests or dossier.waiting_days:
        lines.append(
            texts.STAFF_CARD_COUNTERS.format(
                supplements=dossier.supplement_requests, waiting=dossier.waiting_days
            )
        )
    if dossier.note:
        lines.append(texts.STAFF_CARD_NOTE.format(note=dossier.note))
    lines.append(texts.STAFF_CARD_FOLLOWERS.format(n=await store.follower_count(db, dossier.code)))
    entries = await store.history(db, dossier.code, limit=8)
    if entries:
        lines.append(texts.STAFF_CARD_HISTORY)
        for entry in entries:
            lines.append(
                texts.STAFF_CARD_HISTORY_LINE.format(
                    at=fmt_datetime(entry.at),
                    old=entry.old_status.label if entry.old_status else texts.HISTORY_NO_STATUS,
                    new=entry.new_status.label,
                    who=_who(entry),
                    note=f" — {entry.note}" if entry.note else "",
                )
            )
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# The privacy-checked lookup
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LookupOutcome:
    kind: Literal["ok", "failed", "limited"]
    dossier: Dossier | None = None
    # For "limited": minutes until one more attempt is allowed.
    wait_minutes: int = 0


def _failure_key(channel: str, user_id: str) -> str:
    return f"dossier_check_failed:{channel}:{user_id}"


async def check_lookup(
    services: Services, channel: str, user_id: str, code: str, digits: str, now: float | None = None
) -> LookupOutcome:
    """Code + last digits → the dossier, or the same "failed" for an unknown code and wrong digits."""
    db = services.db
    now = time_module.time() if now is None else now
    key = _failure_key(channel, user_id)
    limit = services.settings.dossier_lookup_failures_per_hour
    since = now - FAILURE_WINDOW_SECONDS
    dossier, failures = await store.get_with_failures(db, code, key, since)
    if failures >= limit:
        opened = await store.failure_window_opens_at(db, key, since, limit)
        wait = max(1, math.ceil(((opened or now) + FAILURE_WINDOW_SECONDS - now) / 60))
        log.info("dossier check refused", extra={"event": "dossier_check_limited", "channel": channel})
        return LookupOutcome("limited", wait_minutes=wait)
    # Always compare, also without a dossier, so both failures cost the same.
    matches = check_last_digits(dossier.phone if dossier is not None else None, digits, CHECK_DIGITS)
    if dossier is None or not matches:
        await rate_events.record(db, key, now)
        log.info("dossier check failed", extra={"event": "dossier_check_failed", "channel": channel})
        return LookupOutcome("failed")
    log.info("dossier check passed", extra={"event": "dossier_check_ok", "channel": channel})
    return LookupOutcome("ok", dossier)


async def is_following(services: Services, code: str, channel: str, user_id: str, chat_id: str) -> int | None:
    return await store.follower_id(services.db, code, channel, user_id, chat_id)


@dataclass(frozen=True)
class FollowResult:
    kind: Literal["followed", "already", "too_many", "gone"]
    subscription_id: int | None = None


async def follow(services: Services, code: str, channel: str, user_id: str, chat_id: str) -> FollowResult:
    """Subscribe a person who has just passed the check for ``code`` (the handler makes sure of that)."""
    db = services.db
    if await store.get(db, code) is None:
        return FollowResult("gone")
    existing = await store.follower_id(db, code, channel, user_id, chat_id)
    if existing is not None:
        return FollowResult("already", existing)
    if await store.count_followed(db, channel, user_id) >= FOLLOW_LIMIT:
        return FollowResult("too_many")
    await store.follow(db, code, channel, user_id, chat_id, time_module.time())
    log.info("dossier followed", extra={"event": "dossier_followed", "channel": channel})
    return FollowResult("followed", await store.follower_id(db, code, channel, user_id, chat_id))


async def unfollow(services: Services, subscription_id: int, channel: str, user_id: str) -> str | None:
    return await store.unfollow(services.db, subscription_id, channel, user_id)


# ---------------------------------------------------------------------------
# Status changes
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusChange:
    before: Dossier
    after: Dossier
    notified: int

    @property
    def changed(self) -> bool:
        return self.before.status != self.after.status


def _split_fee(note: str) -> tuple[int | None, str]:
    """ "150.000 lệ phí hộ tịch" → (150000, "lệ phí hộ tịch"); no amount first → (None, note)."""
    head, _, rest = note.strip().partition(" ")
    if not head:
        return None, ""
    try:
        return parse_money(head), rest.strip()
    except ValueError:
        return None, note.strip()


async def _notify_followers(services: Services, dossier: Dossier, note: str | None) -> int:
    """Queue one message per follower, on the channel and chat they followed from."""
    text = status_notification(services, dossier, note)
    sent = 0
    for follower in await store.followers(services.db, dossier.code):
        reply = Reply(text, buttons=unfollow_buttons(follower.id))
        await outbox.queue(services.db, Outgoing(follower.channel, follower.chat_id, reply))
        sent += 1
    return sent


async def change_status(
    services: Services,
    code: str,
    new_status: DossierStatus,
    note: str = "",
    actor_id: str | None = None,
    now: datetime | None = None,
) -> StatusChange | None:
    """An official's status change: the row, its history and the followers' messages in one transaction.

    None when there is no such dossier. Setting the status it already has
    changes nothing and notifies nobody.
    """
    db = services.db
    at = (now or vn_now()).replace(microsecond=0)
    note = note.strip()
    async with db.transaction():
        before = await store.get(db, code)
        if before is None:
            return None
        if before.status == new_status:
            return StatusChange(before, before, 0)
        after = with_status(before, new_status, at, services.calendar)
        if new_status is DossierStatus.YEU_CAU_BO_SUNG and note:
            after = replace(after, missing_documents=note)
        if new_status is DossierStatus.YEU_CAU_NGHIA_VU_TAI_CHINH and note:
            fee, rest = _split_fee(note)
            if fee is not None:
                after = replace(after, fee_due=fee)
                note = rest
        after, _ = with_appointment(services, after)
        await store.save(db, after, time_module.time())
        await store.add_history(
            db, code, at, int(before.status), int(new_status), "staff", actor_id, note or None
        )
        notified = await _notify_followers(services, after, note or None)
    log.info("dossier status changed", extra={"event": "dossier_status_changed", "notified": notified})
    return StatusChange(before, after, notified)


# ---------------------------------------------------------------------------
# Bulk upsert and import
# ---------------------------------------------------------------------------


@dataclass
class UpsertCounts:
    loaded: int = 0  # good rows handed in (a repeated code counts each time)
    distinct: int = 0  # distinct codes among them
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    status_changes: int = 0
    notified: int = 0


@dataclass
class ImportResult(UpsertCounts):
    rows_seen: int = 0
    appointments_computed: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    warnings: list[BadRow] = field(default_factory=list)


def _next_batch(iterator: Iterator[Dossier], size: int) -> list[tuple]:
    """Parse and convert the next batch; runs in a worker thread so parsing overlaps the inserts."""
    return [store.dossier_params(d) for d in itertools.islice(iterator, size)]


def _merge_status_change(
    stored: Dossier, incoming: Dossier, calendar: WorkCalendar, now: datetime
) -> Dossier:
    """The export changed the status: take its values, keep our bookkeeping where it has none."""
    at = incoming.status_changed_at or now
    progressed = with_status(stored, incoming.status, at, calendar)
    return replace(
        incoming,
        appointment_date=incoming.appointment_date or stored.appointment_date,
        status_changed_at=at,
        finished_at=incoming.finished_at or progressed.finished_at,
        waiting_days=max(incoming.waiting_days, progressed.waiting_days),
        supplement_requests=max(incoming.supplement_requests, progressed.supplement_requests),
    )


async def upsert_dossiers(
    services: Services,
    dossiers: Iterable[Dossier],
    *,
    source: Literal["import", "demo"] = "import",
    batch_size: int = IMPORT_BATCH_SIZE,
    on_batch: Callable[[], None] | None = None,
    now: datetime | None = None,
) -> UpsertCounts:
    """Insert new codes, update changed ones, leave identical ones untouched (re-import = no-op).

    Rows are staged in batches (one executemany each, short transactions, so
    the bot keeps answering while a big file is parsed; parsing the next batch
    overlaps inserting this one); the merge, the
    history of status changes and the followers' notifications then commit
    in one transaction.
    """
    db = services.db
    moment = (now or vn_now()).replace(microsecond=0)
    stamp = time_module.time()
    counts = UpsertCounts()
    await store.begin_staging(db)
    # Parsing (pure Python) runs in a worker thread while SQLite inserts the previous batch: the
    # sqlite3 module releases the GIL while stepping, so the two overlap on a second core.
    iterator = iter(dossiers)
    parsing = asyncio.ensure_future(asyncio.to_thread(_next_batch, iterator, batch_size))
    try:
        while batch := await parsing:
            parsing = asyncio.ensure_future(asyncio.to_thread(_next_batch, iterator, batch_size))
            await store.stage_params(db, batch)
            counts.loaded += len(batch)
            if on_batch is not None:
                on_batch()
    finally:
        # Never leave a thread resuming the reader behind (e.g. when staging failed).
        with contextlib.suppress(Exception):
            await parsing
    async with db.transaction():
        counts.distinct = await store.staged_count(db)
        changes = await store.staged_status_changes(db)
        same_status_updates = await store.merge_same_status(db, stamp)
        for stored, incoming in changes:
            merged = _merge_status_change(stored, incoming, services.calendar, moment)
            await store.save(db, merged, stamp)
            await store.add_history(
                db,
                merged.code,
                merged.status_changed_at or moment,
                int(stored.status),
                int(merged.status),
                source,
            )
            counts.notified += await _notify_followers(services, merged, None)
        counts.inserted = await store.insert_new_staged(db, stamp)
        await store.end_staging(db)
    counts.status_changes = len(changes)
    counts.updated = same_status_updates + len(changes)
    counts.unchanged = counts.distinct - counts.inserted - counts.updated
    log.info(
        "dossiers upserted",
        extra={
            "event": "dossiers_upserted",
            "inserted": counts.inserted,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
        },
    )
    return counts


def make_import(services: Services, source: Any, **kwargs: Any) -> DossierImport:
    """A reader that fills missing appointments from the knowledge base's processing times."""
    # The reader runs in a worker thread (see upsert_dossiers); the calendar extends its tables
    # lazily, so it gets its own copy rather than sharing the bot's.
    return DossierImport(
        source,
        calendar=copy.copy(services.calendar),
        processing_time_for=processing_time_lookup(services),
        **kwargs,
    )


async def import_dossiers(
    services: Services,
    reader: DossierImport,
    *,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int = IMPORT_BATCH_SIZE,
) -> ImportResult:
    """Load an export: good rows upserted by code, bad rows reported with line numbers, never fatal.

    ``ImportFormatError`` (file unusable as a whole) propagates before anything is merged.
    """

    def progress() -> None:
        if on_progress is not None:
            on_progress(reader.rows_seen)

    counts = await upsert_dossiers(services, reader, batch_size=batch_size, on_batch=progress)
    progress()
    return ImportResult(
        **counts.__dict__,
        rows_seen=reader.rows_seen,
        appointments_computed=reader.appointments_computed,
        bad_rows=list(reader.bad_rows),
        warnings=list(reader.warnings),
    )


# ---------------------------------------------------------------------------
# Morning summary
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DueSummary:
    due_today: list[Dossier]
    # (dossier, working days late or None when late by the "more than one supplement request" rule, deadline)
    late: list[tuple[Dossier, int | None, date]]


async def due_summary(services: Services, today: date) -> DueSummary:
    calendar = services.calendar
    due_today: list[Dossier] = []
    late: list[tuple[Dossier, int | None, date]] = []
    for dossier in await store.due_candidates(services.db, today):
        due = due_date(dossier, calendar)
        if due is None:
            continue
        if due < today:
            late.append((dossier, max(1, calendar.working_days_between(due, today)), due))
        elif dossier.supplement_requests > 1:
            late.append((dossier, None, due))
        elif due == today:
            due_today.append(dossier)
    late.sort(key=lambda item: (-(item[1] or 0), item[0].code))
    return DueSummary(due_today, late)


def summary_text(services: Services, summary: DueSummary, today: date) -> str:
    lines = [texts.SUMMARY_TITLE.format(date=fmt_date(today))]
    if not summary.due_today and not summary.late:
        lines.append(texts.SUMMARY_NONE)
        return "\n".join(lines)
    lines.append(texts.SUMMARY_DUE_TODAY.format(n=len(summary.due_today)))
    for dossier in summary.due_today[:SUMMARY_LIST_LIMIT]:
        lines.append(
            texts.SUMMARY_LINE_DUE.format(code=dossier.code, procedure=procedure_name(services, dossier))
        )
    if len(summary.due_today) > SUMMARY_LIST_LIMIT:
        lines.append(texts.SUMMARY_MORE.format(n=len(summary.due_today) - SUMMARY_LIST_LIMIT))
    lines.append(texts.SUMMARY_LATE.format(n=len(summary.late)))
    for dossier, days, due in summary.late[:SUMMARY_LIST_LIMIT]:
        name = procedure_name(services, dossier)
        if days is None:
            lines.append(texts.SUMMARY_LINE_LATE_RULE.format(code=dossier.code, procedure=name))
        else:
            lines.append(
                texts.SUMMARY_LINE_LATE.format(code=dossier.code, procedure=name, n=days, date=fmt_date(due))
            )
    if len(summary.late) > SUMMARY_LIST_LIMIT:
        lines.append(texts.SUMMARY_MORE.format(n=len(summary.late) - SUMMARY_LIST_LIMIT))
    lines.append(texts.SUMMARY_FOOTER)
    return "\n".join(lines)


async def send_morning_summary(services: Services, today: date | None = None) -> bool:
    """Queue the summary for the staff group (inside the job's transaction, which records the day).

    A morning with nothing due and nothing late sends nothing: a daily "all
    clear" in a busy group teaches officials to skip the bot's messages.
    Returns whether a summary was queued.
    """
    day = today or vn_today()
    summary = await due_summary(services, day)
    if not summary.due_today and not summary.late:
        return False
    channel, chat_id = services.staff_chat
    await outbox.queue(services.db, Outgoing(channel, chat_id, Reply(summary_text(services, summary, day))))
    return True


def summary_period(services: Services, now: datetime) -> str | None:
    """Working mornings only, from the configured hour in Vietnam; the date is the period run once.

    ``now`` is naive server-local time (as the job runner passes it) or aware;
    either way it is read in Vietnam time, so a server on UTC still sends at 7:00 in Vietnam.
    """
    local = now.astimezone(VN_TZ)
    if local.hour < services.settings.daily_summary_hour:
        return None
    if not services.calendar.is_working_day(local.date()):
        return None
    return local.date().isoformat()


# ---------------------------------------------------------------------------
# Timeliness report
# ---------------------------------------------------------------------------


async def timeliness_report(services: Services, period_start: date | None, as_of: date) -> TimelinessReport:
    """Computed in a worker thread on its own read-only connection: a year of a million dossiers
    takes seconds, and the bot keeps reading messages meanwhile. The calendar is copied because
    it extends its tables lazily and is not meant to be shared across threads.
    """
    calendar = copy.copy(services.calendar)
    path = services.db.path

    def compute() -> TimelinessReport:
        return compute_report(store.iter_kpi_rows(path, period_start, as_of), calendar, as_of, period_start)

    return await asyncio.to_thread(compute)


def parse_period(arg: str, today: date) -> tuple[date, date] | None:
    """`/baocao` arguments: "" or thang (this month), quy (this quarter), nam (this year), or FROM TO."""
    words = arg.split()
    if not words:
        return today.replace(day=1), today
    if len(words) == 1:
        key = fold_text(words[0])
        if key in ("thang", "month"):
            return today.replace(day=1), today
        if key in ("quy", "quarter"):
            return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
        if key in ("nam", "year"):
            return date(today.year, 1, 1), today
        return None
    if len(words) == 2:
        try:
            return parse_date(words[0]), parse_date(words[1])
        except ValueError:
            return None
    return None


def chart_dir(services: Services) -> Path:
    return services.db.path.resolve().parent / "charts"


def write_chart(report: TimelinessReport, directory: Path) -> Path:
    """A PNG the outbox can upload later; charts older than a week are removed on the way."""
    directory.mkdir(parents=True, exist_ok=True)
    cutoff = time_module.time() - CHART_KEEP_DAYS * 86400
    for old in directory.glob("baocao-*.png"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass
    start = report.period_start or report.as_of
    name = f"baocao-{start:%Y%m%d}-{report.as_of:%Y%m%d}-{time_module.time_ns()}.png"
    path = directory / name
    render_chart(report, path)
    return path


# ---------------------------------------------------------------------------
# Command-line use (import, report, demo-seed) without the whole App
# ---------------------------------------------------------------------------


@asynccontextmanager
async def standalone_services(settings: Settings, with_knowledge: bool = True) -> AsyncIterator[Services]:
    """Storage, calendar and (optionally) the knowledge base, as the App builds them, for CLI commands.

    Notifications queued here are delivered by the running bot's outbox worker,
    which polls the same database file.
    """
    from bot.services.knowledge import KnowledgeService
    from bot.services.registry import Services
    from bot.storage.db import Database

    staff_chat = ("telegram", settings.staff_chat_id) if settings.telegram_enabled else ("console", "staff")
    knowledge = KnowledgeService.configured(settings) if with_knowledge else None
    db = Database(settings.database_path)
    await db.open()
    try:
        yield Services(
            settings,
            db,
            staff_chat,
            knowledge=knowledge,
            calendar=load_calendar(settings.holidays_override_file),
        )
    finally:
        await db.close()
        if knowledge is not None:
            knowledge.save_snapshot()  # as the bot would have, for its next start
