"""The timeliness KPI (tiến độ giải quyết hồ sơ) and a dossier's deadline as a citizen sees it.

Rules (``shared/reference/domain-vn.md``, Quyết định 766/QĐ-TTg indicator 2.1),
and the decisions taken where the sources leave room:

* **Deadline.** The appointment date pushed back by ``waiting_days`` working
  days (days the dossier waited for the citizen's missing papers or
  financial obligations are not counted).
* **Resolved** dossiers — "Đã xử lý xong", "Đã trả kết quả" and "Dừng xử lý"
  (stopped/refused after review) — are judged on their finish date, the first
  time they entered a closed status: before (``<``), on (``==``) or after
  (``>``) the deadline. More than one request for missing papers makes a
  dossier late whatever the dates say.
* **Not judged:** "Không được tiếp nhận" (refused at intake: never received, no
  appointment) and "Công dân yêu cầu rút hồ sơ" (withdrawn by the citizen) are
  counted apart; "Mới đăng ký" (registered online, not yet received) too.
* **Open** dossiers at ``as_of`` are within the deadline (``as_of <= deadline``)
  or past it; those waiting on the citizen (statuses 5 and 6) are *paused*,
  because their deadline moves until the citizen answers. An open dossier
  with more than one supplement request is already past its deadline.
* **Incomplete** data (a resolved dossier without a finish date, any judged
  dossier without an appointment date) is counted, not guessed.
* **Percentages** of before/on/after are of resolved dossiers; the commune's
  target is *more than* 50% resolved before the deadline.

A report for a period ``[period_start, as_of]`` counts the dossiers closed in
the period plus the backlog still open at ``as_of`` (whenever received).
Dossiers received after ``as_of`` are ignored; one closed after ``as_of`` is
counted as open at ``as_of`` (its status that day is not known, so it is
never "paused").

Wording lives in ``bot/texts/dossiers.py`` (``REPORT_*``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import IntEnum
from typing import Protocol

from bot.services.dossier_model import Dossier, fold_text
from bot.services.workdays import WorkCalendar
from bot.texts import dossiers as texts

__all__ = [
    "TARGET_BEFORE_DEADLINE_PCT",
    "Bucket",
    "DeadlineInfo",
    "KpiRecord",
    "TimelinessCounts",
    "TimelinessReport",
    "classify",
    "compute_report",
    "deadline_info",
    "due_date",
    "render_report_text",
]


TARGET_BEFORE_DEADLINE_PCT = 50.0


class Bucket(IntEnum):
    """Where one dossier lands in the report; the value indexes the counter arrays."""

    BEFORE = 0
    ON_TIME = 1
    LATE = 2
    OPEN_WITHIN = 3
    OPEN_OVERDUE = 4
    PAUSED = 5
    WITHDRAWN = 6
    NOT_ACCEPTED = 7
    AWAITING_INTAKE = 8
    INCOMPLETE = 9


_N_BUCKETS = len(Bucket)
_RECEIVED = _N_BUCKETS  # extra counter slot: received within the period

# Status → kind, as a tuple indexed by the status number: an Enum in a frozenset
# hashes through Python code, which a million lookups notice.
_K_INTAKE, _K_OPEN, _K_WAIT, _K_REFUSED, _K_WITHDRAWN, _K_RESOLVED = range(6)
_KIND_BY_STATUS: tuple[int, ...] = (
    -1,  # no status 0
    _K_INTAKE,  # 1 Mới đăng ký
    _K_OPEN,  # 2 Được tiếp nhận
    _K_REFUSED,  # 3 Không được tiếp nhận
    _K_OPEN,  # 4 Đang xử lý
    _K_WAIT,  # 5 Yêu cầu bổ sung giấy tờ
    _K_WAIT,  # 6 Yêu cầu thực hiện nghĩa vụ tài chính
    _K_WITHDRAWN,  # 7 Công dân yêu cầu rút hồ sơ
    _K_RESOLVED,  # 8 Dừng xử lý
    _K_RESOLVED,  # 9 Đã xử lý xong
    _K_RESOLVED,  # 10 Đã trả kết quả
)


class KpiRecord(Protocol):
    """The attributes the report reads. :class:`Dossier` has them; so can a light row.

    Why: building a million frozen ``Dossier`` objects costs several times
    more than the report itself, so storage may feed a ``NamedTuple`` straight
    from SQL rows, with ``status`` as a plain int.
    """

    @property
    def field(self) -> str: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def appointment_date(self) -> date | None: ...
    @property
    def status(self) -> int: ...
    @property
    def status_changed_at(self) -> datetime | None: ...
    @property
    def finished_at(self) -> datetime | None: ...
    @property
    def waiting_days(self) -> int: ...
    @property
    def supplement_requests(self) -> int: ...


@dataclass(frozen=True)
class TimelinessCounts:
    """Counters for one group of dossiers (the whole commune or one field)."""

    before: int = 0
    on_time: int = 0
    late: int = 0
    open_within: int = 0
    open_overdue: int = 0
    paused: int = 0
    withdrawn: int = 0
    not_accepted: int = 0
    awaiting_intake: int = 0
    incomplete: int = 0
    received: int = 0

    @classmethod
    def from_list(cls, values: list[int]) -> TimelinessCounts:
        return cls(*values)

    @property
    def resolved(self) -> int:
        return self.before + self.on_time + self.late

    @property
    def in_progress(self) -> int:
        """Open at ``as_of``, paused ones included."""
        return self.open_within + self.open_overdue + self.paused

    @staticmethod
    def _pct(part: int, whole: int) -> float | None:
        return 100.0 * part / whole if whole else None

    @property
    def before_pct(self) -> float | None:
        """Share of resolved dossiers resolved before the deadline; ``None`` with nothing resolved."""
        return self._pct(self.before, self.resolved)

    @property
    def on_time_pct(self) -> float | None:
        return self._pct(self.on_time, self.resolved)

    @property
    def late_pct(self) -> float | None:
        return self._pct(self.late, self.resolved)

    @property
    def open_overdue_pct(self) -> float | None:
        """Share of open dossiers (paused excluded: their deadline is moving) already late."""
        return self._pct(self.open_overdue, self.open_within + self.open_overdue)

    def meets_target(self, target_pct: float = TARGET_BEFORE_DEADLINE_PCT) -> bool:
        """Strictly more than ``target_pct`` resolved before the deadline; no data is not a pass."""
        pct = self.before_pct
        return pct is not None and pct > target_pct


@dataclass(frozen=True)
class TimelinessReport:
    """The KPI for a period: overall and per field (sorted by name, unknown field last)."""

    as_of: date
    period_start: date | None
    overall: TimelinessCounts
    by_field: dict[str, TimelinessCounts] = field(default_factory=dict)
    target_pct: float = TARGET_BEFORE_DEADLINE_PCT

    @property
    def target_met(self) -> bool:
        return self.overall.meets_target(self.target_pct)


# ---------------------------------------------------------------------------
# One dossier
# ---------------------------------------------------------------------------


def due_date(dossier: Dossier, calendar: WorkCalendar, today: date | None = None) -> date | None:
    """The deadline the office is held to: the appointment pushed back by days waiting on the citizen.

    With ``today`` and a dossier currently waiting on the citizen, the wait so
    far is added too, so the citizen is not told her dossier is late while the
    office waits for her papers.
    """
    if dossier.appointment_date is None:
        return None
    waiting = dossier.waiting_days
    if today is not None and dossier.status.waits_for_citizen and dossier.status_changed_at is not None:
        waiting += max(0, calendar.working_days_between(dossier.status_changed_at.date(), today))
    if waiting <= 0:
        return dossier.appointment_date
    return calendar.add_working_days(dossier.appointment_date, waiting)


@dataclass(frozen=True)
class DeadlineInfo:
    """What the lookup answer says about time: the deadline and how far it is."""

    due: date | None
    # Working days from today to the deadline: > 0 left, 0 due today, < 0 late by -n.
    # None when closed or without an appointment date.
    working_days_left: int | None
    overdue: bool


def deadline_info(dossier: Dossier, today: date, calendar: WorkCalendar) -> DeadlineInfo:
    """Days left or late for an open dossier, as of ``today``; closed ones only carry their deadline."""
    due = due_date(dossier, calendar, today)
    if due is None or dossier.is_closed:
        return DeadlineInfo(due, None, False)
    left = calendar.working_days_between(today, due)
    overdue = today > due or dossier.supplement_requests > 1
    return DeadlineInfo(due, left, overdue)


def classify(
    dossier: Dossier, as_of: date, calendar: WorkCalendar, period_start: date | None = None
) -> Bucket | None:
    """The report bucket of one dossier, or ``None`` when it is outside the period.

    Same rules as :func:`compute_report` (which inlines them for speed); kept for
    tests, the morning summary and explaining a single dossier to an official.
    """
    received = dossier.received_at.date()
    if received > as_of:
        return None
    in_period = period_start is None or received >= period_start
    kind = _KIND_BY_STATUS[dossier.status]
    finish: date | None = None
    if kind >= _K_REFUSED:
        finish = dossier.finish_date
        if finish is None:
            return Bucket.INCOMPLETE if in_period else None
        if finish > as_of:
            finish = None
            if kind == _K_REFUSED:
                return Bucket.AWAITING_INTAKE
        else:
            if period_start is not None and finish < period_start:
                return None
            if kind == _K_REFUSED:
                return Bucket.NOT_ACCEPTED
            if kind == _K_WITHDRAWN:
                return Bucket.WITHDRAWN
    elif kind == _K_INTAKE:
        return Bucket.AWAITING_INTAKE
    elif kind == _K_WAIT:
        return Bucket.PAUSED
    due = due_date(dossier, calendar)
    if due is None:
        return Bucket.INCOMPLETE
    if finish is not None:
        if dossier.supplement_requests > 1 or finish > due:
            return Bucket.LATE
        return Bucket.ON_TIME if finish == due else Bucket.BEFORE
    if dossier.supplement_requests > 1 or as_of > due:
        return Bucket.OPEN_OVERDUE
    return Bucket.OPEN_WITHIN


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------


def _field_sort_key(name: str) -> tuple[int, str]:
    return (1 if not name else 0, fold_text(name))


def compute_report(
    dossiers: Iterable[KpiRecord],
    calendar: WorkCalendar,
    as_of: date,
    period_start: date | None = None,
    target_pct: float = TARGET_BEFORE_DEADLINE_PCT,
) -> TimelinessReport:
    """Count every dossier into its bucket, overall and per field, in one pass.

    ``dossiers`` may be a generator straight from storage: nothing is kept but
    counters. Deadlines are cached per (appointment date, waiting days), so the
    calendar is asked once per distinct pair, not once per dossier.
    """
    as_of_end = datetime.combine(as_of, time.max)
    start_dt = datetime.combine(period_start, time.min) if period_start is not None else None
    kinds = _KIND_BY_STATUS
    due_cache: dict[tuple[date, int], date] = {}
    add_working_days = calendar.add_working_days
    per_field: dict[str, list[int]] = {}
    size = _N_BUCKETS + 1
    before, on_time, late = Bucket.BEFORE.value, Bucket.ON_TIME.value, Bucket.LATE.value
    within, overdue, paused = Bucket.OPEN_WITHIN.value, Bucket.OPEN_OVERDUE.value, Bucket.PAUSED.value
    withdrawn, refused = Bucket.WITHDRAWN.value, Bucket.NOT_ACCEPTED.value
    intake, incomplete = Bucket.AWAITING_INTAKE.value, Bucket.INCOMPLETE.value

    for d in dossiers:
        received_at = d.received_at
        if received_at > as_of_end:
            continue
        counts = per_field.get(d.field)
        if counts is None:
            counts = per_field[d.field] = [0] * size
        in_period = start_dt is None or received_at >= start_dt
        if in_period:
            counts[_RECEIVED] += 1
        kind = kinds[d.status]
        finished: date | None = None
        if kind >= _K_REFUSED:  # closed now
            moment = d.finished_at or d.status_changed_at
            if moment is None:
                if in_period:
                    counts[incomplete] += 1
                continue
            finished = moment.date()
            if finished > as_of:  # closed later: open at as_of
                finished = None
                if kind == _K_REFUSED:
                    counts[intake] += 1
                    continue
            else:
                if period_start is not None and finished < period_start:
                    continue
                if kind == _K_REFUSED:
                    counts[refused] += 1
                    continue
                if kind == _K_WITHDRAWN:
                    counts[withdrawn] += 1
                    continue
        elif kind == _K_INTAKE:
            counts[intake] += 1
            continue
        elif kind == _K_WAIT:
            counts[paused] += 1
            continue
        appointment = d.appointment_date
        if appointment is None:
            counts[incomplete] += 1
            continue
        waiting = d.waiting_days
        if waiting > 0:
            key = (appointment, waiting)
            due = due_cache.get(key)
            if due is None:
                due = due_cache[key] = add_working_days(appointment, waiting)
        else:
            due = appointment
        if finished is not None:
            if d.supplement_requests > 1 or finished > due:
                counts[late] += 1
            elif finished == due:
                counts[on_time] += 1
            else:
                counts[before] += 1
        elif d.supplement_requests > 1 or as_of > due:
            counts[overdue] += 1
        else:
            counts[within] += 1

    total = [0] * size
    for counts in per_field.values():
        for i, value in enumerate(counts):
            total[i] += value
    by_field = {
        name: TimelinessCounts.from_list(per_field[name])
        for name in sorted(per_field, key=_field_sort_key)
        if any(per_field[name])
    }
    return TimelinessReport(
        as_of=as_of,
        period_start=period_start,
        overall=TimelinessCounts.from_list(total),
        by_field=by_field,
        target_pct=target_pct,
    )


# ---------------------------------------------------------------------------
# Text rendering
# ---------------------------------------------------------------------------


def _fmt_pct(value: float | None) -> str:
    """Vietnamese decimal comma: 66,7%."""
    if value is None:
        return texts.REPORT_NO_PCT
    return f"{value:.1f}".replace(".", ",") + "%"


def _fmt_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def render_report_text(report: TimelinessReport) -> str:
    """The report as a staff-group message: plain lines, short enough for a phone."""
    o = report.overall
    target = _fmt_pct(report.target_pct).replace(",0%", "%")
    lines = [texts.REPORT_TITLE]
    if report.period_start is not None:
        lines.append(
            texts.REPORT_PERIOD.format(start=_fmt_date(report.period_start), end=_fmt_date(report.as_of))
        )
    else:
        lines.append(texts.REPORT_AS_OF.format(end=_fmt_date(report.as_of)))
    lines += [
        texts.REPORT_RECEIVED.format(n=o.received),
        "",
        texts.REPORT_RESOLVED.format(n=o.resolved),
        texts.REPORT_BEFORE.format(n=o.before, pct=_fmt_pct(o.before_pct)),
        texts.REPORT_ON_TIME.format(n=o.on_time, pct=_fmt_pct(o.on_time_pct)),
        texts.REPORT_LATE.format(n=o.late, pct=_fmt_pct(o.late_pct)),
        texts.REPORT_OPEN.format(
            n=o.open_within + o.open_overdue, within=o.open_within, overdue=o.open_overdue
        ),
        texts.REPORT_PAUSED.format(n=o.paused),
        texts.REPORT_OTHER.format(withdrawn=o.withdrawn, refused=o.not_accepted, waiting=o.awaiting_intake),
    ]
    if o.incomplete:
        lines.append(texts.REPORT_INCOMPLETE.format(n=o.incomplete))
    if o.before_pct is None:
        lines.append(texts.REPORT_TARGET_NO_DATA.format(target=target))
    elif report.target_met:
        lines.append(texts.REPORT_TARGET_MET.format(target=target, pct=_fmt_pct(o.before_pct)))
    else:
        lines.append(texts.REPORT_TARGET_MISSED.format(target=target, pct=_fmt_pct(o.before_pct)))
    if report.by_field:
        lines += ["", texts.REPORT_BY_FIELD]
        for name, c in report.by_field.items():
            lines.append(
                texts.REPORT_FIELD_LINE.format(
                    field=name or texts.REPORT_UNKNOWN_FIELD,
                    resolved=c.resolved,
                    before=c.before,
                    before_pct=_fmt_pct(c.before_pct),
                    on_time=c.on_time,
                    late=c.late,
                    open=c.open_within + c.open_overdue,
                    overdue=c.open_overdue,
                    paused=c.paused,
                )
            )
    return "\n".join(lines)
