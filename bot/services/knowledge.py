"""The live knowledge base and its matcher, swappable at run time by `/reload`.

A reload builds a complete new KnowledgeBase and Matcher first and swaps both in
one assignment, so a question is never matched against half a knowledge base,
and an invalid new version leaves the old one serving.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.matcher import Match
from knowledge.model import KnowledgeBase
from knowledge.snapshot import Indexed, Snapshot, build, open_indexed

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)


class KnowledgeService:
    def __init__(
        self,
        root: Path | None,
        loaded: Indexed,
        cache_dir: Path | None = None,
        unsaved: Snapshot | None = None,
    ) -> None:
        self.root = root
        self.cache_dir = cache_dir
        self._loaded = loaded
        self._unsaved = unsaved  # the snapshot of `loaded` still to write, if the start built it
        self._writing = threading.Lock()  # a reload's snapshot and the start's never cross

    @classmethod
    def load(cls, root: Path | None = None, cache_dir: Path | None = None) -> KnowledgeService:
        """`cache_dir` keeps a snapshot of the parsed and indexed files, so a restart with the same
        files skips parsing them (knowledge.snapshot); None parses every time."""
        loaded, unsaved = open_indexed(root, cache_dir)
        return cls(root, loaded, cache_dir, unsaved)

    @classmethod
    def configured(cls, settings: Settings) -> KnowledgeService:
        return cls.load(settings.knowledge_dir, settings.knowledge_cache_dir)

    @property
    def kb(self) -> KnowledgeBase:
        return self._loaded.kb

    def match(self, question: str) -> Match:
        return self._loaded.matcher.match(question)

    def save_snapshot(self) -> None:
        """Writes the snapshot a start had to build, for the next start. Called once the bot is up
        (App.open), since writing it takes longer than building after an edit and nothing waits for
        it; a reload meanwhile writes its own instead."""
        with self._writing:
            unsaved, self._unsaved = self._unsaved, None
            if unsaved is None:
                return
            try:
                unsaved.write(self._loaded)
            except Exception:
                # Only the next start's speed is lost; the bot answers on.
                log.exception("knowledge snapshot not written")

    def reload(self) -> KnowledgeBase:
        """Raises KnowledgeBaseError (old version kept) when the files on disk are invalid. Only the
        files changed since the running version are parsed again."""
        with self._writing:
            snapshot = Snapshot(self.root, self.cache_dir)
            loaded = build(self.root, previous=self._loaded)
            self._loaded = loaded  # answering from the new version from here on
            self._unsaved = None
            snapshot.write(loaded)  # for the next start; writing it takes longer than the build
        return loaded.kb
