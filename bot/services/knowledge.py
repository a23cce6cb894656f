"""The live knowledge base and its matcher, swappable at run time by `/reload`.

A reload builds a complete new KnowledgeBase and Matcher first and swaps both in
one assignment, so a question is never matched against half a knowledge base,
and an invalid new version leaves the old one serving.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.matcher import Match, Matcher
from knowledge.model import KnowledgeBase
from knowledge.snapshot import load_indexed

if TYPE_CHECKING:
    from bot.config import Settings


@dataclass(frozen=True)
class _Loaded:
    kb: KnowledgeBase
    matcher: Matcher


class KnowledgeService:
    def __init__(self, root: Path | None, loaded: _Loaded, cache_dir: Path | None = None) -> None:
        self.root = root
        self.cache_dir = cache_dir
        self._loaded = loaded

    @classmethod
    def load(cls, root: Path | None = None, cache_dir: Path | None = None) -> KnowledgeService:
        """`cache_dir` keeps a snapshot of the parsed and indexed files, so a restart with the same
        files skips parsing them (knowledge.snapshot); None parses every time."""
        return cls(root, _Loaded(*load_indexed(root, cache_dir)), cache_dir)

    @classmethod
    def configured(cls, settings: Settings) -> KnowledgeService:
        return cls.load(settings.knowledge_dir, settings.knowledge_cache_dir)

    @property
    def kb(self) -> KnowledgeBase:
        return self._loaded.kb

    def match(self, question: str) -> Match:
        return self._loaded.matcher.match(question)

    def reload(self) -> KnowledgeBase:
        """Raises KnowledgeBaseError (old version kept) when the files on disk are invalid."""
        loaded = _Loaded(*load_indexed(self.root, self.cache_dir))
        self._loaded = loaded
        return loaded.kb
