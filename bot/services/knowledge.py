"""The live knowledge base and its matcher, swappable at run time by `/reload`.

A reload builds a complete new KnowledgeBase and Matcher first and swaps both in
one assignment, so a question is never matched against half a knowledge base,
and an invalid new version leaves the old one serving.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from knowledge.loader import load_knowledge_base
from knowledge.matcher import Match, Matcher
from knowledge.model import KnowledgeBase
from knowledge.normalize import Normalizer


@dataclass(frozen=True)
class _Loaded:
    kb: KnowledgeBase
    matcher: Matcher


class KnowledgeService:
    def __init__(self, root: Path | None, loaded: _Loaded, normalizer: Normalizer) -> None:
        self.root = root
        self._loaded = loaded
        self.normalizer = normalizer

    @classmethod
    def load(cls, root: Path | None = None) -> KnowledgeService:
        normalizer = Normalizer()
        kb = load_knowledge_base(root)
        return cls(root, _Loaded(kb, Matcher(kb, normalizer)), normalizer)

    @property
    def kb(self) -> KnowledgeBase:
        return self._loaded.kb

    def match(self, question: str) -> Match:
        return self._loaded.matcher.match(question)

    def reload(self) -> KnowledgeBase:
        """Raises KnowledgeBaseError (old version kept) when the files on disk are invalid."""
        kb = load_knowledge_base(self.root)
        self._loaded = _Loaded(kb, Matcher(kb, self.normalizer))
        return kb
