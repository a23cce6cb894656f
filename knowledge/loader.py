"""Load and validate the YAML knowledge base.

A clerk edits these files by hand, so every problem is reported with the file
and the field it is in, and all problems are collected before failing: fixing
one error per restart would be miserable. Anything the bot can live with but a
clerk should look at (no fee, no source, facts marked uncertain, unknown keys)
is a warning, not an error.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.learned import LEARNED_FILE, Learned, load_learned
from knowledge.model import (
    CHANNELS,
    STATUSES,
    TIME_UNITS,
    Document,
    Fee,
    KnowledgeBase,
    Procedure,
    ProcessingTime,
    Referral,
)
from knowledge.yaml_file import load_yaml

DEFAULT_ROOT = Path(__file__).resolve().parent
PROCEDURES_DIR = "procedures"
REFERRALS_DIR = "referrals"
KNOWLEDGE_DIRS = (PROCEDURES_DIR, REFERRALS_DIR)  # the folders under a root that hold knowledge files

CODE_RE = re.compile(r"^\d\.\d{6}$")
REFERRAL_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CUTOFF_RE = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
URL_RE = re.compile(r"^https?://\S+$")

PROCEDURE_KEYS = frozenset(
    {
        "code", "name", "field", "level", "audience", "status", "amended_on", "replaced_by",
        "status_note", "effective_date", "aliases", "keywords", "documents", "steps", "submission",
        "processing_time", "fees", "result", "conditions", "deciding_body", "legal_basis", "source",
        "checked_on", "uncertain", "requires_one_of", "excluded_by",
    }
)
DOCUMENT_KEYS = frozenset({"name", "originals", "copies", "form", "note"})
SUBMISSION_KEYS = frozenset({"channels", "online_url", "where"})
TIME_KEYS = frozenset({"value", "unit", "cutoff", "text"})
FEES_KEYS = frozenset({"text", "items"})
FEE_ITEM_KEYS = frozenset({"name", "in_person", "online", "unit"})
REFERRAL_KEYS = frozenset(
    {
        "id", "topic", "agency", "where", "online_url", "note", "aliases", "keywords", "source", "checked_on",
        "at_commune", "requires_one_of", "excluded_by",
    }
)

_MISSING = object()


class KnowledgeBaseError(Exception):
    """The knowledge base cannot be used; `errors` lists every problem, file and field first."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        shown = "\n".join(self.errors[:20])
        more = f"\n… and {len(self.errors) - 20} more" if len(self.errors) > 20 else ""
        super().__init__(f"{len(self.errors)} error(s) in the knowledge base:\n{shown}{more}")


