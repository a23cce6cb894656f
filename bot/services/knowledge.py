"""The live knowledge base and its matcher, swappable at run time by `/reload`.

A reload builds a complete new KnowledgeBase and Matcher first and swaps both in
one assignment, so a question is never matched against half a knowledge base,
and an invalid new version leaves the old one serving.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.matcher import Match
from knowledge.model import KnowledgeBase
from knowledge.snapshot import Indexed, Snapshot, build, load_indexed

if TYPE_CHECKING:
    from bot.config import Settings


class KnowledgeService:
    def __init__(self, root: Path | None, loaded: Indexed, cache_dir: Path | None = None) -> None:
        self.root = root
        self.cache_dir = cache_dir
        self._loaded = loaded

    @classmethod
    def load(cls, root: Path | None = None, cache_dir: Path | None = None) -> KnowledgeService:
        """`cache_dir` keeps a snapshot of the parsed and indexed files, so a restart with the same
        files skips parsing them (knowledge.snapshot); None parses every time."""
        return cls(root, load_indexed(root, cache_dir), cache_dir)

    @classmethod
    def configured(cls, settings: Settings) -> KnowledgeService:
        return cls.load(settings.knowledge_dir, settings.knowledge_cache_dir)

    @property
    def kb(self) -> KnowledgeBase:
        return self._loaded.kb

    def match(self, question: str) -> Match:
        return self._loaded.matcher.match(question)

    def reload(self) -> KnowledgeBase:
        """Raises KnowledgeBaseError (old version kept) when the files on disk are invalid. Only the
        files changed since the running version are parsed again."""
        snapshot = Snapshot(self.root, self.cache_dir)
        loaded = build(self.root, previous=self._loaded)
        self._loaded = loaded  # answering from the new version from here on
        snapshot.write(loaded)  # for the next start; writing it takes longer than the build
        return loaded.kb
