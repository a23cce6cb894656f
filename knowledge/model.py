"""Typed, immutable view of the knowledge base.

The YAML files are the source of truth and the loader validates them; the rest
of the app only ever sees these frozen objects, so a reload can swap the whole
KnowledgeBase atomically and nobody can mutate a procedure behind the
matcher's precomputed index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from knowledge.learned import Learned

STATUSES = ("in_force", "amended", "abolished")
TIME_UNITS = ("working_days", "days", "same_day")
CHANNELS = ("in_person", "online", "post")

# Fields in the order a clerk expects them on the "browse by field" menu; a field
# not listed here sorts after these, alphabetically, so a new one never breaks browsing.
FIELD_ORDER = (
    "Hộ tịch",
    "Chứng thực",
    "Bảo trợ xã hội",
    "Giảm nghèo",
    "Người có công",
    "Trẻ em",
    "Đất đai",
    "Hoạt động xây dựng",
    "Hộ kinh doanh",
    "Văn hóa",
    "Thể dục thể thao",
    "Tín ngưỡng, tôn giáo",
    "Hòa giải ở cơ sở",
)


@dataclass(frozen=True, slots=True)
class Document:
    """One paper in the dossier; counts are what the clerk will ask for at the desk."""

    name: str
    originals: int
    copies: int
    form: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Fee:
    """An amount in VND; None means the province (HĐND) sets it, which is not the same as free."""

    name: str
    in_person: int | None
    online: int | None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class ProcessingTime:
    """Structured so deadlines can be computed; `text` is what the citizen reads."""

    value: float
    unit: str
    cutoff: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Procedure:
    """One administrative procedure (thủ tục hành chính) as published nationally."""

    code: str
    name: str
    field: str
    level: str
    audience: str
    status: str
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    documents: tuple[Document, ...]
    steps: tuple[str, ...]
    channels: tuple[str, ...]
    online_url: str | None
    where: str
    processing_time: ProcessingTime
    fees_text: str
    fees: tuple[Fee, ...]
    result: str
    conditions: tuple[str, ...]
    deciding_body: str
    legal_basis: tuple[str, ...]
    source: str | None
    checked_on: dt.date
    uncertain: tuple[str, ...] = ()
    # A question about this procedure always says one word of each group (what tells it from its
    # siblings: "lại", "mất", "cháy" for a re-registration, and "khai sinh" for which one); without
    # them, a sibling is meant.
    requires_one_of: tuple[tuple[str, ...], ...] = ()
    # A question that says one of these is not about this procedure ("đã có sổ đỏ" is not a first
    # land registration).
    excluded_by: tuple[str, ...] = ()
    amended_on: dt.date | None = None
    replaced_by: str | None = None
    effective_date: dt.date | None = None
    status_note: str | None = None

    @property
    def abolished(self) -> bool:
        return self.status == "abolished"


@dataclass(frozen=True, slots=True)
class Referral:
    """A matter another agency handles; the bot names that agency instead of guessing. Or, with
    `at_commune`, a commune matter this guide has no card for yet (an event registered abroad, a
    contract already certified being amended): saying where it is done beats "not understood", and
    beats the card of the sibling procedure it resembles."""

    id: str
    topic: str
    agency: str
    where: str
    online_url: str | None
    note: str | None
    aliases: tuple[str, ...]
    keywords: tuple[str, ...]
    source: str | None
    checked_on: dt.date
    at_commune: bool = False
    # As a procedure's: what tells it from the look-alikes it would otherwise take questions from.
    requires_one_of: tuple[tuple[str, ...], ...] = ()
    excluded_by: tuple[str, ...] = ()


def _field_sort_key(name: str) -> tuple[int, str]:
    try:
        return (FIELD_ORDER.index(name), "")
    except ValueError:
        return (len(FIELD_ORDER), name.casefold())


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """Everything the bot knows; procedures by national code, referrals by id."""

    procedures: dict[str, Procedure] = field(default_factory=dict)
    referrals: dict[str, Referral] = field(default_factory=dict)
    learned: Learned | None = None  # models trained on questions about these procedures, if any

    def fields(self) -> list[str]:
        """Fields in menu order, so buttons do not jump around between reloads."""
        return sorted({p.field for p in self.procedures.values()}, key=_field_sort_key)

    def by_field(self, field: str) -> list[Procedure]:
        """Procedures of one field, in force first, then by code, for a stable list."""
        return sorted(
            (p for p in self.procedures.values() if p.field == field),
            key=lambda p: (p.status == "abolished", p.code),
        )

    def get(self, code: str) -> Procedure | None:
        return self.procedures.get(code)
