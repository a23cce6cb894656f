"""Read the one-stop software's dossier export (CSV or JSON) into :class:`Dossier` records.

What the clerk gets: every good row as a ``Dossier``, every bad row as a
:class:`BadRow` with the line number she sees in a text editor (header = line 1)
and a reason in Vietnamese, without the import stopping at the first problem.
Rows that load but need attention (unusable phone number, no appointment date,
a code repeated further down) are reported as warnings in the same shape.

Why a streaming reader: a year's export is 100,000+ rows; rows are parsed and
handed on one at a time (storage can upsert them in batches), so no
list of all dossiers is ever held. JSON arrays are decoded one object at a
time as well, which also gives each object its starting line number.

Columns are found by header text, compared without case and diacritics
(``"MÃ HỒ SƠ"`` = ``"Mã hồ sơ"`` = ``"ma ho so"``). :data:`DEFAULT_COLUMNS`
lists the usual Vietnamese headers; a caller passes ``columns={"phone": "ĐT
liên hệ"}`` to adapt to another product (a field named there uses only the
headers given), or ``{"note": None}`` to ignore one.
Our own field names (``code``, ``received_at``…) are always accepted too.

Nothing here logs: rows carry names and phone numbers, and reasons never
repeat a phone number or a name.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal, TextIO

from bot.services.dossier_model import (
    CLOSED_STATUSES,
    Dossier,
    DossierStatus,
    UnknownStatusError,
    fold_text,
    normalize_code,
    parse_status,
)
from bot.services.phone import InvalidPhoneError, normalize_phone
from bot.services.workdays import DEFAULT_CUTOFF, WorkCalendar
from bot.texts import dossiers as texts

__all__ = [
    "DEFAULT_COLUMNS",
    "REQUIRED_FIELDS",
    "BadRow",
    "DossierImport",
    "ImportFormatError",
    "ProcessingTimeLookup",
    "parse_date",
    "parse_datetime",
    "parse_money",
    "read_text",
]


# What each field is called in messages.
FIELD_LABELS: dict[str, str] = {
    "code": "mã hồ sơ",
    "procedure_code": "mã thủ tục",
    "procedure_name": "tên thủ tục",
    "field": "lĩnh vực",
    "applicant_name": "người nộp",
    "phone": "số điện thoại",
    "received_at": "ngày tiếp nhận",
    "appointment_date": "ngày hẹn trả",
    "status": "trạng thái",
    "status_changed_at": "ngày cập nhật trạng thái",
    "finished_at": "ngày kết thúc",
    "missing_documents": "giấy tờ cần bổ sung",
    "fee_due": "số tiền phải nộp",
    "result_location": "nơi trả kết quả",
    "waiting_days": "số ngày chờ bổ sung",
    "supplement_requests": "số lần yêu cầu bổ sung",
    "note": "ghi chú",
}

# ---------------------------------------------------------------------------
# Column mapping
# ---------------------------------------------------------------------------

# Our field → the headers one-stop exports use for it (first match in the file wins).
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("Mã hồ sơ", "Số hồ sơ"),
    "procedure_code": ("Mã thủ tục", "Mã TTHC"),
    "procedure_name": ("Tên thủ tục", "Tên TTHC", "Thủ tục hành chính"),
    "field": ("Lĩnh vực",),
    "applicant_name": ("Người nộp", "Tên người nộp", "Chủ hồ sơ"),
    "phone": ("Số điện thoại", "Điện thoại", "SĐT"),
    "received_at": ("Ngày tiếp nhận", "Ngày nhận hồ sơ"),
    "appointment_date": ("Ngày hẹn trả", "Ngày hẹn trả kết quả"),
    "status": ("Trạng thái", "Tình trạng"),
    "status_changed_at": ("Ngày cập nhật trạng thái", "Ngày cập nhật"),
    "finished_at": ("Ngày kết thúc", "Ngày có kết quả", "Ngày hoàn thành"),
    "missing_documents": ("Giấy tờ cần bổ sung", "Nội dung yêu cầu bổ sung"),
    "fee_due": ("Số tiền phải nộp",),
    "result_location": ("Nơi trả kết quả", "Nơi nhận kết quả"),
    "waiting_days": ("Số ngày chờ bổ sung",),
    "supplement_requests": ("Số lần yêu cầu bổ sung",),
    "note": ("Ghi chú",),
}
REQUIRED_FIELDS: tuple[str, ...] = ("code", "received_at", "status")
MAX_CODE_LENGTH = 64
# One-stop software shows Vietnam local time; aware ISO timestamps are converted to it.
VN_TZ = timezone(timedelta(hours=7))

ColumnMapping = Mapping[str, str | Sequence[str] | None]
# procedure code → (value, unit) or (value, unit, cutoff) from the knowledge base, or None.
ProcessingTimeLookup = Callable[[str], tuple[Any, ...] | None]
ImportFormat = Literal["csv", "json", "jsonl"]


class ImportFormatError(ValueError):
    """The file as a whole cannot be read (wrong encoding, no required column, not JSON)."""


@dataclass(frozen=True)
class BadRow:
    """A row that was skipped (or, in ``warnings``, loaded with a caveat) and why."""

    line_number: int
    reason: str


def _resolve_columns(columns: ColumnMapping | None) -> dict[str, str]:
    """Folded header → field: our own names, then the defaults, then the caller's mapping.

    Later layers win, so a caller who maps a header the defaults use for
    another field gets what she asked for.
    """
    overrides = dict(columns or {})
    for key in overrides:
        if key not in FIELD_LABELS:
            raise ValueError(f"unknown dossier field in column mapping: {key!r}")
    by_header: dict[str, str] = {fold_text(fld): fld for fld in FIELD_LABELS}
    for fld, headers in DEFAULT_COLUMNS.items():
        if fld not in overrides:
            for header in headers:
                by_header[fold_text(header)] = fld
    for fld, given in overrides.items():
        if given is None:  # ignore this field entirely
            by_header = {h: f for h, f in by_header.items() if f != fld}
            continue
        for header in (given,) if isinstance(given, str) else given:
            by_header[fold_text(header)] = fld
    return by_header


# ---------------------------------------------------------------------------
# Value parsers (public: the CLI and staff commands accept the same forms)
# ---------------------------------------------------------------------------

_DMY = re.compile(
    r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T,]+(\d{1,2})[:hH](\d{2})(?::(\d{2}))?)?",
)
_HM_DMY = re.compile(r"(\d{1,2})[:hH](\d{2})(?::(\d{2}))?[ ,]+(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")


def parse_datetime(text: str) -> datetime:
    """``dd/mm/yyyy``, ``dd/mm/yyyy HH:MM[:SS]``, ``HH:MM dd/mm/yyyy`` or ISO 8601.

    Day first, as Vietnamese software writes it; a date alone means midnight.
    Aware ISO timestamps are converted to Vietnam time and made naive, like
    every datetime in :class:`Dossier`. Raises ``ValueError``.
    """
    value = text.strip()
    # Fast path for the fixed-width forms exports use: "dd/mm/yyyy" and "dd/mm/yyyy HH:MM".
    size = len(value)
    if (size == 10 or (size == 16 and value[10] == " " and value[13] == ":")) and value[2] == value[5] == "/":
        try:
            if size == 10:
                return datetime(int(value[6:]), int(value[3:5]), int(value[:2]))
            return datetime(
                int(value[6:10]), int(value[3:5]), int(value[:2]), int(value[11:13]), int(value[14:])
            )
        except ValueError:
            pass  # not digits after all, or an impossible date: the general path decides
    match = _DMY.fullmatch(value)
    if match:
        d, m, y, hh, mm, ss = match.groups()
        return datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
    match = _HM_DMY.fullmatch(value)
    if match:
        hh, mm, ss, d, m, y = match.groups()
        return datetime(int(y), int(m), int(d), int(hh), int(mm), int(ss or 0))
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(VN_TZ).replace(tzinfo=None)
    return moment


def parse_date(text: str) -> date:
    """As :func:`parse_datetime`, keeping the day (an appointment "16:00 20/03/2026" is the 20th)."""
    return parse_datetime(text).date()


_CURRENCY = re.compile(r"\s*(vnđ|vnd|đồng|dong|đ|d)\.?$")
_GROUPED = re.compile(r"\d{1,3}([.,]\d{3})+")
_ZERO_DECIMALS = re.compile(r"(\d+)[.,]0{1,2}")


def parse_money(text: str) -> int:
    """Whole đồng from ``"150000"``, ``"150.000"``, ``"1,500,000 đ"``, ``"150.000 VNĐ"``.

    Exports format amounts for people; anything that is not clearly a whole
    amount raises ``ValueError`` rather than being guessed.
    """
    if text.isdigit() and text.isascii():
        return int(text)
    value = _CURRENCY.sub("", unicodedata.normalize("NFC", text).strip().lower()).replace(" ", "")
    if value.isdigit():
        return int(value)
    if _GROUPED.fullmatch(value):
        return int(value.replace(".", "").replace(",", ""))
    match = _ZERO_DECIMALS.fullmatch(value)
    if match:
        return int(match.group(1))
    raise ValueError(text)


def _parse_count(text: str) -> int:
    value = text.strip()
    if value.endswith(".0"):
        value = value[:-2]
    number = int(value)
    if number < 0:
        raise ValueError(text)
    return number


def _cell_text(value: object) -> str | None:
    """One cell as stripped NFC text, ``None`` when blank; JSON numbers become their digits."""
    if value is None:
        return None
    if isinstance(value, bool):
        text = str(value)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, str):
        text = value.strip()
        if not text.isascii():
            text = unicodedata.normalize("NFC", text)
    else:
        text = str(value).strip()
    return text or None


def _shorten(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


_MISSING: dict[str, str] = {
    fld: texts.IMPORT_MISSING.format(what=label) for fld, label in FIELD_LABELS.items()
}


def _moment(text: str | None, fld: str, problems: list[str]) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_datetime(text)
    except ValueError:
        problems.append(texts.IMPORT_INVALID_DATE.format(what=FIELD_LABELS[fld], value=_shorten(text)))
        return None


def _count(text: str | None, fld: str, problems: list[str]) -> int:
    if text is None:
        return 0
    try:
        return _parse_count(text)
    except ValueError:
        problems.append(texts.IMPORT_INVALID_COUNT.format(what=FIELD_LABELS[fld], value=_shorten(text)))
        return 0


# ---------------------------------------------------------------------------
# The reader
# ---------------------------------------------------------------------------


class DossierImport:
    """An export file as a stream of dossiers; bad rows and warnings pile up as it is read.

    Iterate once::

        reader = DossierImport(path, calendar=cal, processing_time_for=kb.processing_time)
        for dossier in reader:      # Dossier objects, one at a time
            ...
        reader.bad_rows             # [BadRow(line_number, reason)], rows not loaded
        reader.warnings             # [BadRow(...)], rows loaded with a caveat

    ``ImportFormatError`` is raised during iteration when the file as a whole is
    unusable: at the first step for a missing required column or a non-list
    JSON, where it is met for bytes that are not UTF-8. Iterating again starts
    the counters afresh. ``rows_seen`` (data rows read so far) lets a progress
    bar follow along. A missing appointment date is computed with
    ``processing_time_for(procedure_code)`` and ``calendar`` when both are given.
    """

    def __init__(
        self,
        source: Path | str | TextIO,
        *,
        fmt: ImportFormat | None = None,
        columns: ColumnMapping | None = None,
        calendar: WorkCalendar | None = None,
        processing_time_for: ProcessingTimeLookup | None = None,
        encoding: str = "utf-8-sig",
        delimiter: str | None = None,
    ) -> None:
        self._source = source
        self._fmt = fmt
        self._by_header = _resolve_columns(columns)
        self._calendar = calendar
        self._processing_time_for = processing_time_for
        self._encoding = encoding
        self._delimiter = delimiter
        self.bad_rows: list[BadRow] = []
        self.warnings: list[BadRow] = []
        self.rows_seen = 0
        self.appointments_computed = 0
        self._first_line_of_code: dict[str, int] = {}
        self._status_cache: dict[str, DossierStatus | None] = {}
        self._processing_cache: dict[str, tuple[Any, ...] | None] = {}

    @property
    def source_name(self) -> str:
        if isinstance(self._source, str | Path):
            return str(self._source)
        return str(getattr(self._source, "name", "<stream>"))

    # -- format plumbing ---------------------------------------------------------

    def __iter__(self) -> Iterator[Dossier]:
        self.bad_rows, self.warnings = [], []
        self.rows_seen = self.appointments_computed = 0
        self._first_line_of_code = {}
        if isinstance(self._source, str | Path):
            with open(self._source, encoding=self._encoding, newline="") as stream:
                yield from self._iter_stream(stream)
        else:
            yield from self._iter_stream(self._source)

    def _detect_format(self, stream: TextIO) -> tuple[ImportFormat, Iterable[str]]:
        if self._fmt is not None:
            return self._fmt, stream
        if isinstance(self._source, str | Path):
            suffix = Path(self._source).suffix.lower()
            if suffix in (".csv", ".tsv", ".txt"):
                return "csv", stream
            if suffix == ".json":
                return "json", stream
            if suffix in (".jsonl", ".ndjson"):
                return "jsonl", stream
        # Unknown: peek at the first non-blank character.
        consumed: list[str] = []
        for line in stream:
            consumed.append(line)
            stripped = line.lstrip("\ufeff \t\r\n")
            if stripped:
                fmt: ImportFormat = "json" if stripped[0] == "[" else "jsonl" if stripped[0] == "{" else "csv"
                return fmt, itertools.chain(consumed, stream)
        return "csv", consumed

    def _iter_stream(self, stream: TextIO) -> Iterator[Dossier]:
        try:
            fmt, lines = self._detect_format(stream)
            if fmt == "csv":
                yield from self._iter_csv(lines)
            elif fmt == "json":
                text = "".join(lines)
                yield from self._iter_json_array(text.lstrip("\ufeff"))
            else:
                yield from self._iter_json_lines(lines)
        except UnicodeDecodeError as exc:
            raise ImportFormatError(
                texts.IMPORT_FMT_ENCODING.format(source=self.source_name, line=self.rows_seen + 2)
            ) from exc

    def _iter_csv(self, lines: Iterable[str]) -> Iterator[Dossier]:
        line_iter = iter(lines)
        first = next(line_iter, None)
        if first is None:
            raise ImportFormatError(texts.IMPORT_FMT_EMPTY.format(source=self.source_name))
        first = unicodedata.normalize("NFC", first.lstrip("\ufeff"))
        delimiter = self._delimiter or max(",;\t", key=first.count)
        # Normalise to NFC once per line (exports from some tools are NFD) instead of per cell.
        nfc_lines = (line if line.isascii() else unicodedata.normalize("NFC", line) for line in line_iter)
        reader = csv.reader(itertools.chain([first], nfc_lines), delimiter=delimiter)
        header = next(reader)
        index: dict[str, int] = {}
        for position, name in enumerate(header):
            fld = self._by_header.get(fold_text(unicodedata.normalize("NFC", name)))
            if fld is not None and fld not in index:
                index[fld] = position
        missing = [FIELD_LABELS[f] for f in REQUIRED_FIELDS if f not in index]
        if missing:
            raise ImportFormatError(
                texts.IMPORT_FMT_MISSING_COLUMNS.format(source=self.source_name, columns=", ".join(missing))
            )
        fields = tuple(index.items())
        width = len(header)
        previous_end = reader.line_num
        for row in reader:
            line_number = previous_end + 1
            previous_end = reader.line_num
            if not row or (not row[0].strip() and not any(cell.strip() for cell in row)):
                continue
            self.rows_seen += 1
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                self.bad_rows.append(
                    BadRow(line_number, texts.IMPORT_EXTRA_CELLS.format(cells=len(row), columns=width))
                )
                continue
            cells = len(row)
            values = {fld: (row[pos].strip() or None) if pos < cells else None for fld, pos in fields}
            dossier = self._convert(line_number, values)
            if dossier is not None:
                yield dossier

    def _object_values(
        self, obj: Mapping[str, Any], key_cache: dict[str, str | None]
    ) -> dict[str, str | None]:
        values: dict[str, str | None] = {}
        for key, raw in obj.items():
            fld = key_cache.get(key, "")
            if fld == "":
                fld = key_cache[key] = self._by_header.get(fold_text(unicodedata.normalize("NFC", str(key))))
            if fld is not None and fld not in values:
                values[fld] = _cell_text(raw)
        return values

    def _iter_json_array(self, text: str) -> Iterator[Dossier]:
        decoder = json.JSONDecoder()
        whitespace = re.compile(r"[ \t\r\n]*")
        position = whitespace.match(text, 0).end()  # type: ignore[union-attr]
        if position >= len(text):
            raise ImportFormatError(texts.IMPORT_FMT_EMPTY.format(source=self.source_name))
        if text[position] != "[":
            raise ImportFormatError(texts.IMPORT_FMT_NOT_LIST.format(source=self.source_name))
        line = 1 + text.count("\n", 0, position)
        counted_to = position
        position += 1
        key_cache: dict[str, str | None] = {}
        while True:
            position = whitespace.match(text, position).end()  # type: ignore[union-attr]
            line += text.count("\n", counted_to, position)
            counted_to = position
            if position >= len(text) or text[position] == "]":
                if position >= len(text):
                    self.bad_rows.append(BadRow(line, texts.IMPORT_BAD_JSON_STOP.format(error="thiếu dấu ]")))
                return
            try:
                obj, end = decoder.raw_decode(text, position)
            except json.JSONDecodeError as exc:
                error_line = 1 + text.count("\n", 0, exc.pos)
                self.bad_rows.append(BadRow(error_line, texts.IMPORT_BAD_JSON_STOP.format(error=exc.msg)))
                return
            self.rows_seen += 1
            if isinstance(obj, dict):
                dossier = self._convert(line, self._object_values(obj, key_cache))
                if dossier is not None:
                    yield dossier
            else:
                self.bad_rows.append(BadRow(line, texts.IMPORT_NOT_OBJECT))
            position = whitespace.match(text, end).end()  # type: ignore[union-attr]
            if position < len(text) and text[position] == ",":
                position += 1
            elif position >= len(text) or text[position] != "]":
                error_line = line + text.count("\n", counted_to, position)
                self.bad_rows.append(
                    BadRow(error_line, texts.IMPORT_BAD_JSON_STOP.format(error="thiếu dấu phẩy"))
                )
                return

    def _iter_json_lines(self, lines: Iterable[str]) -> Iterator[Dossier]:
        key_cache: dict[str, str | None] = {}
        for line_number, line in enumerate(lines, start=1):
            text = line.strip().lstrip("\ufeff")
            if not text:
                continue
            self.rows_seen += 1
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                self.bad_rows.append(BadRow(line_number, texts.IMPORT_BAD_JSON.format(error=exc.msg)))
                continue
            if not isinstance(obj, dict):
                self.bad_rows.append(BadRow(line_number, texts.IMPORT_NOT_OBJECT))
                continue
            dossier = self._convert(line_number, self._object_values(obj, key_cache))
            if dossier is not None:
                yield dossier

    # -- one row -----------------------------------------------------------------

    def _status(self, text: str) -> DossierStatus | None:
        if text in self._status_cache:
            return self._status_cache[text]
        try:
            status: DossierStatus | None = parse_status(text)
        except UnknownStatusError:
            status = None
        self._status_cache[text] = status
        return status

    def _computed_appointment(self, line: int, procedure_code: str, received_at: datetime) -> date | None:
        if self._processing_time_for is None or self._calendar is None or not procedure_code:
            return None
        if procedure_code not in self._processing_cache:
            self._processing_cache[procedure_code] = self._processing_time_for(procedure_code)
        spec = self._processing_cache[procedure_code]
        if spec is None:
            return None
        value, unit = spec[0], spec[1]
        cutoff = spec[2] if len(spec) > 2 else DEFAULT_CUTOFF
        try:
            appointment = self._calendar.appointment_for(received_at, value, unit, cutoff)
        except ValueError as exc:
            self.warnings.append(
                BadRow(line, texts.IMPORT_WARN_BAD_PROCESSING_TIME.format(code=procedure_code, error=exc))
            )
            self._processing_cache[procedure_code] = None
            return None
        self.appointments_computed += 1
        return appointment

    def _convert(self, line: int, values: Mapping[str, str | None]) -> Dossier | None:
        """Turn one row's cells into a Dossier, or record every problem in it as one BadRow."""
        problems: list[str] = []
        get = values.get
        code_text = get("code")
        code = ""
        if code_text is None:
            problems.append(_MISSING["code"])
        else:
            code = normalize_code(code_text)
            if len(code) > MAX_CODE_LENGTH:
                problems.append(texts.IMPORT_CODE_TOO_LONG.format(n=MAX_CODE_LENGTH))
        status_text = get("status")
        status: DossierStatus | None = None
        if status_text is None:
            problems.append(_MISSING["status"])
        else:
            status = self._status(status_text)
            if status is None:
                problems.append(texts.IMPORT_UNKNOWN_STATUS.format(value=_shorten(status_text)))
        received_text = get("received_at")
        if received_text is None:
            problems.append(_MISSING["received_at"])
        received_at = _moment(received_text, "received_at", problems)
        appointment = _moment(get("appointment_date"), "appointment_date", problems)
        status_changed_at = _moment(get("status_changed_at"), "status_changed_at", problems)
        finished_at = _moment(get("finished_at"), "finished_at", problems)
        fee_text = get("fee_due")
        fee_due: int | None = None
        if fee_text is not None:
            try:
                fee_due = parse_money(fee_text)
            except ValueError:
                problems.append(texts.IMPORT_INVALID_MONEY.format(value=_shorten(fee_text)))
        waiting_days = _count(get("waiting_days"), "waiting_days", problems)
        supplement_requests = _count(get("supplement_requests"), "supplement_requests", problems)
        if problems or status is None or received_at is None:
            self.bad_rows.append(BadRow(line, "; ".join(problems)))
            return None

        phone: str | None = None
        phone_text = get("phone")
        if phone_text is not None:
            try:
                phone = normalize_phone(phone_text)
            except InvalidPhoneError:
                self.warnings.append(BadRow(line, texts.IMPORT_WARN_PHONE))
        procedure_code = get("procedure_code") or ""
        appointment_date = appointment.date() if appointment is not None else None
        if appointment_date is None and status not in (
            DossierStatus.MOI_DANG_KY,
            DossierStatus.KHONG_DUOC_TIEP_NHAN,
        ):
            appointment_date = self._computed_appointment(line, procedure_code, received_at)
            if appointment_date is None:
                self.warnings.append(
                    BadRow(line, texts.IMPORT_WARN_NO_APPOINTMENT.format(code=procedure_code))
                )
        if status in CLOSED_STATUSES and finished_at is None and status_changed_at is None:
            self.warnings.append(BadRow(line, texts.IMPORT_WARN_NO_FINISH))
        if status not in CLOSED_STATUSES:
            finished_at = None  # reopened dossiers: a stale finish date must not count in the KPI
        first_line = self._first_line_of_code.setdefault(code, line)
        if first_line != line:
            self.warnings.append(BadRow(line, texts.IMPORT_WARN_DUPLICATE.format(line=first_line)))

        return Dossier(
            code=code,
            procedure_code=procedure_code,
            procedure_name=get("procedure_name") or "",
            field=get("field") or "",
            applicant_name=get("applicant_name") or "",
            phone=phone,
            received_at=received_at,
            appointment_date=appointment_date,
            status=status,
            status_changed_at=status_changed_at,
            finished_at=finished_at,
            missing_documents=get("missing_documents"),
            fee_due=fee_due,
            result_location=get("result_location"),
            waiting_days=waiting_days,
            supplement_requests=supplement_requests,
            note=get("note"),
        )


def read_text(text: str, **kwargs: Any) -> DossierImport:
    """An import over an in-memory export (tests, the demo seed, a pasted snippet)."""
    return DossierImport(io.StringIO(text), **kwargs)
