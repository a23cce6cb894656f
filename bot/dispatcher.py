"""Applies the cross-cutting rules once, then hands the message to the routed handler.

Each incoming message is one SQLite transaction: the record that it was
processed, everything the handler changes, the replies (queued in the outbox)
and the new conversation state commit together. A repeated delivery finds its
record and does nothing; a crash before commit leaves no trace, so the
platform's redelivery processes it from scratch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from types import ModuleType

from bot.config import Settings
from bot.core import CHANNELS_WITHOUT_BUTTONS, ConversationState, IncomingMessage, Outgoing, Reply
from bot.menus import main_menu
from bot.router import Audience, Context, Route, Router
from bot.services import outbox
from bot.services.registry import Services
from bot.storage import bans, conversations, inbound
from bot.texts import common as texts
from bot.texts import staff as staff_texts

log = logging.getLogger(__name__)

UNSUPPORTED_KINDS = frozenset({"sticker", "voice", "video", "document", "other"})


def build_router(modules: Iterable[ModuleType]) -> Router:
    router = Router()
    for module in modules:
        module.register(router)
    return router


class Dispatcher:
    def __init__(self, services: Services, router: Router) -> None:
        self.services = services
        self.router = router

    @property
    def settings(self) -> Settings:
        return self.services.settings

    async def handle(self, message: IncomingMessage) -> bool:
        """Process one message; False when it was ignored (other group) or a repeated delivery."""
        if message.chat_kind == "group":
            log.debug("ignored group message", extra={"event": "ignored_group"})
            return False
        db = self.services.db
        try:
            async with db.transaction():
                return await self._process(message)
        except Exception:
            log.exception("handler failed", extra={"event": "handler_error", "channel": message.channel})
        # Everything the failed handler wrote was rolled back; record the message and apologise.
        async with db.transaction():
            if not await inbound.claim(db, message.channel, message.message_id):
                return False
            await self._queue_replies(message, ConversationState(), [Reply(texts.SOMETHING_WENT_WRONG)])
            await conversations.save(db, message.channel, message.user_id, ConversationState())
        return True

    async def _process(self, message: IncomingMessage) -> bool:
        db = self.services.db
        if not await inbound.claim(db, message.channel, message.message_id):
            log.info("duplicate delivery", extra={"event": "duplicate", "channel": message.channel})
            return False
        is_staff = message.chat_kind == "staff" or self.settings.is_staff_user(message.user_id)
        if is_staff:
            state, sent_this_minute = await conversations.load(db, message.channel, message.user_id), 0
        else:
            state, sent_this_minute = await conversations.load_and_count(
                db, message.channel, message.user_id, 60.0
            )
        before = state.to_json()
        replies = await self._route(message, state, is_staff, sent_this_minute)
        await self._queue_replies(message, state, replies)
        if state.to_json() != before:
            await conversations.save(db, message.channel, message.user_id, state)
        return True

    async def _queue_replies(
        self, message: IncomingMessage, state: ConversationState, replies: list[Reply]
    ) -> None:
        """Replies go through the outbox too: committed with the inbound record, so none is lost."""
        for reply in replies:
            thread = message.thread_id if message.chat_kind == "staff" else None
            await outbox.queue(self.services.db, Outgoing(message.channel, message.chat_id, reply, thread))
        if message.channel in CHANNELS_WITHOUT_BUTTONS and replies:
            with_buttons = [r for r in replies if r.buttons]
            state.choices = [b.payload for b in with_buttons[-1].flat_buttons] if with_buttons else []

    async def _route(
        self, message: IncomingMessage, state: ConversationState, is_staff: bool, sent_this_minute: int
    ) -> list[Reply]:
        if message.chat_kind == "staff":
            return await self._route_staff_chat(message, state)
        db = self.services.db
        if await bans.is_banned(db, message.channel, message.user_id):
            return [Reply(texts.BANNED)] if message.command or message.payload else []
        if not is_staff and (flood := self._flood_check(sent_this_minute)) is not None:
            return flood
        if message.channel in CHANNELS_WITHOUT_BUTTONS and message.payload is None:
            picked = self._numbered_choice(message, state)
            if isinstance(picked, list):
                return picked
            message = picked
        ctx = Context(message, state, self.services, is_staff)
        if message.payload is not None:
            return await self._route_button(ctx)
        if message.command:
            return await self._route_command(ctx)
        if len(message.text) > self.settings.max_text_length:
            return [
                Reply(texts.TOO_LONG.format(length=len(message.text), limit=self.settings.max_text_length))
            ]
        if message.reply_to_message_id and self.router.citizen_reply is not None:
            handled = await self.router.citizen_reply(ctx)
            if handled is not None:
                return handled
        if state.flow and state.flow in self.router.flows:
            return await self.router.flows[state.flow](ctx)
        if any(a.kind in UNSUPPORTED_KINDS for a in message.attachments):
            return [Reply(texts.UNSUPPORTED_MEDIA)]
        if message.attachments and not message.text.strip():
            return [Reply(texts.UNEXPECTED_PHOTO)]
        if not message.text.strip():
            return [Reply(texts.EMPTY_MESSAGE)]
        for predicate, handler in self.router.text_routes:
            if predicate(message.text):
                return await handler(ctx)
        if self.router.free_text is None:
            return [Reply(texts.MENU_PROMPT)]
        return await self.router.free_text(ctx)

    def _numbered_choice(
        self, message: IncomingMessage, state: ConversationState
    ) -> IncomingMessage | list[Reply]:
        """On channels without buttons a bare number picks one of the choices last offered."""
        text = message.text.strip()
        if not text.isdigit() or not state.choices or len(text) > 2:
            return message
        index = int(text) - 1
        if not 0 <= index < len(state.choices):
            return [Reply(texts.CHOICE_OUT_OF_RANGE)]
        return IncomingMessage(
            channel=message.channel,
            user_id=message.user_id,
            chat_id=message.chat_id,
            message_id=message.message_id,
            payload=state.choices[index],
            chat_kind=message.chat_kind,
            display_name=message.display_name,
        )

    def _flood_check(self, sent_this_minute: int) -> list[Reply] | None:
        limit = self.settings.flood_messages_per_minute
        seen = sent_this_minute - 1
        if seen < limit:
            return None
        # Say it once, then stay quiet until the minute has passed.
        return [Reply(texts.FLOODING)] if seen == limit else []

    def _allowed(self, route: Route, ctx: Context) -> bool:
        return route.audience is not Audience.STAFF or ctx.is_staff

    async def _route_button(self, ctx: Context) -> list[Reply]:
        found = self.router.find_button(ctx.message.payload or "")
        if found is None:
            return [Reply(texts.STALE_BUTTON, buttons=main_menu())]
        route, ctx.arg = found
        if not self._allowed(route, ctx):
            log.warning("staff button refused", extra={"event": "staff_only_refused"})
            return [Reply(texts.STAFF_ONLY)]
        return await route.handler(ctx)

    async def _route_command(self, ctx: Context) -> list[Reply]:
        route = self.router.commands.get(ctx.message.command or "")
        if route is None:
            return [Reply(texts.UNKNOWN_COMMAND)]
        if not self._allowed(route, ctx):
            log.warning("staff command refused", extra={"event": "staff_only_refused"})
            return [Reply(texts.STAFF_ONLY)]
        return await route.handler(ctx)

    async def _route_staff_chat(self, message: IncomingMessage, state: ConversationState) -> list[Reply]:
        """In the staff group only staff features answer; officials' chatter is left alone."""
        ctx = Context(message, state, self.services, is_staff=True)
        if message.payload is not None:
            found = self.router.find_button(message.payload)
            if found is None or found[0].audience is Audience.CITIZEN:
                return []
            route, ctx.arg = found
            return await route.handler(ctx)
        if message.command:
            route = self.router.commands.get(message.command)
            if route is None or route.audience is Audience.CITIZEN:
                return [
                    Reply(
                        staff_texts.STAFF_HELP
                        if message.command in ("start", "help")
                        else staff_texts.STAFF_UNKNOWN_COMMAND
                    )
                ]
            return await route.handler(ctx)
        if self.router.staff_text is not None:
            return await self.router.staff_text(ctx)
        return []
