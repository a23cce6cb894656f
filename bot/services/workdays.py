"""Working-day arithmetic for appointment dates and deadlines.

Rules (``shared/reference/domain-vn.md``):

* Working days exclude Saturdays, Sundays, public holidays and Tết, and
  include the Saturdays the government swaps in as working days. The
  ``holidays`` package (country VN) supplies both; the province announces
  extra days each year, so a local override file adds holidays and working
  days on top (:func:`load_local_overrides`). Overrides win over the package.
* The day of receipt is not counted; counting starts the day after
  (Bộ luật Dân sự 2015, Điều 147). A deadline ends at the end of its last day
  (Điều 148); a calendar-day deadline ending on a day off moves to the next
  working day (Điều 148 khoản 5).
* A same-day procedure received after the cut-off hour (15:00 by default) or
  on a day off is due the next working day.

The override file is read by :func:`load_local_overrides`; :class:`WorkCalendar`
itself does no I/O and takes the override sets as arguments, so tests and
benchmarks build calendars from plain data.

Why the precomputed tables: the timeliness report runs the same arithmetic
for a million dossiers; each question here is an array index, not a loop
over days with a holiday lookup per day.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

import holidays
import yaml

__all__ = [
    "DEFAULT_CUTOFF",
    "DEFAULT_OVERRIDES_PATH",
    "LocalOverrides",
    "OverrideFileError",
    "ProcessingTime",
    "ProcessingUnit",
    "WorkCalendar",
    "load_calendar",
    "load_local_overrides",
    "parse_local_overrides",
]

DEFAULT_CUTOFF = time(15, 0)
DEFAULT_OVERRIDES_PATH = Path(__file__).resolve().parents[2] / "knowledge" / "holidays_local.yaml"


class ProcessingUnit(StrEnum):
    """Units of ``processing_time.unit`` in the knowledge base (knowledge/SCHEMA.md)."""

    WORKING_DAYS = "working_days"
    DAYS = "days"
    SAME_DAY = "same_day"


class ProcessingTime(NamedTuple):
    """What the knowledge base says about a procedure's processing time.

    A plain ``(value, unit)`` tuple is accepted wherever this is, so callers
    that do not know about cut-offs need not build one.
    """

    value: int
    unit: str
    cutoff: time | None = DEFAULT_CUTOFF


# ---------------------------------------------------------------------------
# Local override file
# ---------------------------------------------------------------------------


class OverrideFileError(ValueError):
    """The override file is unusable; the message names the file and the entry."""


@dataclass(frozen=True)
class LocalOverrides:
    """Days the province announces that the ``holidays`` package does not know (yet)."""

    extra_holidays: dict[date, str] = field(default_factory=dict)
    extra_working_days: dict[date, str] = field(default_factory=dict)


_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _parse_override_date(value: object, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        match = _DMY.fullmatch(text)
        try:
            if match:
                day, month, year = (int(g) for g in match.groups())
                return date(year, month, day)
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise OverrideFileError(f"{where}: ngày không hợp lệ {value!r} (dùng YYYY-MM-DD hoặc dd/mm/yyyy)")


def _parse_override_list(data: object, key: str, source: str) -> dict[date, str]:
    if data is None:
        return {}
    if not isinstance(data, list):
        raise OverrideFileError(f"{source}: {key} phải là một danh sách")
    days: dict[date, str] = {}
    for index, entry in enumerate(data):
        where = f"{source}: {key}[{index}]"
        if not isinstance(entry, dict):
            raise OverrideFileError(f"{where}: mỗi mục cần có date và name")
        unknown = set(entry) - {"date", "name"}
        if unknown:
            raise OverrideFileError(f"{where}: trường không hợp lệ {sorted(map(str, unknown))}")
        day = _parse_override_date(entry.get("date"), f"{where}.date")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise OverrideFileError(f"{where}.name: cần ghi lý do (tên ngày nghỉ / văn bản công bố)")
        if day in days:
            raise OverrideFileError(f"{where}.date: ngày {day:%d/%m/%Y} bị lặp")
        days[day] = name.strip()
    return days


def parse_local_overrides(data: object, source: str = "holidays_local.yaml") -> LocalOverrides:
    """Validate already-parsed YAML; separate from file reading so tests need no files."""
    if data is None:
        return LocalOverrides()
    if not isinstance(data, dict):
        raise OverrideFileError(f"{source}: cần các khóa extra_holidays và extra_working_days")
    unknown = set(data) - {"extra_holidays", "extra_working_days"}
    if unknown:
        raise OverrideFileError(f"{source}: khóa không hợp lệ {sorted(map(str, unknown))}")
    extra_holidays = _parse_override_list(data.get("extra_holidays"), "extra_holidays", source)
    extra_working = _parse_override_list(data.get("extra_working_days"), "extra_working_days", source)
    both = sorted(set(extra_holidays) & set(extra_working))
    if both:
        listed = ", ".join(f"{d:%d/%m/%Y}" for d in both)
        raise OverrideFileError(f"{source}: ngày vừa là ngày nghỉ vừa là ngày làm việc: {listed}")
    return LocalOverrides(extra_holidays, extra_working)


def load_local_overrides(path: Path | str | None = None) -> LocalOverrides:
    """Read the province's override file; a missing file means no overrides."""
    file = Path(path) if path is not None else DEFAULT_OVERRIDES_PATH
    if not file.is_file():
        return LocalOverrides()
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise OverrideFileError(f"{file}: YAML không hợp lệ: {exc}") from exc
    return parse_local_overrides(data, str(file))


