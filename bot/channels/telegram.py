"""Telegram adapter on python-telegram-bot 22: translate updates in, render replies out.

Nothing here knows a procedure, a dossier or a report; it only converts between
PTB objects and the core types. Pacing is the outbox's job, so no AIORateLimiter.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

# Opt in to PTB's future behaviour: time periods (e.g. RetryAfter.retry_after) as timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.app import App
from bot.channels.base import PermanentFailure, RetryLater, TemporaryFailure, ThreadNotFound
from bot.channels.render import split_text
from bot.config import Settings
from bot.core import TEXT_LIMITS, Attachment, ChatKind, IncomingMessage, Reply

log = logging.getLogger(__name__)

CAPTION_LIMIT = 1024
CHANNEL = "telegram"


def build_application(settings: Settings) -> Application:
    builder = ApplicationBuilder().token(settings.telegram_token)
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    timeout = settings.send_timeout_seconds
    return (
        builder.read_timeout(timeout)
        .write_timeout(timeout)
        .connect_timeout(timeout)
        .pool_timeout(timeout)
        .get_updates_read_timeout(30)
        .build()
    )


def _attachments(message: Message) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    if message.photo:
        found.append(Attachment("photo", file_id=message.photo[-1].file_id, channel=CHANNEL))
    if message.document is not None:
        is_image = (message.document.mime_type or "").startswith("image/")
        found.append(
            Attachment("photo" if is_image else "document", file_id=message.document.file_id, channel=CHANNEL)
        )
    if message.location is not None:
        found.append(
            Attachment("location", latitude=message.location.latitude, longitude=message.location.longitude)
        )
    if message.sticker is not None:
        found.append(Attachment("sticker"))
    if message.voice is not None or message.audio is not None:
        found.append(Attachment("voice"))
    if message.video is not None or message.video_note is not None or message.animation is not None:
        found.append(Attachment("video"))
    if message.contact is not None or message.poll is not None:
        found.append(Attachment("other"))
    return tuple(found)


def to_incoming(update: Update, settings: Settings) -> IncomingMessage | None:
    """None for updates the bot does not act on (edits, joins, channel posts)."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None or user.is_bot:
        return None
    if str(chat.id) == settings.staff_chat_id:
        kind: ChatKind = "staff"
    elif chat.type == "private":
        kind = "private"
    else:
        kind = "group"
    common = {
        "channel": CHANNEL,
        "user_id": str(user.id),
        "chat_id": str(chat.id),
        "message_id": str(update.update_id),
        "chat_kind": kind,
        "display_name": user.full_name,
    }
    if update.callback_query is not None:
        query = update.callback_query
        thread = query.message.message_thread_id if isinstance(query.message, Message) else None
        return IncomingMessage(payload=query.data or "", thread_id=str(thread) if thread else None, **common)
    message = update.message
    if message is None:
        return None
    if (
        message.new_chat_members
        or message.left_chat_member
        or message.pinned_message
        or message.forum_topic_created
    ):
        return None
    reply_to = message.reply_to_message
    # In forums every message "replies" to the topic's first message; that is not a reply to us.
    if reply_to is not None and message.is_topic_message and reply_to.message_id == message.message_thread_id:
        reply_to = None
    return IncomingMessage(
        text=message.text or message.caption or "",
        attachments=_attachments(message),
        reply_to_message_id=str(reply_to.message_id) if reply_to else None,
        thread_id=str(message.message_thread_id) if message.is_topic_message else None,
        **common,
    )


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.payload[:64]) for b in row] for row in reply.buttons]
    )


def _photo_source(photo: Attachment) -> str | bytes:
    """A file id or URL as is; a local file (e.g. a report chart) is uploaded from disk."""
    if photo.file_id or photo.url:
        return photo.file_id or photo.url
    try:
        return Path(photo.path).read_bytes()
    except OSError as exc:
        raise PermanentFailure(f"photo file unreadable: {type(exc).__name__}") from exc


