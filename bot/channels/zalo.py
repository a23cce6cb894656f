"""Zalo adapter for the Zalo Bot Platform: a small HTTP client, updates in, replies out.

Nothing here knows a procedure, a dossier or a report; it only converts between
Zalo's JSON and the core types. Zalo has no buttons, so choices go out as
numbered lines (the dispatcher remembers what each number meant) and text is
cut at 2000 characters on line boundaries. Pacing is the outbox's job.

The bot token is part of every request URL, so it is kept out of every
exception message and log line this module produces.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import httpx

from bot.app import App
from bot.channels.base import DeliveryError, PermanentFailure, RetryLater, TemporaryFailure
from bot.channels.render import numbered_choices, split_text
from bot.core import TEXT_LIMITS, Attachment, IncomingMessage, Reply
from bot.texts import zalo as texts

log = logging.getLogger(__name__)

CHANNEL = "zalo"
DEFAULT_API_BASE_URL = "https://bot-api.zaloplatforms.com"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/zalo"
TEXT_LIMIT = TEXT_LIMITS[CHANNEL]
# Zalo documents no caption limit; a long card goes out as text after the photo instead.
CAPTION_LIMIT = 1000
# Short enough that a shutdown waiting for the open long poll is quick, long enough to be cheap.
POLL_TIMEOUT_SECONDS = 10
# Zalo does not always say how long to wait after a 429.
DEFAULT_RETRY_AFTER = 2.0
MAX_POLL_BACKOFF = 60.0
# How long a half-delivered split reply is remembered so a retry resumes instead of repeating.
PROGRESS_TTL_SECONDS = 3600.0
SECRET_MIN, SECRET_MAX = 8, 256


# --- errors -----------------------------------------------------------------------------------
class ZaloApiError(DeliveryError):
    """A call that failed; carries Zalo's code and description, and never the token."""

    def __init__(self, method: str, error_code: int | None, description: str) -> None:
        self.method = method
        self.error_code = error_code
        self.description = description
        code = f" {error_code}" if error_code is not None else ""
        Exception.__init__(self, f"zalo {method} failed{code}: {description}")


class ZaloRateLimited(ZaloApiError, RetryLater):
    """Zalo asked us to slow down; the outbox waits `seconds` before the next try."""

    def __init__(self, method: str, error_code: int | None, description: str, seconds: float) -> None:
        ZaloApiError.__init__(self, method, error_code, description)
        self.seconds = seconds


class ZaloUnavailable(ZaloApiError, TemporaryFailure):
    """Network trouble, a timeout or a 5xx: the same request may succeed later."""


class ZaloRejected(ZaloApiError, PermanentFailure):
    """Zalo refused the request itself (blocked, unknown chat, bad parameters): retrying will not help."""


class ZaloUnauthorized(ZaloRejected):
    """The token is wrong or revoked; nothing works until an operator fixes `.env`."""


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _seconds(value: Any) -> float | None:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None


def classify(
    method: str, status: int, error_code: int | None, description: str, retry_after: float | None = None
) -> ZaloApiError:
    """Map an error answer to what the outbox should do: wait, retry with backoff, or give up."""
    code = error_code if error_code is not None else status
    if code == 429 or status == 429:
        return ZaloRateLimited(method, code, description, retry_after or DEFAULT_RETRY_AFTER)
    if status >= 500 or code >= 500 or code == 408:
        return ZaloUnavailable(method, code, description)
    if code == 401 or status == 401:
        return ZaloUnauthorized(method, code, description)
    if error_code is None and status < 400:
        # `ok: false` without a code behind a 200: unknown trouble, safer to retry than to drop.
        return ZaloUnavailable(method, None, description)
    return ZaloRejected(method, code, description)