def load_calendar(path: Path | str | None = None) -> WorkCalendar:
    """The calendar the bot runs with: package holidays plus the local override file."""
    return WorkCalendar.from_overrides(load_local_overrides(path))


# ---------------------------------------------------------------------------
# The calendar
# ---------------------------------------------------------------------------


def _as_day_map(days: Mapping[date, str] | Iterable[date], default_name: str) -> dict[date, str]:
    if isinstance(days, Mapping):
        return {(d.date() if isinstance(d, datetime) else d): str(n) for d, n in days.items()}
    return {(d.date() if isinstance(d, datetime) else d): default_name for d in days}


class WorkCalendar:
    """Vietnamese working days: the ``holidays`` package plus local additions.

    Tables are built per year on first use and extended when a date outside
    them is asked about, so a calendar lives for the whole process.

    All day counts follow the legal convention "the first day is not counted":
    :meth:`working_days_between` counts the half-open interval ``(a, b]``.
    """

    def __init__(
        self,
        extra_holidays: Mapping[date, str] | Iterable[date] = (),
        extra_working_days: Mapping[date, str] | Iterable[date] = (),
        *,
        country: str = "VN",
    ) -> None:
        self._extra_holidays = _as_day_map(extra_holidays, "Ngày nghỉ do địa phương công bố")
        self._extra_working = _as_day_map(extra_working_days, "Ngày làm việc bù")
        both = set(self._extra_holidays) & set(self._extra_working)
        if both:
            raise ValueError(f"dates are both extra holidays and extra working days: {sorted(both)}")
        self._country = country
        self._first_year = 0
        self._last_year = -1
        self._base = 0  # ordinal of 1 January of _first_year
        self._end = -1  # ordinal of 31 December of _last_year
        self._cum = array("i")  # _cum[i]: working days in [base, base + i]
        self._working = array("i")  # ordinals of working days, ascending
        self._names: dict[date, str] = {}

    @classmethod
    def from_overrides(cls, overrides: LocalOverrides, *, country: str = "VN") -> WorkCalendar:
        return cls(overrides.extra_holidays, overrides.extra_working_days, country=country)

    # -- tables -------------------------------------------------------------

    def _build(self, first_year: int, last_year: int) -> None:
        official = holidays.country_holidays(
            self._country, years=range(first_year, last_year + 1), language="vi"
        )
        base = date(first_year, 1, 1).toordinal()
        end = date(last_year, 12, 31).toordinal()
        cum = array("i", bytes(4 * (end - base + 1)))
        working = array("i")
        names: dict[date, str] = {}
        count = 0
        extra_holidays = self._extra_holidays
        extra_working = self._extra_working
        for ordinal in range(base, end + 1):
            day = date.fromordinal(ordinal)
            if day in extra_working:
                is_working = True
            elif day in extra_holidays:
                is_working = False
                names[day] = extra_holidays[day]
            else:
                is_working = official.is_working_day(day)
                if not is_working and day in official:
                    names[day] = official[day]
            if is_working:
                count += 1
                working.append(ordinal)
            cum[ordinal - base] = count
        self._first_year, self._last_year = first_year, last_year
        self._base, self._end = base, end
        self._cum, self._working, self._names = cum, working, names

    def _cover(self, ordinal: int) -> None:
        """Make the tables include ``ordinal`` plus a year of margin on either side."""
        if self._base <= ordinal <= self._end:
            return
        year = date.fromordinal(ordinal).year
        if self._last_year < self._first_year:  # nothing built yet
            self._build(year - 1, year + 1)
        else:
            self._build(min(self._first_year, year - 1), max(self._last_year, year + 1))

    def _count_through(self, ordinal: int) -> int:
        """Working days from the table start up to and including ``ordinal``."""
        self._cover(ordinal)
        return self._cum[ordinal - self._base]

    def _nth_after(self, ordinal: int, n: int) -> int:
        """Ordinal of the n-th working day strictly after ``ordinal`` (n >= 1)."""
        index = self._count_through(ordinal) + n - 1
        while index >= len(self._working):
            self._cover(self._end + 1)
        return self._working[index]

    # -- questions ------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        ordinal = d.toordinal()
        self._cover(ordinal)
        i = ordinal - self._base
        return self._cum[i] != (self._cum[i - 1] if i else 0)

    def holiday_name(self, d: date) -> str | None:
        """Why a day is off (Vietnamese name), for messages; ``None`` for weekends and working days."""
        day = d.date() if isinstance(d, datetime) else d
        self._cover(day.toordinal())
        return self._names.get(day)

    def next_working_day(self, d: date) -> date:
        """First working day strictly after ``d``."""
        return date.fromordinal(self._nth_after(d.toordinal(), 1))

    def working_day_on_or_after(self, d: date) -> date:
        day = d.date() if isinstance(d, datetime) else d
        return day if self.is_working_day(day) else self.next_working_day(day)

    def add_working_days(
        self, received: datetime | date, n: int, cutoff: time | None = DEFAULT_CUTOFF
    ) -> date:
        """The n-th working day after ``received`` — the appointment date for an n-day procedure.

        The day of receipt is not counted, so this is also right for dossiers
        received on a Saturday morning or a holiday: the first counted day is
        the first working day after it.

        ``n == 0`` is a same-day procedure: due on the day of receipt, unless it
        was received on a day off, or after ``cutoff`` (only known when
        ``received`` is a ``datetime``; ``None`` disables the rule), in which case
        it is due the next working day. ``cutoff`` plays no part when ``n > 0``.
        """
        if n < 0:
            raise ValueError("n must not be negative")
        day = received.date() if isinstance(received, datetime) else received
        if n == 0:
            late = isinstance(received, datetime) and cutoff is not None and received.time() > cutoff
            if not late and self.is_working_day(day):
                return day
            return self.next_working_day(day)
        return date.fromordinal(self._nth_after(day.toordinal(), n))

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in ``(a, b]``: days used from receipt ``a`` to finish ``b``.

        Negative when ``b`` is before ``a`` (``-working_days_between(b, a)``), so
        "days left until the appointment" and "days late" are the same call.
        Datetimes count by their date.
        """
        return self._count_through(b.toordinal()) - self._count_through(a.toordinal())

    def appointment_for(
        self,
        received_at: datetime | date,
        value: float,
        unit: str,
        cutoff: time | None = DEFAULT_CUTOFF,
    ) -> date:
        """Appointment date from a procedure's processing time in the knowledge base.

        ``working_days``: :meth:`add_working_days`. ``days`` (calendar days): the
        day after receipt is day 1; a last day that is a day off moves to the next
        working day. ``same_day`` (or a value of 0): :meth:`add_working_days` with
        ``n = 0`` and the cut-off. Fractional values are refused rather than
        rounded, because rounding a legal deadline either way is a decision for
        the knowledge base, not for arithmetic.
        """
        try:
            kind = ProcessingUnit(unit)
        except ValueError:
            raise ValueError(f"unknown processing time unit {unit!r}") from None
        if kind is ProcessingUnit.SAME_DAY:
            return self.add_working_days(received_at, 0, cutoff)
        if value < 0 or value != int(value):
            raise ValueError(f"processing time must be a whole number of days, got {value!r}")
        days = int(value)
        if days == 0:
            return self.add_working_days(received_at, 0, cutoff)
        if kind is ProcessingUnit.WORKING_DAYS:
            return self.add_working_days(received_at, days, cutoff)
        day = received_at.date() if isinstance(received_at, datetime) else received_at
        return self.working_day_on_or_after(day + timedelta(days=days))
