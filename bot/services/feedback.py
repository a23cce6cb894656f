"""Feedback (phản ánh, kiến nghị): the rules between a citizen's report and the officials' staff group.

Every method runs inside the caller's transaction (the dispatcher opens one per
incoming message, a job opens one per run), and everything it tells anyone is
an outbox row in that same transaction: a report and its "Đã tiếp nhận" commit
together, a relayed reply and its confirmation commit together, and nothing is
sent for a change that rolled back.

Messages are cut into outbox rows that each become one platform call (a photo
with its caption, an album, a text, a location pin). The outbox retries a whole
row, so a row that took two calls could show its first half twice after a
failure of the second; one call per row keeps "nothing doubled" true.

Time is the server's local time (run it with TZ=Asia/Ho_Chi_Minh): the daily
limit resets at local midnight and reminders count working hours on the
commune's working days (bot/services/workdays.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

from bot.config import Settings
from bot.core import CHANNELS_WITHOUT_BUTTONS, Attachment, Button, Outgoing, Reply, buttons
from bot.menus import MAIN_MENU_BUTTON, MY_FEEDBACK
from bot.services import outbox
from bot.services.phone import try_normalize_phone
from bot.services.registry import Services
from bot.services.workdays import WorkCalendar, load_calendar
from bot.storage import conversations, message_refs, staff_topics
from bot.storage import feedback as store
from bot.storage.db import Database
from bot.storage.feedback import ExportRow, NewReport, Report
from bot.texts import feedback as texts
from knowledge.normalize import fold

log = logging.getLogger(__name__)

CODE_PREFIX = "PA"
_CODE_RE = re.compile(r"(?<![0-9A-Za-z])PA[\s\-_.]?(\d{4})[\s\-_.]?(\d{1,6})(?!\d)", re.IGNORECASE)
STATUSES = ("received", "in_progress", "resolved", "rejected")
# What an official may set; "received" is where a report starts, not a decision.
STAFF_STATUSES = ("in_progress", "resolved", "rejected")
CLOSED = frozenset(store.CLOSED_STATUSES)
MAX_PHOTOS = 10  # a Telegram album holds ten
# Channels whose sender sends a photo with its caption and a native location pin in one call each.
NATIVE_MEDIA_CHANNELS = frozenset({"telegram", "console"})
# A kiến nghị about administrative rules needs the sender's name and phone (NĐ 20/2008 Điều 7).
# Categories are configurable, so the rule follows the category's name.
CONTACT_REQUIRED_MARKER = "thu tuc hanh chinh"
SUMMARY_LINES = 15
# Re-posts per run of the overdue job (every ten minutes of office hours). A neglected group could
# otherwise get hundreds at once, and they share the group's queue (about 20 messages a minute)
# with new reports. The rest wait for the next runs, oldest first; the daily summary lists them all.
OVERDUE_PER_RUN = 5


def _safe_cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def format_code(year: int, seq: int) -> str:
    return f"{CODE_PREFIX}-{year}-{seq:06d}"


def find_code(text: str) -> str | None:
    """The first report code in `text`, however a citizen typed it (`pa 2026 123`, `PA2026000123`)."""
    match = _CODE_RE.search(text or "")
    if match is None:
        return None
    return format_code(int(match.group(1)), int(match.group(2)))


def split_code(text: str) -> tuple[str | None, str]:
    """`PA-2026-000123 Xã đã cử người` → (code, the words after it)."""
    match = _CODE_RE.search(text or "")
    if match is None:
        return None, (text or "").strip()
    before = text[: match.start()].strip()
    after = text[match.end() :].lstrip(" :,;-–—\t").strip()
    return format_code(int(match.group(1)), int(match.group(2))), f"{before} {after}".strip()


_PHONE_RE = re.compile(r"(?:\+?84|0)[\d\s.\-()]{7,14}\d")


def parse_contact(text: str) -> tuple[str, str] | None:
    """`Nguyễn Văn A, 0912 345 678` (either order) → (name, phone in 0xxxxxxxxx form); None if unusable."""
    match = _PHONE_RE.search(text or "")
    if match is None:
        return None
    phone = try_normalize_phone(match.group())
    if phone is None:
        return None
    name = " ".join(f"{text[: match.start()]} {text[match.end() :]}".replace(",", " ").split())
    name = name.strip(" .;:-–—")
    if not 2 <= len(name) <= 100 or not any(ch.isalpha() for ch in name):
        return None
    return name, phone


def report_ref(report_id: int) -> str:
    """Outbox ref of every message about a report, so a reply to any of them finds the report."""
    return f"feedback:{report_id}"


def reason_ref(report_id: int) -> str:
    """Ref of the group message asking why a report is outside the commune's competence."""
    return f"feedback-reason:{report_id}"


