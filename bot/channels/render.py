"""Rendering helpers every channel shares."""

from __future__ import annotations

from bot.core import CAPTION_LIMITS, CHANNELS_WITHOUT_BUTTONS, NUMBERED_CHOICES_ROOM, TEXT_LIMITS, Reply
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


def delivery_parts(reply: Reply, channel: str) -> list[Reply]:
    """Cut a reply into parts that each take one platform call.

    Each part becomes its own outbox row, so when a send fails part-way only the
    failed part is retried: a citizen never receives the first half of a card twice.
    The buttons go with the last text part (or the captioned photo).
    """
    text = reply.text
    parts: list[Reply] = []
    if len(reply.photos) == 1 and len(text) <= CAPTION_LIMITS.get(channel, 1000):
        parts.append(Reply(text, buttons=reply.buttons, photos=reply.photos))
        text = ""
    elif reply.photos:
        parts.append(Reply("", buttons=() if text else reply.buttons, photos=reply.photos))
    if text:
        limit = TEXT_LIMITS.get(channel, 2000)
        if channel in CHANNELS_WITHOUT_BUTTONS and reply.buttons:
            limit -= NUMBERED_CHOICES_ROOM
        chunks = split_text(text, limit)
        last = len(chunks) - 1
        parts += [Reply(chunk, buttons=reply.buttons if i == last else ()) for i, chunk in enumerate(chunks)]
    if reply.location is not None:
        parts.append(Reply("", location=reply.location))
    return parts or [reply]
