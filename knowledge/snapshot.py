"""A start-up snapshot of the parsed knowledge base and the matcher's index.

Parsing thousands of YAML files and analysing every phrasing in them takes seconds;
restarting the bot with the same files should not. The snapshot is a cache in the
way compiled Python files are: it is keyed by a fingerprint of every knowledge
file (path, size, modification time), of synonyms.yaml and of the code that reads
them, so any edit, any new file or a new version of the bot misses it and the
knowledge base is parsed, validated and indexed afresh. Deleting it is always safe.

Only a valid knowledge base is ever written, so a snapshot never hides an error a
clerk has just made: an edited file changes the fingerprint and is validated.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path

from knowledge.loader import DEFAULT_ROOT, KNOWLEDGE_DIRS, load_knowledge_base
from knowledge.matcher import Matcher
from knowledge.model import KnowledgeBase
from knowledge.normalize import DEFAULT_SYNONYMS, Normalizer

log = logging.getLogger(__name__)

_CODE = Path(__file__).resolve().parent
_PREFIX = "knowledge-"
_SUFFIX = ".pickle"


def fingerprint(root: Path | None = None) -> str:
    """Changes whenever anything the matcher is built from may have changed."""
    root = (Path(root) if root is not None else DEFAULT_ROOT).resolve()
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{sys.version}\0{root}\0".encode())
    for path in sorted(_CODE.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    st = DEFAULT_SYNONYMS.stat()
    h.update(f"{DEFAULT_SYNONYMS}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
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


def load_indexed(root: Path | None, cache_dir: Path | None) -> tuple[KnowledgeBase, Matcher]:
    """The knowledge base under `root` and its matcher, from the snapshot in `cache_dir` when it is
    current. Raises KnowledgeBaseError, like the loader, when the files are invalid."""
    if cache_dir is None:
        return _build(root)
    path = cache_dir / f"{_PREFIX}{fingerprint(root)}{_SUFFIX}"
    cached = _read(path)
    if cached is not None:
        return cached
    kb, matcher = _build(root)
    _write(path, kb, matcher)
    return kb, matcher


def _build(root: Path | None) -> tuple[KnowledgeBase, Matcher]:
    kb = load_knowledge_base(root)
    return kb, Matcher(kb, Normalizer())


def _read(path: Path) -> tuple[KnowledgeBase, Matcher] | None:
    # Millions of small objects, none of them cyclic: the cyclic garbage collector would only rescan
    # them over and over while they are read (it doubles the time).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with path.open("rb") as f:
            kb, matcher = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or foreign file is only a cache miss
        log.warning("knowledge snapshot %s unreadable (%s); rebuilding", path, exc)
        return None
    finally:
        if was_enabled:
            gc.enable()
    if not isinstance(kb, KnowledgeBase) or not isinstance(matcher, Matcher):
        return None
    return kb, matcher


def _write(path: Path, kb: KnowledgeBase, matcher: Matcher) -> None:
    """Atomically, so a bot starting meanwhile reads the old snapshot or the new one, never half of
    one; older snapshots are removed. Failing to write only costs the next start its speed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump((kb, matcher), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        for old in path.parent.glob(f"{_PREFIX}*{_SUFFIX}"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("knowledge snapshot %s not written (%s)", path, exc)