def parse_ref(ref: str | None) -> tuple[str, int] | None:
    if not ref:
        return None
    kind, _, raw = ref.partition(":")
    if kind not in ("feedback", "feedback-reason") or not raw.isdigit():
        return None
    return kind, int(raw)


def usable_on(photo: Attachment, channel: str) -> bool:
    """A file id means something only to the platform that issued it; a URL travels."""
    if photo.file_id:
        return photo.channel == channel
    return bool(photo.url)


# --- Working hours --------------------------------------------------------------------------------


def _seconds(t: dt.time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


@dataclass(frozen=True)
class WorkingHours:
    """Office hours on a working day; reminders count only these."""

    periods: tuple[tuple[dt.time, dt.time], ...] = (
        (dt.time(7, 30), dt.time(11, 30)),
        (dt.time(13, 0), dt.time(17, 0)),
    )

    def seconds_between(self, start: dt.time, end: dt.time) -> float:
        total = 0.0
        for a, b in self.periods:
            lo, hi = max(a, start), min(b, end)
            if hi > lo:
                total += _seconds(hi) - _seconds(lo)
        return total

    @property
    def day_seconds(self) -> float:
        return self.seconds_between(dt.time.min, dt.time.max)

    def is_open(self, t: dt.time) -> bool:
        return any(a <= t < b for a, b in self.periods)


def working_seconds(
    calendar: WorkCalendar, hours: WorkingHours, start: dt.datetime, end: dt.datetime
) -> float:
    """Office time between two moments: partial first and last days plus whole working days between."""
    if end <= start:
        return 0.0
    first, last = start.date(), end.date()
    if first == last:
        return hours.seconds_between(start.time(), end.time()) if calendar.is_working_day(first) else 0.0
    total = 0.0
    if calendar.is_working_day(first):
        total += hours.seconds_between(start.time(), dt.time.max)
    if calendar.is_working_day(last):
        total += hours.seconds_between(dt.time.min, end.time())
    whole_days = calendar.working_days_between(first, last - dt.timedelta(days=1))
    return total + max(0, whole_days) * hours.day_seconds


# --- Outcomes the handlers turn into words --------------------------------------------------------


class FeedbackError(Exception):
    """A request the rules refuse; the handler says why and nothing has changed."""


class LimitReached(FeedbackError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"daily limit {limit}")
        self.limit = limit


class EmptyReport(FeedbackError):
    pass


class TooLong(FeedbackError):
    def __init__(self, length: int, limit: int) -> None:
        super().__init__(f"{length} > {limit}")
        self.length = length
        self.limit = limit


class ReportClosed(FeedbackError):
    pass


class SameStatus(FeedbackError):
    pass


class ReasonRequired(FeedbackError):
    pass


class NotClosed(FeedbackError):
    pass


@dataclass(frozen=True)
class Official:
    user_id: str
    name: str = ""


@dataclass(frozen=True)
class RelayOutcome:
    new_status: str | None
    photos_dropped: int


@dataclass(frozen=True)
class Located:
    """A report found from a message someone replied to, and whether that message asked for a reason."""

    report: Report
    asks_reason: bool


def _ts(now: dt.datetime) -> float:
    return now.timestamp()


def _local(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts)


def rating_buttons(report_id: int) -> tuple[tuple[Button, ...], ...]:
    return buttons([(label, f"fb:rate:{report_id}:{i}") for i, label in enumerate(texts.RATING_LABELS, 1)])


def status_buttons(report_id: int) -> tuple[tuple[Button, ...], ...]:
    return buttons([(label, f"fbst:{report_id}:{s}") for s, label in texts.STAFF_STATUS_BUTTONS.items()])


def citizen_followup_buttons(report: Report) -> tuple[tuple[Button, ...], ...]:
    rows: list[list[tuple[str, str]]] = []
    if report.is_open:
        rows.append([(texts.BTN_ADD, f"fb:add:{report.id}")])
    rows.append([(texts.BTN_MINE, MY_FEEDBACK), MAIN_MENU_BUTTON])
    return buttons(*rows)


class FeedbackService:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        staff_chat: tuple[str, str],
        calendar: WorkCalendar | None = None,
        hours: WorkingHours | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.staff_chat = staff_chat
        self._calendar = calendar
        self.hours = hours or WorkingHours()

    @property
    def calendar(self) -> WorkCalendar:
        """Loaded on first use: building the holiday tables is not free and most messages never need it."""
        if self._calendar is None:
            self._calendar = load_calendar(self.settings.holidays_override_file)
        return self._calendar

    # --- rules a handler asks about ---------------------------------------------------------------
    @staticmethod
    def contact_required(kind: str, category: str) -> bool:
        return kind == "report" and CONTACT_REQUIRED_MARKER in fold(category)

    async def reports_left_today(self, channel: str, user_id: str, now: dt.datetime | None = None) -> int:
        now = now or dt.datetime.now()
        midnight = dt.datetime.combine(now.date(), dt.time.min)
        used = await store.count_created_since(self.db, channel, user_id, _ts(midnight))
        return max(0, self.settings.feedback_per_day - used)

    # --- lookups ----------------------------------------------------------------------------------
    async def find(self, code_text: str) -> Report | None:
        code = find_code(code_text)
        return await store.get_by_code(self.db, code) if code else None

    async def get(self, report_id: int) -> Report | None:
        return await store.get(self.db, report_id)

    async def find_own(self, channel: str, user_id: str, code_text: str) -> Report | None:
        """Only the author's own report: someone else's code looks exactly like one that does not exist."""
        report = await self.find(code_text)
        return report if report is not None and report.owned_by(channel, user_id) else None

    async def get_own(self, channel: str, user_id: str, report_id: int) -> Report | None:
        report = await store.get(self.db, report_id)
        return report if report is not None and report.owned_by(channel, user_id) else None

    async def mine(self, channel: str, user_id: str, limit: int = 10) -> list[Report]:
        return await store.for_user(self.db, channel, user_id, limit)

    async def located(self, channel: str, chat_id: str, message_id: str) -> Located | None:
        """The report a delivered message belongs to, from our own mapping (never forwarded-from)."""
        parsed = parse_ref(await message_refs.ref_for(self.db, channel, chat_id, message_id))
        if parsed is None:
            return None
        report = await store.get(self.db, parsed[1])
        return Located(report, parsed[0] == "feedback-reason") if report else None

    async def history(self, report: Report) -> list[store.Event]:
        return await store.events(self.db, report.id)

    # --- filing -----------------------------------------------------------------------------------
    async def submit(self, new: NewReport, now: dt.datetime | None = None) -> Report:
        """Commit the report, post it to the group and acknowledge it, all in one transaction."""
        now = now or dt.datetime.now()
        body = new.body.strip()
        if not body:
            raise EmptyReport()
        if len(body) > self.settings.feedback_max_length:
            raise TooLong(len(body), self.settings.feedback_max_length)
        async with self.db.transaction():
            if await self.reports_left_today(new.channel, new.user_id, now) <= 0:
                raise LimitReached(self.settings.feedback_per_day)
            seq = await store.next_sequence(self.db, now.year)
            report = await store.insert(self.db, format_code(now.year, seq), new, _ts(now))
            await store.add_event(self.db, report.id, _ts(now), "citizen", "created", photos=len(new.photos))
            header = texts.CARD_NEW_QUESTION if report.kind == "question" else texts.CARD_NEW
            await self._post_card(report, header.format(code=report.code))
            ack = texts.ACK_QUESTION if report.kind == "question" else texts.ACK
            await self._tell_citizen(report, ack.format(code=report.code), citizen_followup_buttons(report))
        log.info("feedback created", extra={"event": "feedback_created", "report_id": report.id})
        return report

    async def add_details(
        self,
        report: Report,
        text: str,
        photos: Sequence[Attachment] = (),
        location: Attachment | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        """More words or photos from the author go to the same thread as the report."""
        now = now or dt.datetime.now()
        text = text.strip()
        if not report.is_open:
            raise ReportClosed()
        if not text and not photos and location is None:
            raise EmptyReport()
        if len(text) > self.settings.feedback_max_length:
            raise TooLong(len(text), self.settings.feedback_max_length)
        async with self.db.transaction():
            await store.add_event(
                self.db, report.id, _ts(now), "citizen", "addition", body=text or None, photos=len(photos)
            )
            await store.touch(self.db, report.id, _ts(now))
            lines = [texts.ADDITION_CARD.format(code=report.code)]
            if text:
                lines.append(text)
            thread, topic = await self._topic(report)
            await self._enqueue_parts(
                self.staff_chat,
                "\n".join(lines),
                (),
                tuple(photos),
                location,
                thread=thread,
                topic_key=topic,
                ref=report_ref(report.id),
            )
        log.info("feedback addition", extra={"event": "feedback_addition", "report_id": report.id})

    # --- officials --------------------------------------------------------------------------------
    async def relay(
        self,
        report: Report,
        official: Official,
        text: str,
        photos: Sequence[Attachment] = (),
        location: Attachment | None = None,
        reply_thread: str | None = None,
        now: dt.datetime | None = None,
    ) -> RelayOutcome:
        """An official's answer goes to the citizen on her channel; a new report becomes "Đang xử lý"."""
        now = now or dt.datetime.now()
        text = text.strip()
        if not text and not photos and location is None:
            raise EmptyReport()
        new_status = "in_progress" if report.status == "received" else None
        usable = tuple(p for p in photos if usable_on(p, report.channel))[:MAX_PHOTOS]
        dropped = len(photos) - len(usable)
        async with self.db.transaction():
            if new_status is not None:
                await self._record_status(report.id, new_status, None, official, now)
            await store.mark_replied(self.db, report.id, _ts(now))
            await store.add_event(
                self.db,
                report.id,
                _ts(now),
                "staff",
                "reply",
                actor_id=official.user_id,
                actor_name=official.name or None,
                body=text or None,
                photos=len(photos),
            )
            lines = [
                texts.RELAY.format(code=report.code, text=text)
                if text
                else texts.RELAY_PHOTOS_ONLY.format(code=report.code)
            ]
            if new_status is not None:
                lines.append(texts.RELAY_STATUS.format(status=texts.status_label(new_status)))
            if dropped:
                lines.append(texts.RELAY_PHOTOS_HIDDEN.format(count=dropped))
            current = await store.get(self.db, report.id)
            assert current is not None
            await self._tell_citizen(
                current, "\n".join(lines), citizen_followup_buttons(current), usable, location
            )
            confirm = texts.RELAYED.format(code=report.code)
            if new_status is not None:
                confirm += texts.RELAYED_STATUS.format(status=texts.status_label(new_status))
            if dropped:
                channel = texts.CHANNEL_NAMES.get(report.channel, report.channel)
                confirm += "\n" + texts.RELAYED_PHOTOS_LOST.format(count=dropped, channel=channel)
            await self._to_group(report, confirm, reply_thread)
        log.info("feedback relayed", extra={"event": "feedback_relayed", "report_id": report.id})
        return RelayOutcome(new_status, dropped)

    async def change_status(
        self,
        report: Report,
        status: str,
        official: Official,
        note: str = "",
        reply_thread: str | None = None,
        now: dt.datetime | None = None,
    ) -> Report:
        """The citizen hears of every change on her channel; a close asks her to rate it."""
        if status not in STAFF_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        note = note.strip()
        if status == report.status and not note:
            raise SameStatus()
        if status == "rejected" and not note:
            raise ReasonRequired()
        now = now or dt.datetime.now()
        reopened = not report.is_open and status not in CLOSED
        async with self.db.transaction():
            await self._record_status(report.id, status, note or None, official, now)
            current = await store.get(self.db, report.id)
            assert current is not None
            notice = texts.REOPENED_NOTICE if reopened else texts.STATUS_NOTICE[status]
            lines = [notice.format(code=report.code)]
            if note:
                template = texts.NOTICE_REASON if status == "rejected" else texts.NOTICE_NOTE
                lines.append(template.format(note=note))
            if status in CLOSED and current.rating is None:
                lines.append(texts.ASK_RATING)
                keyboard = rating_buttons(report.id)
                await self._tell_citizen(current, "\n".join(lines), keyboard)
                await self._offer_choices(current, keyboard)
            else:
                await self._tell_citizen(current, "\n".join(lines), citizen_followup_buttons(current))
            await self._to_group(
                report,
                texts.STATUS_CHANGED.format(code=report.code, status=texts.status_label(status)),
                reply_thread,
            )
        log.info("feedback status", extra={"event": "feedback_status", "report_id": report.id})
        return current

    async def ask_reason(self, report: Report, reply_thread: str | None) -> None:
        """A button cannot carry a reason: ask for it in a message whose replies are mapped to the report."""
        await self._enqueue_parts(
            self.staff_chat,
            texts.ASK_REASON.format(code=report.code),
            (),
            thread=reply_thread,
            ref=reason_ref(report.id),
        )

    async def show_to_staff(
        self, report: Report, chat: tuple[str, str] | None = None, reply_thread: str | None = None
    ) -> None:
        """The report with its contact and full history, to the staff group (or a listed official's own
        chat); replying to it answers the citizen too."""
        text = "\n".join(
            [
                texts.staff_card(report, texts.CARD_VIEW.format(code=report.code)),
                texts.staff_history(await self.history(report)),
            ]
        )
        keyboard = status_buttons(report.id) if report.is_open else ()
        await self._enqueue_parts(
            chat or self.staff_chat, text, keyboard, thread=reply_thread, ref=report_ref(report.id)
        )

    # --- rating -----------------------------------------------------------------------------------
    async def rate(self, report: Report, rating: int, now: dt.datetime | None = None) -> bool:
        """False when already rated: the first rating stands, a second press changes nothing."""
        if report.is_open:
            raise NotClosed()
        if not 1 <= rating <= 5:
            raise ValueError("rating out of range")
        now = now or dt.datetime.now()
        async with self.db.transaction():
            if not await store.set_rating(self.db, report.id, rating, _ts(now)):
                return False
            await store.add_event(self.db, report.id, _ts(now), "citizen", "rating", body=str(rating))
            await self._to_report_thread(report, texts.RATING_CARD.format(code=report.code, rating=rating))
        log.info("feedback rated", extra={"event": "feedback_rated", "report_id": report.id})
        return True

    async def comment(self, report: Report, text: str, now: dt.datetime | None = None) -> None:
        now = now or dt.datetime.now()
        text = text.strip()
        if not text:
            raise EmptyReport()
        if len(text) > self.settings.feedback_max_length:
            raise TooLong(len(text), self.settings.feedback_max_length)
        async with self.db.transaction():
            await store.set_rating_comment(self.db, report.id, text)
            await store.add_event(self.db, report.id, _ts(now), "citizen", "comment", body=text)
            await self._to_report_thread(report, texts.COMMENT_CARD.format(code=report.code, comment=text))

    # --- reminders --------------------------------------------------------------------------------
    def working_hours_since(self, ts: float, now: dt.datetime) -> float:
        return working_seconds(self.calendar, self.hours, _local(ts), now) / 3600

    def in_office_hours(self, now: dt.datetime) -> bool:
        return self.calendar.is_working_day(now.date()) and self.hours.is_open(now.time())

    async def post_overdue(self, now: dt.datetime | None = None) -> list[str]:
        """Re-post each open report no official has answered after the configured working hours, then
        again every such period while it stays unanswered."""
        now = now or dt.datetime.now()
        limit = self.settings.feedback_reminder_hours
        posted: list[str] = []
        for report in await store.unanswered_open(self.db):
            if len(posted) >= OVERDUE_PER_RUN:
                break
            since = report.reminded_at or report.created_at
            if self.working_hours_since(since, now) < limit:
                continue
            hours = self.working_hours_since(report.created_at, now)
            async with self.db.transaction():
                await store.mark_reminded(self.db, report.id, _ts(now))
                await store.add_event(self.db, report.id, _ts(now), "system", "reminder")
                await self._post_card(report, texts.CARD_OVERDUE.format(hours=int(hours), code=report.code))
            posted.append(report.code)
            log.info("feedback overdue", extra={"event": "feedback_overdue", "report_id": report.id})
        return posted

    async def summary_text(self, now: dt.datetime | None = None) -> str:
        """Open reports by age in working days (NĐ 20/2008 gives 5 working days to forward a kiến nghị)."""
        now = now or dt.datetime.now()
        reports = await store.open_reports(self.db)
        if not reports:
            return texts.SUMMARY_EMPTY
        ages = [self.calendar.working_days_between(_local(r.created_at).date(), now.date()) for r in reports]
        buckets = {"today": 0, "short": 0, "medium": 0, "long": 0}
        for age in ages:
            key = "today" if age <= 0 else "short" if age <= 2 else "medium" if age <= 5 else "long"
            buckets[key] += 1
        lines = [
            texts.SUMMARY_HEADER.format(total=len(reports)),
            texts.SUMMARY_BUCKETS.format(**buckets),
            texts.SUMMARY_OLDEST,
        ]
        for report, age in list(zip(reports, ages, strict=True))[:SUMMARY_LINES]:
            lines.append(
                texts.SUMMARY_LINE.format(
                    code=report.code,
                    category=report.category,
                    status=texts.status_label(report.status),
                    age=max(0, age),
                    unanswered="" if report.first_reply_at else texts.SUMMARY_UNANSWERED,
                )
            )
        if len(reports) > SUMMARY_LINES:
            lines.append(texts.SUMMARY_MORE.format(count=len(reports) - SUMMARY_LINES))
        return "\n".join(lines)

    async def post_daily_summary(self, now: dt.datetime | None = None) -> bool:
        """Nothing is posted on a day with no open report: an empty summary every morning is noise."""
        text = await self.summary_text(now)
        if text == texts.SUMMARY_EMPTY:
            return False
        await self._enqueue_parts(self.staff_chat, text, ())
        return True

    # --- export -----------------------------------------------------------------------------------
    async def export_rows(self, start: dt.date, end: dt.date) -> list[ExportRow]:
        """Reports created from `start` to `end`, both days included."""
        begin = dt.datetime.combine(start, dt.time.min)
        stop = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)
        return await store.created_between(self.db, _ts(begin), _ts(stop))

    @staticmethod
    def write_csv(rows: Iterable[ExportRow], out: TextIO, with_contact: bool = True) -> int:
        """One line per report. Cells a spreadsheet would run as a formula (a citizen's "=HYPERLINK(…)")
        are quoted with a leading apostrophe."""
        writer = csv.writer(out)
        writer.writerow(texts.EXPORT_HEADERS)

        def when(ts: float | None) -> str:
            return _local(ts).strftime("%Y-%m-%d %H:%M") if ts else ""

        count = 0
        for row in rows:
            r = row.report
            writer.writerow(
                _safe_cell(cell)
                for cell in [
                    r.code,
                    texts.KIND_LABELS.get(r.kind, r.kind),
                    when(r.created_at),
                    r.category,
                    r.body,
                    len(r.photos),
                    "" if r.latitude is None else f"{r.latitude:.6f}",
                    "" if r.longitude is None else f"{r.longitude:.6f}",
                    (r.contact_name or "") if with_contact else "",
                    (r.contact_phone or "") if with_contact else "",
                    texts.CHANNEL_NAMES.get(r.channel, r.channel),
                    texts.status_label(r.status),
                    r.status_note or "",
                    when(r.first_reply_at),
                    row.replies,
                    row.last_reply or "",
                    when(r.closed_at),
                    r.rating if r.rating is not None else "",
                    r.rating_comment or "",
                ]
            )
            count += 1
        return count

    # --- delivery helpers -------------------------------------------------------------------------
    async def _topic(self, report: Report) -> tuple[str | None, str | None]:
        """The category's forum topic: the recreated one in staff_topics wins over the configured id."""
        configured = self.settings.feedback_topics.get(report.category)
        if configured is None:
            return None, None
        current = await staff_topics.get(self.db, report.category)
        return current or configured, report.category

    async def _post_card(self, report: Report, header: str) -> None:
        thread, topic = await self._topic(report)
        await self._enqueue_parts(
            self.staff_chat,
            texts.staff_card(report, header),
            status_buttons(report.id) if report.is_open else (),
            report.photos,
            report.location,
            thread=thread,
            topic_key=topic,
            ref=report_ref(report.id),
        )

    async def _to_group(self, report: Report, text: str, reply_thread: str | None) -> None:
        """Confirmations go where the official acted, and still map back to the report."""
        await self._enqueue_parts(self.staff_chat, text, (), thread=reply_thread, ref=report_ref(report.id))

    async def _to_report_thread(self, report: Report, text: str) -> None:
        thread, topic = await self._topic(report)
        await self._enqueue_parts(
            self.staff_chat, text, (), thread=thread, topic_key=topic, ref=report_ref(report.id)
        )

    async def _tell_citizen(
        self,
        report: Report,
        text: str,
        keyboard: tuple[tuple[Button, ...], ...],
        photos: Sequence[Attachment] = (),
        location: Attachment | None = None,
    ) -> None:
        await self._enqueue_parts(
            (report.channel, report.chat_id), text, keyboard, photos, location, ref=report_ref(report.id)
        )

    async def _record_status(
        self, report_id: int, status: str, note: str | None, official: Official, now: dt.datetime
    ) -> None:
        """A status change and its history event always go together."""
        await store.set_status(self.db, report_id, status, note, _ts(now))
        await store.add_event(
            self.db,
            report_id,
            _ts(now),
            "staff",
            "status",
            actor_id=official.user_id,
            actor_name=official.name or None,
            status=status,
            body=note,
        )

    async def _offer_choices(self, report: Report, keyboard: tuple[tuple[Button, ...], ...]) -> None:
        """On Zalo a citizen answers with a digit: remember what each digit means, unless she is mid-flow."""
        if report.channel not in CHANNELS_WITHOUT_BUTTONS:
            return
        state = await conversations.load(self.db, report.channel, report.user_id)
        if state.flow is not None:
            return
        state.choices = [b.payload for row in keyboard for b in row]
        await conversations.save(self.db, report.channel, report.user_id, state)

    async def _enqueue_parts(
        self,
        target: tuple[str, str],
        text: str,
        keyboard: tuple[tuple[Button, ...], ...],
        photos: Sequence[Attachment] = (),
        location: Attachment | None = None,
        *,
        thread: str | None = None,
        topic_key: str | None = None,
        ref: str | None = None,
    ) -> None:
        """One outbox row per platform call, so a retried row never repeats an earlier part."""
        channel, chat_id = target
        usable = [p for p in photos if usable_on(p, channel)][:MAX_PHOTOS]
        native = channel in NATIVE_MEDIA_CHANNELS
        if location is not None and not native and location.latitude is not None:
            text = f"{text}\n{texts.location_line(location.latitude, location.longitude or 0.0)}"
            location = None
        reply = Reply(text, buttons=keyboard, photos=tuple(usable), location=location)
        await outbox.queue(
            self.db, Outgoing(channel, chat_id, reply, thread_id=thread, ref=ref, topic_key=topic_key)
        )


def service_for(services: Services) -> FeedbackService:
    """The one FeedbackService of an App, made on first use (bot/app.py needs no wiring for it)."""
    if not isinstance(services.feedback, FeedbackService):
        services.feedback = FeedbackService(services.settings, services.db, services.staff_chat)
    return services.feedback
