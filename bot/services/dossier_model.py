"""The dossier (hồ sơ) as the rest of the bot sees it: statuses, their wording, one record type.

No I/O and no channel types here: storage builds :class:`Dossier` from rows,
the importer from an export file, handlers read it to answer a citizen.

Statuses are the ten used by one-stop software (see
``shared/reference/domain-vn.md``). "Late" (trễ hạn / quá hạn) is *computed*
from dates, never stored as a status: see ``timeliness.py``.

Wording a citizen or official reads is kept together at the top of the module
(``STATUS_NAMES``, ``STATUS_CITIZEN_TEXT``) so it can move to ``bot/texts``
without touching the logic.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import IntEnum
from typing import TYPE_CHECKING

from bot.texts import dossiers as texts

if TYPE_CHECKING:
    from bot.services.workdays import WorkCalendar

__all__ = [
    "CITIZEN_WAIT_STATUSES",
    "CLOSED_STATUSES",
    "RESOLVED_STATUSES",
    "STATUS_CITIZEN_TEXT",
    "STATUS_NAMES",
    "Dossier",
    "DossierStatus",
    "UnknownStatusError",
    "fold_text",
    "mask_name",
    "normalize_code",
    "parse_status",
    "split_status_prefix",
    "with_status",
]

# Official names and the citizen's wording live in bot/texts/dossiers.py; re-exported here.
STATUS_NAMES: dict[int, str] = texts.STATUS_NAMES
STATUS_CITIZEN_TEXT: dict[int, str] = texts.STATUS_CITIZEN_TEXT

# Short forms staff type in commands (folded: lower case, no diacritics). Only
# unambiguous ones; full names, numbers and enum names are always accepted too.
# Not "dung": folding makes "dừng" (stop) and "đúng" (on time) the same word.
_STATUS_ALIASES: dict[str, int] = {
    "dang ky": 1,
    "tiep nhan": 2,
    "da tiep nhan": 2,
    "khong tiep nhan": 3,
    "tu choi": 3,
    "dang giai quyet": 4,
    "bo sung": 5,
    "yeu cau bo sung": 5,
    "nghia vu tai chinh": 6,
    "tai chinh": 6,
    "rut": 7,
    "rut ho so": 7,
    "xong": 9,
    "da xong": 9,
    "tra ket qua": 10,
    "da tra": 10,
}


class UnknownStatusError(ValueError):
    """The text names no dossier status; handlers answer with the list of valid ones."""


class DossierStatus(IntEnum):
    """The ten statuses; the number is what one-stop software exports and staff may type."""

    MOI_DANG_KY = 1
    DUOC_TIEP_NHAN = 2
    KHONG_DUOC_TIEP_NHAN = 3
    DANG_XU_LY = 4
    YEU_CAU_BO_SUNG = 5
    YEU_CAU_NGHIA_VU_TAI_CHINH = 6
    RUT_HO_SO = 7
    DUNG_XU_LY = 8
    DA_XU_LY_XONG = 9
    DA_TRA_KET_QUA = 10

    @property
    def label(self) -> str:
        """Official Vietnamese name, for staff and reports."""
        return STATUS_NAMES[self.value]

    @property
    def citizen_text(self) -> str:
        """Plain explanation for the citizen's lookup answer."""
        return STATUS_CITIZEN_TEXT[self.value]

    @property
    def is_closed(self) -> bool:
        """No more work will happen on the dossier (it left the office's queue)."""
        return self in CLOSED_STATUSES

    @property
    def is_resolved(self) -> bool:
        """Counts as an outcome delivered by the office in the timeliness KPI."""
        return self in RESOLVED_STATUSES

    @property
    def waits_for_citizen(self) -> bool:
        """The clock is stopped because the next move is the citizen's."""
        return self in CITIZEN_WAIT_STATUSES

    @property
    def result_ready(self) -> bool:
        """The citizen can (or did) collect a result, so the answer says where."""
        return self in (DossierStatus.DA_XU_LY_XONG, DossierStatus.DA_TRA_KET_QUA)