# --- the HTTP client ------------------------------------------------------------------------------
class ZaloBotApi:
    """The Bot Platform methods we use, each answering `result` or raising a ZaloApiError."""

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_API_BASE_URL,
        timeout: float = 10.0,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not token:
            raise ValueError("a Zalo bot token is required")
        self._token = token
        self.timeout = timeout
        base = (base_url or DEFAULT_API_BASE_URL).rstrip("/")
        self._client = httpx.AsyncClient(base_url=f"{base}/bot{token}/", timeout=timeout, transport=transport)

    def __repr__(self) -> str:
        return "ZaloBotApi(token=<hidden>)"

    def _scrub(self, text: str) -> str:
        """Zalo might echo the request URL in a description; the token must not travel further."""
        return text.replace(self._token, "<token>")[:300]

    async def call(
        self, method: str, params: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> Any:
        try:
            response = await self._client.post(method, json=params or {}, timeout=timeout or self.timeout)
        except httpx.TimeoutException:
            # `from None`: httpx exceptions carry the request, whose URL holds the token.
            raise ZaloUnavailable(method, None, "timed out") from None
        except httpx.RequestError as exc:
            raise ZaloUnavailable(method, None, f"network error ({type(exc).__name__})") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise classify(method, response.status_code, None, f"HTTP {response.status_code}, no JSON answer")
        if body.get("ok") is True and response.status_code < 400:
            return body.get("result")
        parameters = body.get("parameters") if isinstance(body.get("parameters"), dict) else {}
        retry_after = _seconds(parameters.get("retry_after")) or _seconds(response.headers.get("Retry-After"))
        raise classify(
            method,
            response.status_code,
            _int_or_none(body.get("error_code")),
            self._scrub(str(body.get("description") or "no description")),
            retry_after,
        )

    async def get_me(self) -> dict[str, Any]:
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

    async def get_updates(self, timeout: int = POLL_TIMEOUT_SECONDS) -> list[dict[str, Any]]:
        """Long poll; Zalo answers one update, or error 408 when nothing arrived in `timeout` seconds."""
        try:
            result = await self.call("getUpdates", {"timeout": str(timeout)}, timeout=timeout + self.timeout)
        except ZaloUnavailable as exc:
            if exc.error_code == 408:
                return []
            raise
        return updates_from(result)

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        if not SECRET_MIN <= len(secret_token) <= SECRET_MAX:
            raise ValueError(f"the Zalo webhook secret must be {SECRET_MIN}-{SECRET_MAX} characters")
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> Any:
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> dict[str, Any]:
        result = await self.call("getWebhookInfo")
        return result if isinstance(result, dict) else {}

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        if not 1 <= len(text) <= TEXT_LIMIT:
            raise ZaloRejected("sendMessage", None, f"text must be 1-{TEXT_LIMIT} characters")
        result = await self.call("sendMessage", {"chat_id": chat_id, "text": text})
        return result if isinstance(result, dict) else {}

    async def send_photo(self, chat_id: str, photo: str, caption: str = "") -> dict[str, Any]:
        params: dict[str, Any] = {"chat_id": chat_id, "photo": photo}
        if caption:
            params["caption"] = caption
        result = await self.call("sendPhoto", params)
        return result if isinstance(result, dict) else {}

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        return await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def aclose(self) -> None:
        await self._client.aclose()


# --- incoming -------------------------------------------------------------------------------------
def updates_from(data: Any) -> list[dict[str, Any]]:
    """Zalo's documents and real answers differ on shape: accept one update, a list, or `{ok, result}`."""
    if isinstance(data, list):
        return [update for item in data for update in updates_from(item)]
    if not isinstance(data, dict):
        return []
    if "message" in data or "event_name" in data:
        return [data]
    if "result" in data:
        return updates_from(data["result"])
    return []


def _photo_url(message: dict[str, Any]) -> str:
    value: Any = message.get("photo") or message.get("photo_url") or message.get("url")
    if isinstance(value, list):
        value = value[-1] if value else ""
    if isinstance(value, dict):
        value = value.get("url") or value.get("photo_url") or ""
    url = str(value or "").strip()
    return url if url.startswith(("https://", "http://")) else ""


def to_incoming(update: dict[str, Any]) -> IncomingMessage | None:
    """None for anything the bot cannot act on (no message, no sender, no id)."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
    sender = message.get("from") if isinstance(message.get("from"), dict) else {}
    chat_id = str(chat.get("id") or "").strip()
    user_id = str(sender.get("id") or "").strip()
    message_id = str(message.get("message_id") or "").strip()
    if not chat_id or not user_id or not message_id or sender.get("is_bot"):
        return None
    event = str(update.get("event_name") or "")
    text = str(message.get("text") or message.get("caption") or "")
    photo = _photo_url(message)
    attachments: tuple[Attachment, ...] = ()
    if event.endswith(".sticker.received"):
        attachments, text = (Attachment("sticker"),), ""
    elif event.endswith(".unsupported.received"):
        attachments, text = (Attachment("other"),), ""
    elif event.endswith(".image.received") or (photo and not event.endswith(".text.received")):
        # An image we cannot fetch is as useless to the bot as an unsupported message.
        attachments = (Attachment("photo", url=photo, channel=CHANNEL) if photo else Attachment("other"),)
    elif not event.endswith(".text.received") and not text:
        attachments = (Attachment("other"),)
    return IncomingMessage(
        channel=CHANNEL,
        user_id=user_id,
        chat_id=chat_id,
        message_id=message_id,
        text=text,
        attachments=attachments,
        # Zalo group chats are not a staff group: the dispatcher ignores them.
        chat_kind="private" if str(chat.get("chat_type") or "").upper() == "PRIVATE" else "group",
        display_name=str(sender.get("display_name") or sender.get("first_name") or sender.get("name") or ""),
    )


# --- outgoing -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One Zalo call a reply turns into."""

    kind: Literal["text", "photo"]
    text: str = ""
    photo: str = ""


def sendable_photo_url(photo: Attachment) -> str | None:
    """A public image URL Zalo can fetch, or None.

    A Telegram photo is only a file id, and the address Telegram serves it from contains
    the bot token, so it is never handed to Zalo.
    """
    if photo.channel == "telegram":
        return None
    url = photo.url.strip()
    if not url.startswith(("https://", "http://")) or "api.telegram.org" in url or "/file/bot" in url:
        return None
    return url


def render(reply: Reply) -> list[Step]:
    """Reply → Zalo calls: photos by URL, numbered choices, text cut at 2000 on line boundaries."""
    urls: list[str] = []
    hidden = 0
    for photo in reply.photos:
        url = sendable_photo_url(photo)
        if url is None:
            hidden += 1
        else:
            urls.append(url)
    extra: list[str] = []
    if hidden:
        extra.append(texts.PHOTO_NOT_SHOWN.format(count=hidden))
    location = reply.location
    if location is not None and location.latitude is not None and location.longitude is not None:
        extra.append(texts.LOCATION_LINK.format(lat=location.latitude, lon=location.longitude))
    body = "\n".join(part for part in (reply.text, *extra) if part)
    text = numbered_choices(replace(reply, text=body)).strip()
    if len(urls) == 1 and len(text) <= CAPTION_LIMIT:
        return [Step("photo", text=text, photo=urls[0])]
    steps = [Step("photo", photo=url) for url in urls]
    if text:
        steps += [Step("text", text=part) for part in split_text(text, TEXT_LIMIT) if part.strip()]
    return steps


@dataclass
class _Progress:
    done: int = 0
    ids: list[str] = field(default_factory=list)
    at: float = field(default_factory=time.monotonic)


def _progress_key(chat_id: str, reply: Reply) -> str:
    return hashlib.sha256(f"{chat_id}\0{reply.to_json()}".encode()).hexdigest()


class ZaloChannel:
    """The Zalo sender for the outbox, and the receiver (long polling or the webhook route)."""

    name = CHANNEL

    def __init__(
        self, app: App, api: ZaloBotApi | None = None, *, poll_timeout: int = POLL_TIMEOUT_SECONDS
    ) -> None:
        self.app = app
        self.settings = app.settings
        self.api = api or ZaloBotApi(
            self.settings.zalo_bot_token, self.settings.zalo_api_base_url, self.settings.send_timeout_seconds
        )
        self.poll_timeout = poll_timeout
        self._stopping = asyncio.Event()
        self._receiver: asyncio.Task[None] | None = None
        self._progress: dict[str, _Progress] = {}

    # --- sender side -------------------------------------------------------------------------------
    def is_group(self, chat_id: str) -> bool:
        """The bot only ever writes to citizens' private chats on Zalo."""
        return False

    async def create_topic(self, chat_id: str, title: str) -> str:
        raise PermanentFailure("Zalo has no forum topics")

    async def send(self, chat_id: str, reply: Reply, thread_id: str | None) -> list[str]:
        """Deliver a reply; after a failure part-way, the outbox's retry resumes at the part that failed.

        Without this a 429 on the second half of a long card would send the first half twice.
        Progress lives in memory only: after a restart the whole reply is sent again.
        """
        steps = render(reply)
        key = _progress_key(chat_id, reply)
        now = time.monotonic()
        for stale in [k for k, p in self._progress.items() if now - p.at > PROGRESS_TTL_SECONDS]:
            del self._progress[stale]
        progress = self._progress.get(key) or _Progress()
        try:
            for step in steps[progress.done :]:
                if step.kind == "photo":
                    sent = await self.api.send_photo(chat_id, step.photo, step.text)
                else:
                    sent = await self.api.send_message(chat_id, step.text)
                progress.done += 1
                progress.at = time.monotonic()
                if sent.get("message_id"):
                    progress.ids.append(str(sent["message_id"]))
                if len(steps) > 1:
                    self._progress[key] = progress
        except PermanentFailure:
            self._progress.pop(key, None)
            raise
        self._progress.pop(key, None)
        return progress.ids

    # --- receiver side ------------------------------------------------------------------------------
    async def handle_update(self, update: dict[str, Any]) -> None:
        incoming = to_incoming(update)
        if incoming is None:
            log.debug("zalo update ignored", extra={"event": "zalo_ignored"})
            return
        await self.app.dispatcher.handle(incoming)

    async def feed_webhook(self, data: dict) -> None:
        """The HTTP server's sink: it has already checked the secret and answered Zalo."""
        for update in updates_from(data):
            await self.handle_update(update)

    async def start_polling(self) -> None:
        """Check the token, remove any webhook (getUpdates does not work beside one), then poll."""
        try:
            me = await self.api.get_me()
            log.info("zalo bot ready", extra={"event": "zalo_ready", "bot": me.get("account_name", "")})
            await self.api.delete_webhook()
        except ZaloUnauthorized:
            raise
        except DeliveryError as exc:
            # Zalo being down at start must not stop Telegram; the loop keeps trying.
            log.warning(
                "zalo not reachable at start", extra={"event": "zalo_start_failed", "error": str(exc)}
            )
        self._stopping.clear()
        self._receiver = asyncio.create_task(self._poll_loop())

    async def start_webhook_mode(self, url: str | None = None) -> None:
        """Register `WEBHOOK_URL/zalo` (or `url`); retried in the background if Zalo is unreachable now.

        Raises ZaloUnauthorized for a refused token, like polling, so a wrong `.env` fails loudly.
        """
        self._stopping.clear()
        target = url or f"{self.settings.webhook_url}{WEBHOOK_PATH}"
        if not await self._register_webhook(target):
            self._receiver = asyncio.create_task(self._keep_registering(target))

    async def _register_webhook(self, url: str) -> bool:
        """True when there is nothing left to try: registered, or refused for good."""
        try:
            await self.api.set_webhook(url, self.settings.zalo_webhook_secret)
        except ZaloUnauthorized:
            raise
        except ZaloRejected as exc:
            log.error("zalo refused the webhook", extra={"event": "zalo_webhook_refused", "error": str(exc)})
            return True
        except DeliveryError as exc:
            log.warning("zalo webhook not set yet", extra={"event": "zalo_webhook_retry", "error": str(exc)})
            return False
        log.info("zalo webhook set", extra={"event": "zalo_webhook_set"})
        return True

    async def _keep_registering(self, url: str) -> None:
        delay = max(0.01, self.settings.retry_base_seconds)
        while not self._stopping.is_set():
            await self._pause(delay)
            delay = min(MAX_POLL_BACKOFF, delay * 2)
            try:
                if self._stopping.is_set() or await self._register_webhook(url):
                    return
            except ZaloUnauthorized as exc:
                log.error("zalo token refused", extra={"event": "zalo_unauthorized", "error": str(exc)})
                return

    async def _poll_loop(self) -> None:
        base = max(0.01, self.settings.retry_base_seconds)
        ceiling = max(base, min(MAX_POLL_BACKOFF, self.settings.retry_max_seconds))
        delay = base
        while not self._stopping.is_set():
            try:
                updates = await self.api.get_updates(self.poll_timeout)
            except ZaloUnauthorized as exc:
                log.error("zalo token refused", extra={"event": "zalo_unauthorized", "error": str(exc)})
                delay = ceiling
            except ZaloRateLimited as exc:
                log.warning("zalo poll failed", extra={"event": "zalo_poll_error", "error": str(exc)})
                delay = max(delay, exc.seconds)
            except DeliveryError as exc:
                log.warning("zalo poll failed", extra={"event": "zalo_poll_error", "error": str(exc)})
            except Exception:
                log.exception("zalo poll crashed", extra={"event": "zalo_poll_error"})
            else:
                delay = base
                for update in updates:
                    try:
                        await self.handle_update(update)
                    except Exception:
                        log.exception("zalo update failed", extra={"event": "zalo_update_error"})
                continue
            await self._pause(delay)
            delay = min(ceiling, delay * 2)

    async def _pause(self, seconds: float) -> None:
        """Sleep that ends at once when the channel stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    async def stop(self, grace: float | None = None) -> None:
        """Stop receiving; let an open long poll finish first.

        getUpdates has no offset to confirm: an update Zalo handed to a cancelled request may be
        gone. Waiting for the poll (at most `poll_timeout` plus the HTTP timeout) avoids losing it.
        """
        self._stopping.set()
        task, self._receiver = self._receiver, None
        if task is None:
            return
        wait = self.poll_timeout + self.api.timeout + 1 if grace is None else grace
        done, _ = await asyncio.wait({task}, timeout=wait)
        if not done:
            task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    async def aclose(self) -> None:
        """Close the HTTP client; call after the outbox worker stopped, it sends through it."""
        await self.api.aclose()
