"""The console channel: try the whole loop, citizen and official, with no token.

A line typed as is comes from the citizen. A line starting with `staff:` comes
from an official in the staff group; `staff@N:` replies to message #N. Buttons
are shown as numbered lines: a citizen types the number (resolved from the
saved conversation state, exactly as on Zalo), an official types `staff: 2`
for the second button of the last staff-group message.
Piped input runs the same way and the program exits at the end of input.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import sys
import uuid
from typing import TextIO

from bot.app import CONSOLE_STAFF_CHAT, App
from bot.channels.render import split_text
from bot.core import TEXT_LIMITS, Attachment, IncomingMessage, Reply
from bot.storage import message_refs
from bot.texts import console as texts

CITIZEN_CHAT = "citizen"
CITIZEN_USER = "console-citizen"
STAFF_USER = "console-official"
STAFF_LINE = re.compile(r"^staff(?:@(?P<reply>\d+))?:\s?(?P<text>.*)$", re.IGNORECASE)
PHOTO_LINE = re.compile(r"^\[(?:ảnh|anh|photo)\]\s*(?P<caption>.*)$", re.IGNORECASE)
LOCATION_LINE = re.compile(
    r"^\[(?:vị trí|vi tri|location)\s+(?P<lat>-?\d+(?:\.\d+)?),\s*(?P<lon>-?\d+(?:\.\d+)?)\]$", re.I
)


class ConsoleChannel:
    """Both the console sender (prints what the outbox delivers) and the console reader."""

    name = "console"

    def __init__(self, app: App, out: TextIO = sys.stdout) -> None:
        self.app = app
        self.out = out
        self._ids = itertools.count(1)
        # Inbound ids must never repeat an earlier session's, or its first lines are dropped as
        # duplicates: a clock in whole seconds repeated when the console was restarted quickly.
        self._run = uuid.uuid4().hex
        self._inbound = itertools.count(1)
        self._last_buttons: dict[str, list[str]] = {}

    # --- sender side -------------------------------------------------------------
    def is_group(self, chat_id: str) -> bool:
        return chat_id == CONSOLE_STAFF_CHAT

    async def create_topic(self, chat_id: str, title: str) -> str:
        return title

    async def send(self, chat_id: str, reply: Reply, thread_id: str | None) -> list[str]:
        ids = []
        parts = split_text(reply.text, TEXT_LIMITS["console"])
        for index, part in enumerate(parts):
            message_id = str(next(self._ids))
            ids.append(message_id)
            header = texts.TO_STAFF if chat_id == CONSOLE_STAFF_CHAT else texts.TO_CITIZEN
            topic = f" [{thread_id}]" if thread_id else ""
            lines = [f"#{message_id} {header}{topic}", part]
            if index == len(parts) - 1:
                lines += [f"  📷 {p.file_id or p.url or p.path}" for p in reply.photos]
                if reply.location:
                    lines.append(f"  📍 {reply.location.latitude}, {reply.location.longitude}")
                flat = reply.flat_buttons
                if flat and chat_id == CONSOLE_STAFF_CHAT:
                    self._last_buttons[chat_id] = [b.payload for b in flat]
                lines += [f"  [{i}] {b.label}" for i, b in enumerate(flat, start=1)]
            print("\n".join(lines) + "\n", file=self.out, flush=True)
        return ids

    # --- reader side ---------------------------------------------------------------
    def parse_line(self, line: str) -> IncomingMessage | None:
        line = line.rstrip("\n")
        staff = STAFF_LINE.match(line)
        chat = CONSOLE_STAFF_CHAT if staff else CITIZEN_CHAT
        text = staff.group("text") if staff else line
        reply_to = staff.group("reply") if staff else None
        message_id = f"{self._run}-{next(self._inbound)}"
        common = {
            "channel": self.name,
            "user_id": STAFF_USER if staff else CITIZEN_USER,
            "chat_id": chat,
            "message_id": message_id,
            "chat_kind": "staff" if staff else "private",
            "reply_to_message_id": reply_to,
            "display_name": texts.OFFICIAL_NAME if staff else texts.CITIZEN_NAME,
        }
        stripped = text.strip()
        # A citizen's number is resolved by the dispatcher from the saved conversation state (as on
        # Zalo); the staff group has no such state, so the console remembers its last buttons.
        if staff and stripped.isdigit() and self._last_buttons.get(chat):
            choices = self._last_buttons[chat]
            index = int(stripped) - 1
            if 0 <= index < len(choices):
                return IncomingMessage(payload=choices[index], **common)
        if photo := PHOTO_LINE.match(stripped):
            attachment = Attachment("photo", file_id=f"console-photo-{message_id}", channel=self.name)
            return IncomingMessage(text=photo.group("caption"), attachments=(attachment,), **common)
        if loc := LOCATION_LINE.match(stripped):
            attachment = Attachment(
                "location", latitude=float(loc.group("lat")), longitude=float(loc.group("lon"))
            )
            return IncomingMessage(attachments=(attachment,), **common)
        return IncomingMessage(text=text, **common)

    async def handle_line(self, line: str) -> None:
        message = self.parse_line(line)
        if message is not None:
            await self.app.dispatcher.handle(message)
            await self.app.worker.drain()

    async def run(self, stdin: TextIO = sys.stdin) -> None:
        # `staff@N:` must never point at a message of an earlier session.
        self._ids = itertools.count(await message_refs.highest_numeric_id(self.app.db, self.name) + 1)
        interactive = stdin.isatty()
        if interactive:
            print(texts.BANNER, file=self.out, flush=True)
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                print(texts.PROMPT, end="", file=self.out, flush=True)
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:
                break
            if not line.strip() and not interactive:
                continue
            if not interactive:
                print(
                    f"{texts.ECHO_STAFF if STAFF_LINE.match(line) else texts.ECHO_CITIZEN} {line.rstrip()}",
                    file=self.out,
                    flush=True,
                )
            await self.handle_line(line)