# Closed: the first time a dossier enters one of these is its finish date.
CLOSED_STATUSES: frozenset[DossierStatus] = frozenset(
    {
        DossierStatus.KHONG_DUOC_TIEP_NHAN,
        DossierStatus.RUT_HO_SO,
        DossierStatus.DUNG_XU_LY,
        DossierStatus.DA_XU_LY_XONG,
        DossierStatus.DA_TRA_KET_QUA,
    }
)
# Resolved: closed by the office's own decision, so judged before/on/after the
# deadline. "Dừng xử lý" is the stopped/refused case of domain-vn.md. Refused at
# intake (3: the dossier was never received, no appointment exists) and withdrawn
# by the citizen (7) are closed but not judged; the report counts them apart.
RESOLVED_STATUSES: frozenset[DossierStatus] = frozenset(
    {DossierStatus.DUNG_XU_LY, DossierStatus.DA_XU_LY_XONG, DossierStatus.DA_TRA_KET_QUA}
)
# Waiting on the citizen: missing papers (5), and financial obligations (6) whose
# time is likewise not counted in processing time (e.g. land procedures).
CITIZEN_WAIT_STATUSES: frozenset[DossierStatus] = frozenset(
    {DossierStatus.YEU_CAU_BO_SUNG, DossierStatus.YEU_CAU_NGHIA_VU_TAI_CHINH}
)


# ---------------------------------------------------------------------------
# Text folding and parsing
# ---------------------------------------------------------------------------

_SPACES = re.compile(r"[\s_\-]+")


