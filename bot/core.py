"""The channel-neutral vocabulary shared by channels, dispatcher and handlers.

Handlers see only these types, so the same conversation runs on Telegram, Zalo
and the console, and a handler test needs no Telegram objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

ChatKind = Literal["private", "staff", "group"]
AttachmentKind = Literal["photo", "location", "sticker", "voice", "video", "document", "other"]

# Text limits per channel; longer replies are split at line boundaries on delivery.
TEXT_LIMITS: dict[str, int] = {"telegram": 4096, "zalo": 2000, "console": 4096}
# A photo's caption is shorter than a message; Zalo documents none, 1000 is a safe guess.
CAPTION_LIMITS: dict[str, int] = {"telegram": 1024, "zalo": 1000, "console": 4096}
# Room kept at the end of a part for the numbered choices of a channel without buttons.
NUMBERED_CHOICES_ROOM = 300
# Channels that cannot show buttons get numbered choices instead; the conversation state remembers
# what each number meant, so a restart between the question and the answer loses nothing.
CHANNELS_WITHOUT_BUTTONS = frozenset({"zalo", "console"})


@dataclass(frozen=True)
class Attachment:
    kind: AttachmentKind
    file_id: str = ""
    url: str = ""
    latitude: float | None = None
    longitude: float | None = None
    # Which channel the file_id belongs to: a Telegram file id means nothing to Zalo.
    channel: str = ""
    # A file on this machine (e.g. a report chart) that the channel uploads; outlives the outbox row.
    path: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attachment:
        return cls(**data)


@dataclass(frozen=True)
class Button:
    label: str
    payload: str


@dataclass(frozen=True)
class IncomingMessage:
    """One thing a person did: a text, a photo, a location or a button press."""

    channel: str
    user_id: str
    chat_id: str
    message_id: str
    text: str = ""
    payload: str | None = None
    attachments: tuple[Attachment, ...] = ()
    chat_kind: ChatKind = "private"
    reply_to_message_id: str | None = None
    thread_id: str | None = None
    display_name: str = ""

    @property
    def command(self) -> str | None:
        """`/hoso@MotCuaBot ABC` → `hoso`; None when the text is not a command."""
        if not self.text.startswith("/"):
            return None
        head = self.text[1:].split(maxsplit=1)[0] if len(self.text) > 1 else ""
        return head.split("@", 1)[0].lower() or None

    @property
    def command_args(self) -> str:
        parts = self.text.split(maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""

    @property
    def photos(self) -> tuple[Attachment, ...]:
        return tuple(a for a in self.attachments if a.kind == "photo")

    @property
    def location(self) -> Attachment | None:
        return next((a for a in self.attachments if a.kind == "location"), None)


@dataclass(frozen=True)
class Reply:
    """What the bot says: text, optional rows of buttons, optional photos."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    photos: tuple[Attachment, ...] = ()
    location: Attachment | None = None

    @property
    def flat_buttons(self) -> tuple[Button, ...]:
        return tuple(b for row in self.buttons for b in row)

    def to_json(self) -> str:
        return json.dumps(
            {
                "text": self.text,
                "buttons": [[[b.label, b.payload] for b in row] for row in self.buttons],
                "photos": [p.to_dict() for p in self.photos],
                "location": self.location.to_dict() if self.location else None,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str) -> Reply:
        data = json.loads(raw)
        return cls(
            text=data["text"],
            buttons=tuple(tuple(Button(label, payload) for label, payload in row) for row in data["buttons"]),
            photos=tuple(Attachment.from_dict(p) for p in data.get("photos", ())),
            location=Attachment.from_dict(data["location"]) if data.get("location") else None,
        )


def buttons(*rows: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> tuple[tuple[Button, ...], ...]:
    """Build keyboard rows from (label, payload) pairs; keeps handler code short."""
    return tuple(tuple(Button(label, payload) for label, payload in row) for row in rows)


@dataclass(frozen=True)
class Outgoing:
    """A message for someone other than the current sender; it travels through the outbox."""

    channel: str
    chat_id: str
    reply: Reply
    thread_id: str | None = None
    # Links the delivered message to a ticket ("feedback:12") so replies to it can be routed back.
    ref: str | None = None
    # Which thread key to recreate when a forum topic was deleted (e.g. a feedback category).
    topic_key: str | None = None


@dataclass
class ConversationState:
    """Where a person is in a conversation; persisted as JSON per (channel, user)."""

    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    # On channels without buttons: what each number the person may type stands for.
    choices: list[str] = field(default_factory=list)

    def start(self, flow: str, step: str, **data: Any) -> None:
        self.flow, self.step, self.data = flow, step, dict(data)

    def clear(self) -> None:
        self.flow, self.step, self.data = None, None, {}

    def to_json(self) -> str:
        return json.dumps(
            {"flow": self.flow, "step": self.step, "data": self.data, "choices": self.choices},
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str | None) -> ConversationState:
        if not raw:
            return cls()
        data = json.loads(raw)
        return cls(data.get("flow"), data.get("step"), data.get("data") or {}, data.get("choices") or [])
