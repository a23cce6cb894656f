"""Rendering helpers every channel shares."""

from __future__ import annotations

from bot.core import Reply
from bot.texts.common import CHOOSE_BY_NUMBER


def split_text(text: str, limit: int) -> list[str]:
    """Split at line boundaries so a card never breaks mid-line; hard-cut only a single over-long line."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return [p for p in parts if p.strip()] or [text[:limit]]


def numbered_choices(reply: Reply) -> str:
    """For channels without buttons: the reply text followed by one numbered line per button."""
    flat = reply.flat_buttons
    if not flat:
        return reply.text
    lines = [reply.text, ""] + [f"{i}. {b.label}" for i, b in enumerate(flat, start=1)]
    lines.append(CHOOSE_BY_NUMBER)
    return "\n".join(lines)