def fold_text(text: str) -> str:
    """Lower case, no diacritics, single spaces: how staff type on a phone keyboard.

    Why not just ``casefold``: "Đã xử lý xong", "da xu ly xong" and an NFD-encoded
    copy from a spreadsheet must all compare equal, and "đ" has no decomposition.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def _build_status_lookup() -> dict[str, DossierStatus]:
    lookup: dict[str, DossierStatus] = {}
    for status in DossierStatus:
        lookup[str(status.value)] = status
        lookup[fold_text(status.label)] = status
        lookup[fold_text(status.name)] = status
    for alias, number in _STATUS_ALIASES.items():
        lookup.setdefault(alias, DossierStatus(number))
    return lookup


_STATUS_LOOKUP: dict[str, DossierStatus] = _build_status_lookup()
# Longest first so "yeu cau bo sung giay to" wins over "yeu cau bo sung".
_STATUS_KEYS_LONGEST_FIRST: tuple[str, ...] = tuple(sorted(_STATUS_LOOKUP, key=len, reverse=True))


def parse_status(value: str | int | DossierStatus) -> DossierStatus:
    """Accept what exports and staff write: ``9``, ``"09"``, ``"da xu ly xong"``, ``"Đã xử lý xong"``.

    Raises :class:`UnknownStatusError` for anything else, so a typo never becomes
    a silently wrong status.
    """
    if isinstance(value, DossierStatus):
        return value
    if isinstance(value, bool):
        raise UnknownStatusError(str(value))
    if isinstance(value, int):
        try:
            return DossierStatus(value)
        except ValueError:
            raise UnknownStatusError(str(value)) from None
    key = fold_text(value)
    if key.isdigit():
        key = str(int(key))
    elif key.endswith(".0") and key[:-2].isdigit():  # spreadsheets turn 9 into 9.0
        key = str(int(key[:-2]))
    status = _STATUS_LOOKUP.get(key)
    if status is None:
        raise UnknownStatusError(value)
    return status


def split_status_prefix(text: str) -> tuple[DossierStatus, str]:
    """Split ``"/capnhat CODE"``'s remainder into a status and the free note after it.

    Why: names have several words ("Yêu cầu bổ sung giấy tờ Thiếu CCCD"), so the
    status is the longest known name/alias/number at the start, on word boundaries.
    The note is returned as typed (diacritics kept).
    """
    words = text.split()
    # Try the longest word prefix that folds to a known status.
    for count in range(min(len(words), 8), 0, -1):
        candidate = fold_text(" ".join(words[:count]))
        if candidate in _STATUS_LOOKUP or (candidate.isdigit() and candidate.lstrip("0") in _STATUS_LOOKUP):
            status = parse_status(candidate)
            return status, " ".join(words[count:])
    raise UnknownStatusError(text)


# ---------------------------------------------------------------------------
# The record
# ---------------------------------------------------------------------------

_CODE_SPACES = re.compile(r"\s+")


def normalize_code(code: str) -> str:
    """The form codes are stored and looked up in: trimmed, no inner spaces, upper case.

    Citizens retype the code from a paper receipt on a phone; case and stray
    spaces are the usual differences, never meaningful.
    """
    return _CODE_SPACES.sub("", unicodedata.normalize("NFC", code)).upper()


def mask_name(name: str) -> str:
    """``"Nguyễn Văn An"`` → ``"N. V. An"``: enough for a citizen to recognise, not to identify."""
    parts = name.split()
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0][0] + "."
    return " ".join([*(p[0] + "." for p in parts[:-1]), parts[-1]])


@dataclass(frozen=True, slots=True)
class Dossier:
    """One dossier as received at the one-stop desk.

    Datetimes are naive and in Vietnam local time (UTC+7, no daylight saving),
    the way one-stop software shows them; ``received_at``'s time of day matters
    for the same-day cut-off rule. ``phone`` is stored normalised
    (``phone.normalize_phone``) or ``None`` when the export had no usable number.

    ``finished_at`` is the *first* time the dossier entered a closed status
    (``CLOSED_STATUSES``): a dossier "Đã xử lý xong" on the 3rd and handed over
    on the 10th finished on the 3rd. ``waiting_days`` counts working days the
    dossier spent waiting on the citizen (``CITIZEN_WAIT_STATUSES``); they push the
    deadline back. ``supplement_requests`` counts requests for missing papers:
    more than one makes the dossier late whatever the dates say.

    ``field`` and the procedure fields are ``""`` when unknown, so reports can
    group without ``None`` checks.
    """

    code: str
    procedure_code: str
    procedure_name: str
    field: str
    applicant_name: str
    phone: str | None
    received_at: datetime
    appointment_date: date | None
    status: DossierStatus
    status_changed_at: datetime | None = None
    finished_at: datetime | None = None
    missing_documents: str | None = None
    fee_due: int | None = None
    result_location: str | None = None
    waiting_days: int = 0
    supplement_requests: int = 0
    note: str | None = None

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def finish_date(self) -> date | None:
        """The day the dossier closed, falling back to its last status change for sloppy data."""
        if self.status not in CLOSED_STATUSES:
            return None
        moment = self.finished_at or self.status_changed_at
        return moment.date() if moment is not None else None

    @property
    def masked_applicant_name(self) -> str:
        """Name as shown to the citizen who proved she holds the receipt; staff see it in full."""
        return mask_name(self.applicant_name)


def with_status(
    dossier: Dossier,
    new_status: DossierStatus,
    at: datetime,
    calendar: WorkCalendar | None = None,
) -> Dossier:
    """Return the dossier after a status change at ``at``, keeping the KPI bookkeeping right.

    Why here and not in storage: every path that changes a status (staff
    command, re-import, demo seed) must apply the same three rules:

    * entering "Yêu cầu bổ sung giấy tờ" from another status is one more
      supplement request;
    * leaving a waiting status (``CITIZEN_WAIT_STATUSES``) adds the working days
      spent waiting to ``waiting_days`` (the day the request was made is not
      counted, the day the citizen answered is; needs ``calendar``). Intervals
      chain, so 5 → 6 → 4 adds the same days as one wait from 5 to 4;
    * the first entry into a closed status sets ``finished_at``; later closed
      statuses (9 → 10) keep it.

    Setting the same status again returns the dossier unchanged, so a repeated
    command (or a Telegram update delivered twice) is harmless.
    """
    old = dossier.status
    if new_status == old:
        return dossier
    waiting_days = dossier.waiting_days
    if old in CITIZEN_WAIT_STATUSES:
        started = dossier.status_changed_at
        if started is not None and calendar is not None:
            waiting_days += max(0, calendar.working_days_between(started.date(), at.date()))
    supplement_requests = dossier.supplement_requests
    if new_status is DossierStatus.YEU_CAU_BO_SUNG:
        supplement_requests += 1
    finished_at = dossier.finished_at
    if new_status in CLOSED_STATUSES and finished_at is None:
        finished_at = at
    return replace(
        dossier,
        status=new_status,
        status_changed_at=at,
        finished_at=finished_at,
        waiting_days=waiting_days,
        supplement_requests=supplement_requests,
    )
