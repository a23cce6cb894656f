"""A start-up snapshot of the parsed knowledge base and the matcher's index.

Parsing thousands of YAML files and analysing every phrasing in them takes seconds;
restarting the bot with the same files should not. The snapshot is a cache in the
way compiled Python files are: it is keyed by a fingerprint of every knowledge
file (path, size, modification time), of synonyms.yaml and of the code that reads
them, so any edit, any new file or a new version of the bot misses it and the
knowledge base is parsed, validated and indexed afresh. Deleting it is always safe.

Only a valid knowledge base is ever written, so a snapshot never hides an error a
clerk has just made: an edited file changes the fingerprint and is validated.

After an edit only what changed is redone: the snapshot also keeps each file as
parsed and each document as analysed, and a reload (or a restart that finds a
snapshot of the same code for other files) parses only the files whose size or
modification time changed and analyses only the documents whose words did.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from knowledge.learned import LEARNED_FILE
from knowledge.loader import DEFAULT_ROOT, KNOWLEDGE_DIRS, ParsedFiles, load_files
from knowledge.matcher import Matcher
from knowledge.model import KnowledgeBase
from knowledge.normalize import DEFAULT_SYNONYMS, Normalizer, same_or_new

log = logging.getLogger(__name__)

_CODE = Path(__file__).resolve().parent
_PREFIX = "knowledge-"
_SUFFIX = ".pickle"


@dataclass(frozen=True)
class Indexed:
    """A knowledge base, its matcher, and its files as parsed (what the next reload can reuse)."""

    kb: KnowledgeBase
    matcher: Matcher
    files: ParsedFiles


def _code_key(root: Path) -> str:
    """Changes with the code that reads the files, and so with what a snapshot's objects are."""
    h = hashlib.blake2b(digest_size=8)
    h.update(f"{sys.version}\0{root}\0".encode())
    for path in sorted(_CODE.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _directory(root: Path | None) -> Path:
    return (Path(root) if root is not None else DEFAULT_ROOT).resolve()


def _fingerprint(root: Path, code: str) -> str:
    """Changes whenever anything the matcher is built from may have changed."""
    h = hashlib.blake2b(digest_size=16)
    h.update(code.encode())
    st = DEFAULT_SYNONYMS.stat()
    h.update(f"{DEFAULT_SYNONYMS}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    try:
        st = (root / LEARNED_FILE).stat()
        h.update(f"{LEARNED_FILE}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    except FileNotFoundError:
        pass  # a knowledge base without trained models
    for sub in KNOWLEDGE_DIRS:
        try:
            with os.scandir(root / sub) as found:
                entries = sorted((e for e in found if e.name.endswith(".yaml")), key=lambda e: e.name)
        except FileNotFoundError:
            continue  # the loader names the missing folder
        for e in entries:
            st = e.stat()
            h.update(f"{sub}/{e.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


class Snapshot:
    """The snapshot of the files under `root` as they are now. Named before the files are read, so
    that an edit made while they are parsed gives the next load another name instead of hiding in
    this one."""

    def __init__(self, root: Path | None, cache_dir: Path | None) -> None:
        self._dir = cache_dir
        self._code = ""
        self.path: Path | None = None
        if cache_dir is not None:  # without a cache there is nothing to name
            directory = _directory(root)
            self._code = _code_key(directory)
            self.path = cache_dir / f"{_PREFIX}{self._code}-{_fingerprint(directory, self._code)}{_SUFFIX}"

    def read(self) -> Indexed | None:
        return _read(self.path) if self.path is not None else None

    def latest(self) -> Indexed | None:
        """The snapshot of other files written by this same code, if any (a snapshot of other code
        may hold objects this code cannot use)."""
        if self._dir is None:
            return None
        found = []
        for path in self._dir.glob(f"{_PREFIX}{self._code}-*{_SUFFIX}"):
            try:
                found.append((path.stat().st_mtime_ns, path))
            except FileNotFoundError:  # removed meanwhile by another process's newer snapshot
                continue
        return _read(max(found)[1]) if found else None

    def write(self, indexed: Indexed) -> None:
        if self.path is not None:
            _write(self.path, indexed)


def load_indexed(root: Path | None, cache_dir: Path | None) -> Indexed:
    """The knowledge base under `root` and its matcher, from the snapshot in `cache_dir` when it is
    current; otherwise built again, reusing from the last snapshot whatever has not changed, and
    written as the next start's snapshot. Raises KnowledgeBaseError, like the loader, when the files
    are invalid."""
    indexed, unsaved = open_indexed(root, cache_dir)
    if unsaved is not None:
        unsaved.write(indexed)
    return indexed


def open_indexed(root: Path | None, cache_dir: Path | None) -> tuple[Indexed, Snapshot | None]:
    """Like `load_indexed`, but leaves writing a new snapshot to the caller, with the snapshot to
    write (None when the current one was read): writing it takes longer than the build after an
    edit, and a starting bot can answer meanwhile."""
    snapshot = Snapshot(root, cache_dir)
    found = snapshot.read()
    if found is not None:
        return found, None
    return build(root, snapshot.latest()), snapshot


def build(root: Path | None, previous: Indexed | None) -> Indexed:
    """The knowledge base under `root`, parsing and analysing only what changed since `previous`."""
    with _long_lived():
        if previous is None:
            kb, _, files = load_files(root)
            return Indexed(kb, Matcher(kb, Normalizer()), files)
        kb, _, files = load_files(root, previous.files)
        normalizer = same_or_new(previous.matcher.normalizer)
        return Indexed(kb, Matcher(kb, normalizer, previous=previous.matcher), files)


@contextmanager
def _long_lived() -> Iterator[None]:
    """Around making an index: millions of small objects, none of them cyclic, that live as long as
    the knowledge base. The cyclic garbage collector would only rescan them, over and over while
    they are made (it doubles a reload's time) and in every full collection after (a pause in the
    middle of some citizen's question). So it pauses while they are made, and they are then moved
    out of its sight (gc.freeze); reference counting still frees them when a reload replaces them.
    Garbage already waiting is collected first, so none of it is frozen with them."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _read(path: Path) -> Indexed | None:
    try:
        with _long_lived(), path.open("rb") as f:
            indexed = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or foreign file is only a cache miss
        log.warning("knowledge snapshot %s unreadable (%s); rebuilding", path, exc)
        return None
    return indexed if isinstance(indexed, Indexed) else None


def _write(path: Path, indexed: Indexed) -> None:
    """Atomically, so a bot starting meanwhile reads the old snapshot or the new one, never half of
    one; older snapshots are removed. Failing to write only costs the next start its speed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(indexed, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in path.parent.glob(f"{_PREFIX}*{_SUFFIX}"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("knowledge snapshot %s not written (%s)", path, exc)