def _retry_seconds(exc: RetryAfter) -> float:
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class TelegramChannel:
    name = CHANNEL

    def __init__(self, app: App, application: Application | None = None) -> None:
        self.app = app
        self.settings = app.settings
        self.application = application or build_application(app.settings)
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)

    @property
    def bot_api(self):  # noqa: ANN201 - telegram.Bot, typed by PTB
        return self.application.bot

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer()
            except TelegramError:
                log.info("callback answer failed", extra={"event": "callback_answer_failed"})
        incoming = to_incoming(update, self.settings)
        if incoming is not None:
            await self.app.dispatcher.handle(incoming)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error(
            "telegram handler error: %s", type(context.error).__name__, extra={"event": "telegram_error"}
        )

    # --- sender side -------------------------------------------------------------
    def is_group(self, chat_id: str) -> bool:
        return chat_id.startswith("-")

    async def create_topic(self, chat_id: str, title: str) -> str:
        topic = await self.bot_api.create_forum_topic(chat_id=int(chat_id), name=title[:128])
        return str(topic.message_thread_id)

    async def send(self, chat_id: str, reply: Reply, thread_id: str | None) -> list[str]:
        try:
            return await self._send(int(chat_id), reply, int(thread_id) if thread_id else None)
        except RetryAfter as exc:
            raise RetryLater(_retry_seconds(exc)) from exc
        except Forbidden as exc:
            raise PermanentFailure(f"forbidden: {exc.message}") from exc
        except BadRequest as exc:
            if "thread not found" in exc.message.lower():
                raise ThreadNotFound(exc.message) from exc
            raise PermanentFailure(f"bad request: {exc.message}") from exc
        except (TimedOut, NetworkError) as exc:
            raise TemporaryFailure(type(exc).__name__) from exc

    async def _send(self, chat_id: int, reply: Reply, thread_id: int | None) -> list[str]:
        bot = self.bot_api
        ids: list[str] = []
        markup = keyboard(reply)
        photos = [_photo_source(p) for p in reply.photos if p.file_id or p.url or p.path]
        text = reply.text
        if len(photos) == 1 and len(text) <= CAPTION_LIMIT:
            sent = await bot.send_photo(
                chat_id, photos[0], caption=text or None, reply_markup=markup, message_thread_id=thread_id
            )
            ids.append(str(sent.message_id))
            text = ""
        elif photos:
            album = await bot.send_media_group(
                chat_id, [InputMediaPhoto(p) for p in photos[:10]], message_thread_id=thread_id
            )
            ids += [str(m.message_id) for m in album]
        if text:
            parts = split_text(text, TEXT_LIMITS[CHANNEL])
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                sent = await bot.send_message(
                    chat_id, part, reply_markup=markup if last else None, message_thread_id=thread_id
                )
                ids.append(str(sent.message_id))
        if reply.location is not None and reply.location.latitude is not None:
            sent = await bot.send_location(
                chat_id, reply.location.latitude, reply.location.longitude, message_thread_id=thread_id
            )
            ids.append(str(sent.message_id))
        return ids

    # --- lifecycle ---------------------------------------------------------------------
    async def start_polling(self) -> None:
        await self.application.initialize()
        await self.application.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(
            allowed_updates=["message", "callback_query"], timeout=dt.timedelta(seconds=25)
        )

    async def start_webhook_mode(self) -> None:
        """The shared HTTP server feeds updates in; register our URL with Telegram."""
        await self.application.initialize()
        await self.application.start()
        await self.bot_api.set_webhook(
            url=f"{self.settings.webhook_url}/telegram",
            secret_token=self.settings.webhook_secret or None,
            allowed_updates=["message", "callback_query"],
        )

    async def feed_webhook(self, data: dict) -> None:
        update = Update.de_json(data, self.bot_api)
        await self.application.update_queue.put(update)

    async def stop(self) -> None:
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
