"""A fake Zalo Bot Platform API on 127.0.0.1 for end-to-end tests.

It speaks what the adapter uses: getMe, getUpdates (long poll answering ONE
update, or error 408 when none arrived, as the real platform does), setWebhook,
deleteWebhook, getWebhookInfo, sendMessage, sendPhoto, sendChatAction. It
records what the bot sent, lets a test inject citizens' messages (text, image,
sticker, unsupported, from a group), delivers them by polling or, once a
webhook is set, by POSTing them to the webhook with the secret header, like
Zalo. Faults can be injected on send methods (and getUpdates, when asked): 429,
5xx, slow answers, dropped connections, 403/404. A faulted request is never
recorded: Zalo did not accept it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web
from fake_bot_api import FakeBotApi, Fault  # Fault kinds here: also "429", "429_bare", "403", "404"
from helpers import fast_settings

from bot.app import App
from bot.channels.http import HttpServer
from bot.channels.zalo import SECRET_HEADER, WEBHOOK_PATH, ZaloChannel
from bot.config import Settings
from bot.services.knowledge import KnowledgeService

SEND_METHODS = frozenset({"sendMessage", "sendPhoto"})
TEXT_LIMIT = 2000


@dataclass
class Sent:
    method: str
    chat_id: str
    text: str
    message_id: str
    at: float
    photo: str = ""
    params: dict[str, Any] = field(default_factory=dict)


class FakeZalo(FakeBotApi):
    def __init__(self, token: str = "4213370000000000001:ZaloFakeSecretPartAbcdefghijklmnopqrstuv") -> None:
        super().__init__(token)
        self.sent: list[Sent] = []
        # Which methods `fault` is asked about; add "getUpdates" to make polling fail.
        self.fault_methods: set[str] = set(SEND_METHODS)
        self.webhook_url = ""
        self.webhook_secret = ""
        # Some accounts answer getUpdates with a list; the adapter must take both shapes.
        self.updates_as_list = False
        self.webhook_answers: list[int] = []
        self._history: dict[str, dict] = {}
        self._message_ids = itertools.count(1)
        self._sent_ids = itertools.count(70_000)
        self._pushes: set[asyncio.Task[None]] = set()

    async def _before_cleanup(self) -> None:
        if self._pushes:
            await asyncio.gather(*self._pushes, return_exceptions=True)

    # --- injecting updates --------------------------------------------------------------------
    def _message(self, user_id: str, chat_id: str | None, chat_type: str, **fields: Any) -> dict:
        message_id = f"zmsg{next(self._message_ids):06d}"
        return {
            "message_id": message_id,
            "date": int(time.time() * 1000),
            "chat": {"id": chat_id or user_id, "chat_type": chat_type},
            "from": {"id": user_id, "display_name": "Trần Thị B", "is_bot": False},
            **fields,
        }

    def build(
        self,
        user_id: str,
        text: str = "",
        *,
        photo: str = "",
        sticker: bool = False,
        unsupported: bool = False,
        group: str | None = None,
    ) -> dict:
        """An update as Zalo would send it, not yet delivered."""
        chat_type = "GROUP" if group else "PRIVATE"
        if sticker:
            event, fields = (
                "message.sticker.received",
                {"sticker": "stk-1", "url": "https://zalo.example/stk.png"},
            )
        elif unsupported:
            event, fields = "message.unsupported.received", {}
        elif photo:
            event, fields = "message.image.received", {"photo": photo, "caption": text}
        else:
            event, fields = "message.text.received", {"text": text}
        update = {"event_name": event, "message": self._message(user_id, group, chat_type, **fields)}
        self._history[update["message"]["message_id"]] = update
        return update

    def inject(self, update: dict) -> str:
        """Deliver an update: to the webhook when one is set, else to the next getUpdates."""
        if self.webhook_url:
            task = asyncio.get_running_loop().create_task(self._push(update))
            self._pushes.add(task)
            task.add_done_callback(self._pushes.discard)
        else:
            self.updates.append(update)
            asyncio.get_running_loop().create_task(self._notify())
        return update["message"]["message_id"]

    def text(self, user_id: str, text: str, **kwargs: Any) -> str:
        return self.inject(self.build(user_id, text, **kwargs))

    def image(self, user_id: str, url: str, caption: str = "") -> str:
        return self.inject(self.build(user_id, caption, photo=url))

    def sticker(self, user_id: str) -> str:
        return self.inject(self.build(user_id, sticker=True))

    def unsupported(self, user_id: str) -> str:
        return self.inject(self.build(user_id, unsupported=True))

    def redeliver(self, message_id: str) -> None:
        """Deliver an already-delivered update again, as Zalo may when our answer was late."""
        self.inject(self._history[message_id])

    async def _push(self, update: dict) -> None:
        async with httpx.AsyncClient(timeout=5) as client:
            response = await client.post(
                self.webhook_url,
                content=json.dumps(update, ensure_ascii=False).encode(),
                headers={"Content-Type": "application/json", "X-Bot-Api-Secret-Token": self.webhook_secret},
            )
        self.webhook_answers.append(response.status_code)

    # --- reading what the bot sent ------------------------------------------------------------
    async def wait_for_messages(self, chat_id: str, count: int, timeout: float = 10.0) -> list[Sent]:
        await self.wait_for(lambda: len(self.to_chat(chat_id)) >= count, timeout)
        return self.to_chat(chat_id)

    # --- the API ------------------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        if request.method != "POST":
            return self._error(405, "Method Not Allowed")
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        try:
            params = dict(await request.json() or {})
        except ValueError:
            return self._error(400, "Bad Request: body must be JSON")
        return await self._answer(request, method, params, faultable=method in self.fault_methods)

    async def _apply_fault(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        if fault.kind == "429":
            return self._error(429, "Too Many Requests", parameters={"retry_after": fault.retry_after})
        if fault.kind == "429_bare":
            return self._error(429, "Too Many Requests", status=200)
        if fault.kind == "403":
            return self._error(403, "Forbidden: user has blocked the bot")
        if fault.kind == "404":
            return self._error(404, "Not Found: chat not found")
        return await super()._apply_fault(request, fault)

    def _record(self, method: str, params: dict, text: str, photo: str = "") -> dict:
        message_id = f"zsent{next(self._sent_ids)}"
        self.sent.append(
            Sent(method, str(params["chat_id"]), text, message_id, time.monotonic(), photo, params)
        )
        self._sent_event.set()
        return {"message_id": message_id, "date": int(time.time() * 1000)}

    async def _api_getMe(self, params: dict) -> dict:
        return {"id": self.token.split(":")[0], "account_name": "bot.motcua", "account_type": "BASIC"}

    async def _api_setWebhook(self, params: dict) -> dict | web.Response:
        secret = str(params.get("secret_token") or "")
        if not params.get("url") or not 8 <= len(secret) <= 256:
            return self._error(400, "Bad Request: url and secret_token (8-256 characters) are required")
        self.webhook_url, self.webhook_secret = str(params["url"]), secret
        return {"url": self.webhook_url, "updated_at": int(time.time() * 1000)}

    async def _api_deleteWebhook(self, params: dict) -> dict:
        self.webhook_url = self.webhook_secret = ""
        return {"url": "", "updated_at": int(time.time() * 1000)}

    async def _api_getWebhookInfo(self, params: dict) -> dict:
        return {"url": self.webhook_url, "updated_at": int(time.time() * 1000)}

    async def _api_getUpdates(self, params: dict) -> Any:
        if self.webhook_url:
            return self._error(409, "Conflict: a webhook is set, getUpdates is disabled", status=200)
        timeout = float(params.get("timeout") or 30)
        deadline = time.monotonic() + min(timeout, 1.0)
        async with self._new_update:
            while not self.updates and time.monotonic() < deadline:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._new_update.wait(), timeout=max(0.0, deadline - time.monotonic())
                    )
        if not self.updates:
            return self._error(408, "Request timeout", status=200)
        update = self.updates.pop(0)
        return [update] if self.updates_as_list else update

    async def _api_sendMessage(self, params: dict) -> dict | web.Response:
        text = params.get("text")
        if not params.get("chat_id") or not isinstance(text, str) or not 1 <= len(text) <= TEXT_LIMIT:
            return self._error(400, "Bad Request: chat_id and text of 1-2000 characters are required")
        return self._record("sendMessage", params, text)

    async def _api_sendPhoto(self, params: dict) -> dict | web.Response:
        photo = str(params.get("photo") or "")
        if not params.get("chat_id") or not photo.startswith(("http://", "https://")):
            return self._error(400, "Bad Request: chat_id and a photo URL are required")
        return self._record("sendPhoto", params, str(params.get("caption") or ""), photo)

    async def _api_sendChatAction(self, params: dict) -> dict:
        return {}


# --- running our bot against the fake -----------------------------------------------------------
WEBHOOK_SECRET = "zalo-webhook-secret-for-tests"


@asynccontextmanager
async def fake_zalo_server() -> AsyncIterator[FakeZalo]:
    fake = FakeZalo()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


def zalo_settings(tmp_path: Path, fake: FakeZalo, **overrides: object) -> Settings:
    base = fast_settings(
        tmp_path,
        zalo_bot_token=fake.token,
        zalo_api_base_url=fake.base_url,
        zalo_webhook_secret=WEBHOOK_SECRET,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


@dataclass
class ZaloBot:
    app: App
    channel: ZaloChannel
    http: HttpServer | None = None

    @property
    def webhook_url(self) -> str:
        assert self.http is not None
        return f"http://127.0.0.1:{self.http.bound_port}{WEBHOOK_PATH}"

    async def post(self, body: bytes | dict, secret: str | None = WEBHOOK_SECRET) -> int:
        """POST to our webhook route as Zalo (or an impostor) would; the HTTP status."""
        content = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        async with httpx.AsyncClient(timeout=5) as client:
            response = await client.post(self.webhook_url, content=content, headers=headers)
        return response.status_code


@asynccontextmanager
async def running_zalo_bot(
    settings: Settings, knowledge: KnowledgeService | None = None, *, webhook: bool = False
) -> AsyncIterator[ZaloBot]:
    """Our App with the real Zalo adapter: long polling, or our HttpServer on port 0 with the route."""
    app = App(settings, knowledge=knowledge)
    await app.open()
    channel = ZaloChannel(app, poll_timeout=1)
    app.add_sender(channel)
    app.start_delivery()
    bot = ZaloBot(app, channel)
    if webhook:
        bot.http = HttpServer("127.0.0.1", 0)
        bot.http.add_webhook(WEBHOOK_PATH, settings.zalo_webhook_secret, SECRET_HEADER, channel.feed_webhook)
        await bot.http.start()
        await channel.start_webhook_mode(bot.webhook_url)
    else:
        await channel.start_polling()
    try:
        yield bot
    finally:
        await channel.stop()
        if bot.http is not None:
            await bot.http.stop()
        await app.close()
        await channel.aclose()
