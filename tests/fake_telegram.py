"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests.

It speaks enough of the Bot API for a real python-telegram-bot Application:
getMe, deleteWebhook, setWebhook, getUpdates (offset + long-poll timeout),
sendMessage, sendPhoto, sendMediaGroup, sendLocation, editMessageText,
answerCallbackQuery, copyMessage, createForumTopic, getFile. It records what
the bot sent, lets a test inject updates as a citizen or an official, and can
inject faults (429 with retry_after, 5xx, slow answers, dropped connections).
A faulted request is never recorded: it models a request Telegram did not accept.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from fake_bot_api import FakeBotApi, Fault  # Fault kinds here: also "429", "403", "chat_not_found"

BOT_ID = 777000111


@dataclass
class Sent:
    method: str
    chat_id: str
    text: str
    message_id: int
    thread_id: int | None
    reply_markup: dict | None
    at: float
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def button_payloads(self) -> list[str]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [b.get("callback_data", "") for row in rows for b in row]

    @property
    def button_labels(self) -> list[str]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [b.get("text", "") for row in rows for b in row]


SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendMediaGroup", "sendLocation", "copyMessage"})


class FakeTelegram(FakeBotApi):
    def __init__(self, token: str = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz") -> None:
        super().__init__(token)
        self.sent: list[Sent] = []
        self.deleted_threads: set[int] = set()
        self.topics: dict[int, str] = {}
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(50_000)
        self._thread_ids = itertools.count(900)
        self.confirmed_offset = 0
        self._history: list[dict] = []
        self._redeliveries: list[dict] = []

    def _add_routes(self, app: web.Application) -> None:
        app.router.add_route("GET", "/file/bot{token}/{path:.*}", self._file)

    # --- injecting updates ---------------------------------------------------------------
    @staticmethod
    def _user(user_id: int, name: str = "Nguyễn Văn A") -> dict:
        return {"id": user_id, "is_bot": False, "first_name": name}

    @staticmethod
    def _chat(chat_id: int) -> dict:
        if chat_id < 0:
            return {"id": chat_id, "type": "supergroup", "title": "Nhóm", "is_forum": True}
        return {"id": chat_id, "type": "private", "first_name": "Công dân"}

    def inject(self, update: dict) -> int:
        update.setdefault("update_id", next(self._update_ids))
        self._history.append(update)
        self.updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())
        return update["update_id"]

    def redeliver(self, update_id: int) -> None:
        """Deliver an already-confirmed update again, as Telegram may after a crash."""
        original = next(u for u in self._history if u["update_id"] == update_id)
        self._redeliveries.append(original)
        asyncio.get_running_loop().create_task(self._notify())

    def message(
        self,
        user_id: int,
        text: str = "",
        chat_id: int | None = None,
        *,
        photo: bool = False,
        location: tuple[float, float] | None = None,
        sticker: bool = False,
        voice: bool = False,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> int:
        chat = chat_id if chat_id is not None else user_id
        msg: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat),
            "from": self._user(user_id),
        }
        if photo:
            msg["photo"] = [
                {"file_id": f"photo-{msg['message_id']}", "file_unique_id": "u", "width": 90, "height": 90}
            ]
            if text:
                msg["caption"] = text
        elif text:
            msg["text"] = text
            if text.startswith("/"):
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if location:
            msg["location"] = {"latitude": location[0], "longitude": location[1]}
        if sticker:
            msg["sticker"] = {
                "file_id": "stk",
                "file_unique_id": "s",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        if voice:
            msg["voice"] = {"file_id": "v", "file_unique_id": "v", "duration": 1}
        if thread_id is not None:
            msg["message_thread_id"] = thread_id
            msg["is_topic_message"] = True
        if reply_to is not None:
            msg["reply_to_message"] = {
                "message_id": reply_to,
                "date": int(time.time()),
                "chat": self._chat(chat),
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "MotCuaBot"},
                "text": "…",
            }
        return self.inject({"update_id": next(self._update_ids), "message": msg})

    def press(self, user_id: int, data: str, chat_id: int | None = None, message_id: int = 1) -> int:
        chat = chat_id if chat_id is not None else user_id
        update = {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": f"cb-{time.monotonic_ns()}",
                "from": self._user(user_id),
                "chat_instance": "ci",
                "data": data,
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": self._chat(chat),
                    "from": {"id": BOT_ID, "is_bot": True, "first_name": "MotCuaBot"},
                    "text": "…",
                },
            },
        }
        return self.inject(update)

    # --- reading what the bot sent -----------------------------------------------------------

    async def wait_for_messages(self, chat_id: int | str, count: int, timeout: float = 10.0) -> list[Sent]:
        await self.wait_for(lambda: len(self.to_chat(chat_id)) >= count, timeout)
        return self.to_chat(chat_id)

    # --- the API ---------------------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            raw = await request.json()
            return dict(raw or {})
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, str):
                try:
                    params[key] = json.loads(value) if value[:1] in "[{" else value
                except ValueError:
                    params[key] = value
        return params

    def _message(self, chat_id: str, **fields: Any) -> dict:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(int(chat_id)),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "MotCuaBot"},
            **fields,
        }

    async def _file(self, request: web.Request) -> web.Response:
        return web.Response(body=b"\x89PNG fake", content_type="image/png")

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request)
        return await self._answer(request, method, params, faultable=method in SEND_METHODS)

    async def _apply_fault(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        if fault.kind == "429":
            return self._error(
                429,
                f"Too Many Requests: retry after {fault.retry_after}",
                parameters={"retry_after": fault.retry_after},
            )
        if fault.kind == "403":
            return self._error(403, "Forbidden: bot was blocked by the user")
        if fault.kind == "chat_not_found":
            return self._error(400, "Bad Request: chat not found")
        return await super()._apply_fault(request, fault)

    def _record(self, method: str, params: dict, message: dict, text: str) -> dict:
        thread = params.get("message_thread_id")
        thread_id = int(thread) if thread not in (None, "") else None
        if thread_id is not None and thread_id in self.deleted_threads:
            raise _ThreadGone
        self.sent.append(
            Sent(
                method,
                str(params["chat_id"]),
                text,
                message["message_id"],
                thread_id,
                params.get("reply_markup"),
                time.monotonic(),
                params,
            )
        )
        self._sent_event.set()
        return message

    async def _guarded(self, method: str, params: dict, message: dict, text: str) -> dict | web.Response:
        try:
            return self._record(method, params, message, text)
        except _ThreadGone:
            return self._error(400, "Bad Request: message thread not found")

    async def _api_getMe(self, params: dict) -> dict:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "MotCuaBot",
            "username": "MotCuaBot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _api_deleteWebhook(self, params: dict) -> bool:
        return True

    async def _api_setWebhook(self, params: dict) -> bool:
        return True

    async def _api_getWebhookInfo(self, params: dict) -> dict:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    async def _api_getUpdates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        if offset:
            self.confirmed_offset = max(self.confirmed_offset, offset)
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + min(timeout, 1.0)
        async with self._new_update:
            while not self.updates and not self._redeliveries and time.monotonic() < deadline:
                try:
                    await asyncio.wait_for(
                        self._new_update.wait(), timeout=max(0.0, deadline - time.monotonic())
                    )
                except TimeoutError:
                    break
        # Redelivered updates have ids below the offset; they go out once, as after a crash.
        batch, self._redeliveries = self._redeliveries, []
        return batch + sorted(self.updates, key=lambda u: u["update_id"])[:100]

    async def _api_sendMessage(self, params: dict) -> dict | web.Response:
        message = self._message(params["chat_id"], text=params.get("text", ""))
        return await self._guarded("sendMessage", params, message, params.get("text", ""))

    async def _api_sendPhoto(self, params: dict) -> dict | web.Response:
        photo = [{"file_id": str(params.get("photo")), "file_unique_id": "p", "width": 90, "height": 90}]
        message = self._message(params["chat_id"], photo=photo, caption=params.get("caption", ""))
        return await self._guarded("sendPhoto", params, message, params.get("caption", ""))

    async def _api_sendMediaGroup(self, params: dict) -> list[dict] | web.Response:
        media = params.get("media") or []
        out = []
        for item in media:
            photo = [{"file_id": str(item.get("media")), "file_unique_id": "p", "width": 90, "height": 90}]
            message = self._message(params["chat_id"], photo=photo)
            result = await self._guarded("sendMediaGroup", params, message, item.get("caption", ""))
            if isinstance(result, web.Response):
                return result
            out.append(result)
        return out

    async def _api_sendLocation(self, params: dict) -> dict | web.Response:
        location = {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
        message = self._message(params["chat_id"], location=location)
        return await self._guarded(
            "sendLocation", params, message, f"📍{location['latitude']},{location['longitude']}"
        )

    async def _api_copyMessage(self, params: dict) -> dict | web.Response:
        message = self._message(params["chat_id"])
        result = await self._guarded("copyMessage", params, message, "")
        return {"message_id": result["message_id"]} if isinstance(result, dict) else result

    async def _api_editMessageText(self, params: dict) -> dict:
        return self._message(params.get("chat_id", "1"), text=params.get("text", ""))

    async def _api_answerCallbackQuery(self, params: dict) -> bool:
        return True

    async def _api_createForumTopic(self, params: dict) -> dict:
        thread_id = next(self._thread_ids)
        self.topics[thread_id] = params.get("name", "")
        return {"message_thread_id": thread_id, "name": params.get("name", ""), "icon_color": 7322096}

    async def _api_getFile(self, params: dict) -> dict:
        file_id = params.get("file_id", "")
        return {
            "file_id": file_id,
            "file_unique_id": "f",
            "file_size": 9,
            "file_path": f"photos/{file_id}.jpg",
        }


class _ThreadGone(Exception):
    pass
