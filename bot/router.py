"""Routes an incoming message to a handler: by command, by button payload, by open flow, or as free text.

Handler modules register their routes here; the dispatcher applies the
cross-cutting rules (dedupe, bans, flood, staff-only) before any handler runs.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core import ConversationState, IncomingMessage, Outgoing, Reply
from bot.services import outbox

if TYPE_CHECKING:
    from bot.services.registry import Services


class Audience(enum.Enum):
    CITIZEN = "citizen"
    STAFF = "staff"
    ANYONE = "anyone"


@dataclass
class Context:
    """What a handler gets: the message, the person's state, and the services it may use."""

    message: IncomingMessage
    state: ConversationState
    services: Services
    is_staff: bool
    # Button payload after the route prefix (e.g. "1.001193" for "proc:1.001193").
    arg: str = ""

    async def send(self, outgoing: Outgoing) -> None:
        """Queue a message for someone else; it commits with whatever this handler changes."""
        await outbox.queue(self.services.db, outgoing)

    def to_staff(self, reply: Reply, ref: str | None = None, topic_key: str | None = None) -> Outgoing:
        channel, chat_id = self.services.staff_chat
        return Outgoing(channel, chat_id, reply, ref=ref, topic_key=topic_key)


Handler = Callable[[Context], Awaitable[list[Reply]]]
# Like a Handler, but None means "not mine": the message continues down the usual route.
OptionalHandler = Callable[[Context], Awaitable[list[Reply] | None]]


@dataclass(frozen=True)
class Route:
    handler: Handler
    audience: Audience


@dataclass
class Router:
    commands: dict[str, Route] = field(default_factory=dict)
    buttons: dict[str, Route] = field(default_factory=dict)
    flows: dict[str, Handler] = field(default_factory=dict)
    free_text: Handler | None = None
    staff_text: Handler | None = None
    citizen_reply: OptionalHandler | None = None
    # Free text that a predicate recognises (e.g. a dossier code) goes to its own handler first.
    text_routes: list[tuple[Callable[[str], bool], Handler]] = field(default_factory=list)

    def command(self, name: str, handler: Handler, audience: Audience = Audience.CITIZEN) -> None:
        if name in self.commands:
            raise ValueError(f"command /{name} registered twice")
        self.commands[name] = Route(handler, audience)

    def button(self, prefix: str, handler: Handler, audience: Audience = Audience.CITIZEN) -> None:
        """Payloads look like `prefix:arg`; the prefix picks the handler, `ctx.arg` gets the rest."""
        if prefix in self.buttons or ":" in prefix:
            raise ValueError(f"bad or duplicate button prefix {prefix!r}")
        self.buttons[prefix] = Route(handler, audience)

    def flow(self, name: str, handler: Handler) -> None:
        self.flows[name] = handler

    def on_text(self, handler: Handler) -> None:
        self.free_text = handler

    def on_text_matching(self, predicate: Callable[[str], bool], handler: Handler) -> None:
        self.text_routes.append((predicate, handler))

    def on_staff_text(self, handler: Handler) -> None:
        self.staff_text = handler

    def on_citizen_reply(self, handler: OptionalHandler) -> None:
        """A citizen's reply to one of the bot's messages (e.g. more details for a report)."""
        self.citizen_reply = handler

    def find_button(self, payload: str) -> tuple[Route, str] | None:
        prefix, _, arg = payload.partition(":")
        route = self.buttons.get(prefix)
        return (route, arg) if route else None