class _File:
    """Collects the problems of one file so each message carries its file and field."""

    def __init__(self, rel: str, errors: list[str], warnings: list[str]) -> None:
        self.rel = rel
        self._errors = errors
        self._warnings = warnings
        self.failed = False

    def error(self, where: str, message: str) -> None:
        self.failed = True
        self._errors.append(f"{self.rel}: {where}: {message}" if where else f"{self.rel}: {message}")

    def warn(self, where: str, message: str) -> None:
        self._warnings.append(f"{self.rel}: {where}: {message}" if where else f"{self.rel}: {message}")

    # -- typed getters: each returns a usable fallback after recording the error, so
    # -- validation carries on and finds the next problem too.

    def text(self, data: dict[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
        value = data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.error(where, "is required")
            return None
        if not isinstance(value, str):
            self.error(where, f"must be text, got {_type_name(value)}")
            return None
        if not value.strip():
            if required:
                self.error(where, "must not be empty")
            return None
        return value.strip()

    def text_list(
        self, data: dict[str, Any], key: str, where: str, *, required: bool = False
    ) -> tuple[str, ...]:
        value = data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.error(where, "is required")
            return ()
        if isinstance(value, str):
            self.error(where, "must be a list of texts (put each item on its own '- ' line)")
            return ()
        if not isinstance(value, list):
            self.error(where, f"must be a list of texts, got {_type_name(value)}")
            return ()
        out: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.error(f"{where}[{i}]", f"must be text, got {_type_name(item)}")
            elif not item.strip():
                self.error(f"{where}[{i}]", "must not be empty")
            else:
                out.append(item.strip())
        return tuple(out)

    def count(self, data: dict[str, Any], key: str, where: str) -> int:
        value = data.get(key, _MISSING)
        if value is _MISSING or value is None:
            self.error(where, "is required (a whole number ≥ 0)")
            return 0
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.error(where, "must be a whole number ≥ 0")
            return 0
        return value

    def amount(self, data: dict[str, Any], key: str, where: str) -> int | None:
        """A fee in VND; an explicit null means 'set by the province', which is valid."""
        if key not in data:
            self.error(where, "is required (an amount in VND, or null when the province sets it)")
            return None
        value = data[key]
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.error(where, "must be a whole amount in VND ≥ 0, or null when the province sets it")
            return None
        return value

    def date(self, data: dict[str, Any], key: str, where: str, *, required: bool = True) -> dt.date | None:
        value = data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.error(where, "is required (a date written YYYY-MM-DD)")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.error(where, f"must be a date written YYYY-MM-DD, got {value!r}")
        return None

    def flag(self, data: dict[str, Any], key: str, where: str) -> bool:
        """An optional yes/no, false when left out."""
        value = data.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(where, f"must be true or false, got {value!r}")
            return False
        return value

    def url(self, data: dict[str, Any], key: str, where: str) -> str | None:
        value = self.text(data, key, where, required=False)
        if value is not None and not URL_RE.match(value):
            self.error(where, f"must be a web address starting with http:// or https://, got {value!r}")
            return None
        return value

    def mapping(self, data: dict[str, Any], key: str, where: str, *, required: bool = True) -> dict[str, Any]:
        value = data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.error(where, "is required")
            return {}
        if not isinstance(value, dict):
            self.error(where, f"must be a mapping of 'key: value' lines, got {_type_name(value)}")
            return {}
        return value

    def unknown_keys(self, data: dict[str, Any], allowed: frozenset[str], where: str) -> None:
        for key in data:
            if key not in allowed:
                self.warn(f"{where}.{key}" if where else str(key), "unknown key (ignored); is it misspelt?")

    def records(
        self, items: list[Any], where: str, allowed: frozenset[str], fields: str
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each mapping of a list with where it is ("documents[2]"); anything else is an error that
        says which `fields` a mapping there should have."""
        for i, item in enumerate(items):
            at = f"{where}[{i}]"
            if not isinstance(item, dict):
                self.error(at, f"must be a mapping with {fields}; got {_type_name(item)}")
                continue
            self.unknown_keys(item, allowed, at)
            yield at, item


def _type_name(value: object) -> str:
    if value is None:
        return "nothing"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)


def _warn_future(f: _File, checked_on: dt.date | None) -> None:
    """A check dated in the future is almost always a typo in the year; citizens would see it."""
    if checked_on is not None and checked_on > dt.date.today():
        f.warn("checked_on", f"{checked_on.isoformat()} is in the future; is the year right?")


def _read_yaml(path: Path, f: _File) -> dict[str, Any] | None:
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        f.error("", "is not UTF-8 text; save it as UTF-8")
        return None
    try:
        data = load_yaml(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        f.error("", f"invalid YAML: {line}{problem}")
        return None
    if not isinstance(data, dict):
        f.error("", "must be a mapping of 'key: value' lines at the top level")
        return None
    return data


def _parse_procedure(path: Path, f: _File) -> Procedure | None:
    data = _read_yaml(path, f)
    if data is None:
        return None
    f.unknown_keys(data, PROCEDURE_KEYS, "")

    raw_code = data.get("code")
    code: str | None = None
    if raw_code is None:
        f.error("code", "is required")
    elif not isinstance(raw_code, str):
        f.error("code", f'must be quoted text like "1.001193", got {raw_code!r}')
    elif not CODE_RE.match(raw_code.strip()):
        f.error("code", f'must look like "1.001193" (digit, dot, six digits), got {raw_code!r}')
    else:
        code = raw_code.strip()
        if path.stem != code:
            f.error("code", f"{code!r} does not match the file name {path.name!r}")

    name = f.text(data, "name", "name")
    field = f.text(data, "field", "field")
    level = f.text(data, "level", "level")
    audience_raw = data.get("audience")
    audience: str | None
    if isinstance(audience_raw, list) and all(isinstance(a, str) and a.strip() for a in audience_raw):
        audience = ", ".join(a.strip() for a in audience_raw) or None
        if audience is None:
            f.error("audience", "must not be empty")
    else:
        audience = f.text(data, "audience", "audience")

    status = f.text(data, "status", "status")
    if status is not None and status not in STATUSES:
        f.error("status", f"must be one of {', '.join(STATUSES)}, got {status!r}")
        status = None
    amended_on = f.date(data, "amended_on", "amended_on", required=status == "amended")
    effective_date = f.date(data, "effective_date", "effective_date", required=status == "abolished")
    status_note = f.text(data, "status_note", "status_note", required=status in ("amended", "abolished"))
    replaced_by = None
    if data.get("replaced_by") is not None:
        rb = data["replaced_by"]
        if not isinstance(rb, str) or not CODE_RE.match(rb.strip()):
            f.error("replaced_by", f'must be a quoted procedure code like "1.001193", got {rb!r}')
        else:
            replaced_by = rb.strip()
            if status != "abolished":
                f.warn("replaced_by", "is set but status is not abolished")
            if replaced_by == code:
                f.error("replaced_by", "cannot be the procedure itself")

    aliases = f.text_list(data, "aliases", "aliases")
    keywords = f.text_list(data, "keywords", "keywords")
    if not aliases and not keywords and "aliases" not in data and "keywords" not in data:
        f.warn("aliases", "no aliases or keywords: citizens will only find it by its official name")
    requires_one_of = _word_groups(f, data)
    excluded_by = f.text_list(data, "excluded_by", "excluded_by")

    documents: list[Document] = []
    docs_raw = data.get("documents")
    if docs_raw is None:
        f.error("documents", "is required (a list; write [] if the procedure needs no papers)")
    elif not isinstance(docs_raw, list):
        f.error("documents", f"must be a list, got {_type_name(docs_raw)}")
    else:
        for where, doc in f.records(docs_raw, "documents", DOCUMENT_KEYS, "name, originals, copies"):
            documents.append(
                Document(
                    name=f.text(doc, "name", f"{where}.name") or "",
                    originals=f.count(doc, "originals", f"{where}.originals"),
                    copies=f.count(doc, "copies", f"{where}.copies"),
                    form=f.text(doc, "form", f"{where}.form", required=False),
                    note=f.text(doc, "note", f"{where}.note", required=False),
                )
            )
        if not docs_raw:
            f.warn("documents", "is empty")

    steps = f.text_list(data, "steps", "steps")
    if not steps:
        f.warn("steps", "missing or empty")

    sub = f.mapping(data, "submission", "submission")
    f.unknown_keys(sub, SUBMISSION_KEYS, "submission")
    channels: tuple[str, ...] = ()
    if sub:
        ch = f.text_list(sub, "channels", "submission.channels", required=True)
        for i, c in enumerate(ch):
            if c not in CHANNELS:
                f.error(f"submission.channels[{i}]", f"must be one of {', '.join(CHANNELS)}, got {c!r}")
        channels = tuple(c for c in ch if c in CHANNELS)
        if "channels" in sub and not ch:
            f.error("submission.channels", "must list at least one of " + ", ".join(CHANNELS))
    online_url = f.url(sub, "online_url", "submission.online_url")
    where_submit = f.text(sub, "where", "submission.where") if sub else None
    if "online" in channels and online_url is None:
        f.warn("submission.online_url", "channels include online but no link is given")

    pt = f.mapping(data, "processing_time", "processing_time")
    f.unknown_keys(pt, TIME_KEYS, "processing_time")
    value: float = 0
    unit: str | None = None
    cutoff: str | None = None
    pt_text: str | None = None
    if pt:
        raw_value = pt.get("value")
        if raw_value is None:
            f.error("processing_time.value", "is required (a number; 0 with unit same_day)")
        elif isinstance(raw_value, bool) or not isinstance(raw_value, (int, float)) or raw_value < 0:
            f.error("processing_time.value", f"must be a number ≥ 0, got {raw_value!r}")
        else:
            value = raw_value
        unit = f.text(pt, "unit", "processing_time.unit")
        if unit is not None and unit not in TIME_UNITS:
            f.error("processing_time.unit", f"must be one of {', '.join(TIME_UNITS)}, got {unit!r}")
            unit = None
        raw_cutoff = pt.get("cutoff")
        if raw_cutoff is not None:
            if isinstance(raw_cutoff, int) and not isinstance(raw_cutoff, bool):
                # YAML 1.1 reads an unquoted 15:00 as the sexagesimal number 900.
                raw_cutoff = f"{raw_cutoff // 60:02d}:{raw_cutoff % 60:02d}"
            if not isinstance(raw_cutoff, str) or not CUTOFF_RE.match(raw_cutoff.strip()):
                f.error("processing_time.cutoff", f'must be a time like "15:00", got {raw_cutoff!r}')
            else:
                cutoff = raw_cutoff.strip()
        pt_text = f.text(pt, "text", "processing_time.text", required=False)

    fees_raw = data.get("fees")
    fees_text = ""
    fees: list[Fee] = []
    if fees_raw is None:
        f.warn("fees", "missing: the citizen will not be told the fee")
    elif not isinstance(fees_raw, dict):
        f.error("fees", f"must be a mapping with text and optional items, got {_type_name(fees_raw)}")
    else:
        f.unknown_keys(fees_raw, FEES_KEYS, "fees")
        fees_text = f.text(fees_raw, "text", "fees.text") or ""
        items = fees_raw.get("items")
        if items is not None and not isinstance(items, list):
            f.error("fees.items", f"must be a list, got {_type_name(items)}")
        for where, item in f.records(items or [], "fees.items", FEE_ITEM_KEYS, "name, in_person, online"):
            fees.append(
                Fee(
                    name=f.text(item, "name", f"{where}.name") or "",
                    in_person=f.amount(item, "in_person", f"{where}.in_person"),
                    online=f.amount(item, "online", f"{where}.online"),
                    unit=f.text(item, "unit", f"{where}.unit", required=False),
                )
            )

    result = f.text(data, "result", "result")
    conditions = f.text_list(data, "conditions", "conditions")
    deciding_body = f.text(data, "deciding_body", "deciding_body")
    legal_basis = f.text_list(data, "legal_basis", "legal_basis", required=True)
    source = f.url(data, "source", "source")
    if source is None and "source" not in data:
        f.warn("source", "missing: nobody can re-check these facts")
    checked_on = f.date(data, "checked_on", "checked_on")
    _warn_future(f, checked_on)
    uncertain = f.text_list(data, "uncertain", "uncertain")
    for item in uncertain:
        f.warn("uncertain", item)

    if f.failed:
        return None
    assert code and name and field and level and audience and status and unit and where_submit
    assert result and deciding_body and checked_on
    return Procedure(
        code=code,
        name=name,
        field=field,
        level=level,
        audience=audience,
        status=status,
        aliases=aliases,
        keywords=keywords,
        requires_one_of=requires_one_of,
        excluded_by=excluded_by,
        documents=tuple(documents),
        steps=steps,
        channels=channels,
        online_url=online_url,
        where=where_submit,
        processing_time=ProcessingTime(value=value, unit=unit, cutoff=cutoff, text=pt_text),
        fees_text=fees_text,
        fees=tuple(fees),
        result=result,
        conditions=conditions,
        deciding_body=deciding_body,
        legal_basis=legal_basis,
        source=source,
        checked_on=checked_on,
        uncertain=uncertain,
        amended_on=amended_on,
        replaced_by=replaced_by,
        effective_date=effective_date,
        status_note=status_note,
    )


def _parse_referral(path: Path, f: _File) -> Referral | None:
    data = _read_yaml(path, f)
    if data is None:
        return None
    f.unknown_keys(data, REFERRAL_KEYS, "")
    rid = f.text(data, "id", "id")
    if rid is not None:
        if not REFERRAL_ID_RE.match(rid):
            f.error("id", f"must be lowercase letters, digits and dashes like 'ho-chieu', got {rid!r}")
        elif rid != path.stem:
            f.error("id", f"{rid!r} does not match the file name {path.name!r}")
    topic = f.text(data, "topic", "topic")
    agency = f.text(data, "agency", "agency")
    where = f.text(data, "where", "where")
    online_url = f.url(data, "online_url", "online_url")
    note = f.text(data, "note", "note", required=False)
    aliases = f.text_list(data, "aliases", "aliases")
    keywords = f.text_list(data, "keywords", "keywords")
    if not aliases and not keywords:
        f.warn("aliases", "no aliases or keywords: citizens will only find it by its topic")
    source = f.url(data, "source", "source")
    if source is None and "source" not in data:
        f.warn("source", "missing: nobody can re-check these facts")
    checked_on = f.date(data, "checked_on", "checked_on")
    _warn_future(f, checked_on)
    at_commune = f.flag(data, "at_commune", "at_commune")
    requires_one_of = _word_groups(f, data)
    excluded_by = f.text_list(data, "excluded_by", "excluded_by")
    if f.failed:
        return None
    assert rid and topic and agency and where and checked_on
    return Referral(
        id=rid,
        topic=topic,
        agency=agency,
        where=where,
        online_url=online_url,
        note=note,
        aliases=aliases,
        keywords=keywords,
        source=source,
        checked_on=checked_on,
        at_commune=at_commune,
        requires_one_of=requires_one_of,
        excluded_by=excluded_by,
    )


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A valid knowledge file as last parsed. Parsing is most of the time a catalogue of thousands of
    files takes to load, and a clerk's edit touches one: the others are reused for as long as their
    size and modification time stay the same (as `make` decides what to rebuild)."""

    size: int
    mtime_ns: int
    item: Procedure | Referral | Learned
    warnings: tuple[str, ...]


ParsedFiles = dict[str, ParsedFile]  # by path under the root: "procedures/1.001193.yaml"


def _load_dir(
    root: Path,
    sub: str,
    parse: Callable[[Path, _File], Any],
    errors: list[str],
    warnings: list[str],
    previous: Mapping[str, ParsedFile],
    parsed: ParsedFiles,
) -> list[tuple[str, Any]]:
    folder = root / sub
    if not folder.is_dir():
        errors.append(f"{sub}/: folder is missing under {root}")
        return []
    for stray in sorted(folder.glob("*.yml")):
        warnings.append(f"{sub}/{stray.name}: ignored; knowledge files must end in .yaml")
    out = []
    # os.scandir, not Path.glob, and a Path only for a file parsed again: making one per file was an
    # eighth of a reload of 5,000 files.
    with os.scandir(folder) as found:
        entries = sorted((e for e in found if e.name.endswith(".yaml")), key=lambda e: e.name)
    for entry in entries:
        rel = f"{sub}/{entry.name}"
        st = entry.stat()
        known = previous.get(rel)
        if known is None or (known.size, known.mtime_ns) != (st.st_size, st.st_mtime_ns):
            own_warnings: list[str] = []
            item = parse(Path(entry.path), _File(rel, errors, own_warnings))
            warnings += own_warnings
            if item is not None:
                known = ParsedFile(st.st_size, st.st_mtime_ns, item, tuple(own_warnings))
            else:
                known = None
        else:
            warnings += known.warnings
        if known is not None:
            parsed[rel] = known
            out.append((rel, known.item))
    return out


def load_with_warnings(root: Path | None = None) -> tuple[KnowledgeBase, list[str]]:
    """Load and validate everything under root; raise KnowledgeBaseError listing every error."""
    kb, warnings, _ = load_files(root)
    return kb, warnings


def load_files(
    root: Path | None = None, previous: Mapping[str, ParsedFile] | None = None
) -> tuple[KnowledgeBase, list[str], ParsedFiles]:
    """Like load_with_warnings, parsing again only the files that changed since `previous` (a former
    call's third result); every file is still checked against the others."""
    return _load(Path(root) if root is not None else DEFAULT_ROOT, previous, read_learned=True)


def load_for_training(root: Path | None = None) -> KnowledgeBase:
    """The procedures and referrals under root whatever state its learned file is in: training writes
    a new one, so an old or broken one must not stand in the way."""
    kb, _, _ = _load(Path(root) if root is not None else DEFAULT_ROOT, None, read_learned=False)
    return kb


def _load(
    root: Path, previous: Mapping[str, ParsedFile] | None, read_learned: bool
) -> tuple[KnowledgeBase, list[str], ParsedFiles]:
    previous = previous or {}
    errors: list[str] = []
    warnings: list[str] = []
    parsed: ParsedFiles = {}

    procedures: dict[str, Procedure] = {}
    origin: dict[str, str] = {}
    for rel, proc in _load_dir(root, PROCEDURES_DIR, _parse_procedure, errors, warnings, previous, parsed):
        if proc.code in procedures:
            errors.append(f"{rel}: code: {proc.code} is already used by {origin[proc.code]}")
            continue
        procedures[proc.code] = proc
        origin[proc.code] = rel

    referrals: dict[str, Referral] = {}
    ref_origin: dict[str, str] = {}
    for rel, ref in _load_dir(root, REFERRALS_DIR, _parse_referral, errors, warnings, previous, parsed):
        if ref.id in referrals:
            errors.append(f"{rel}: id: {ref.id} is already used by {ref_origin[ref.id]}")
            continue
        referrals[ref.id] = ref
        ref_origin[ref.id] = rel

    for code, proc in procedures.items():
        if proc.replaced_by is not None:
            target = procedures.get(proc.replaced_by)
            if target is None:
                errors.append(
                    f"{origin[code]}: replaced_by: {proc.replaced_by} is not in the knowledge base"
                    " (add its file or fix the code)"
                )
            elif target.status == "abolished":
                warnings.append(f"{origin[code]}: replaced_by: {proc.replaced_by} is itself abolished")

    if not procedures and not errors:
        errors.append(f"procedures/: no procedure files found under {root}")
    learned = _learned(root, errors, previous, parsed) if read_learned else None
    if errors:
        raise KnowledgeBaseError(errors)
    return KnowledgeBase(procedures=procedures, referrals=referrals, learned=learned), warnings, parsed


def _learned(
    root: Path, errors: list[str], previous: Mapping[str, ParsedFile], parsed: ParsedFiles
) -> Learned | None:
    """The trained models, reused like any other file while the file stays the same: reading and
    checking its hundreds of thousands of weights took half of a reload after a clerk's edit."""
    try:
        st = (root / LEARNED_FILE).stat()  # before reading: a file changed meanwhile is read again next time
    except FileNotFoundError:
        return None
    known = previous.get(LEARNED_FILE)
    if (
        known is not None
        and isinstance(known.item, Learned)
        and (known.size, known.mtime_ns) == (st.st_size, st.st_mtime_ns)
    ):
        parsed[LEARNED_FILE] = known
        return known.item
    try:
        learned = load_learned(root)
    except (OSError, ValueError) as exc:
        errors.append(f"{LEARNED_FILE}: {exc} (train again with `motcua kb train`)")
        return None
    if learned is not None:
        parsed[LEARNED_FILE] = ParsedFile(st.st_size, st.st_mtime_ns, learned, ())
    return learned


def _word_groups(f: _File, data: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
    """`requires_one_of`: a list of words (one group), or a list of such lists (one word of each)."""
    raw = data.get("requires_one_of")
    if raw is None:
        return ()
    if isinstance(raw, list) and raw and all(isinstance(item, list) for item in raw):
        groups = []
        for i, item in enumerate(raw):
            where = f"requires_one_of[{i}]"
            group = f.text_list({where: item}, where, where)
            if not group:
                f.error(where, "must not be empty")
            groups.append(group)
        return tuple(groups)
    group = f.text_list(data, "requires_one_of", "requires_one_of")
    return (group,) if group else ()


def load_knowledge_base(root: Path | None = None) -> KnowledgeBase:
    """The knowledge base the bot runs on; raises KnowledgeBaseError rather than start half-informed."""
    kb, _ = load_with_warnings(root)
    return kb
