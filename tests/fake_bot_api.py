"""What the fake Telegram and Zalo Bot API servers share: a real aiohttp server on 127.0.0.1, the
record of what the bot sent, waiting for it, and the faults both platforms can show (5xx, slow
answers, dropped connections). Each fake adds its own methods, update shapes and error texts.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Fault:
    # Shared: "500" | "502" | "slow" | "drop"; each fake adds its own (429, 403, chat not found…).
    kind: str
    retry_after: int = 1
    delay: float = 0.0


class FakeBotApi:
    """Base of the fakes. A faulted request is never recorded: the platform did not accept it."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.updates: list[dict] = []
        self.sent: list[Any] = []
        self.calls: list[str] = []
        self.fault: Callable[[str, dict], Fault | None] | None = None
        self.port = 0
        self._new_update = asyncio.Condition()
        self._sent_event = asyncio.Event()
        self._runner: web.AppRunner | None = None

    # --- server lifecycle -----------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        self._add_routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.base_url

    def _add_routes(self, app: web.Application) -> None:
        """Routes beyond /bot{token}/{method} (Telegram's file downloads)."""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        async with self._new_update:
            self._new_update.notify_all()
        await self._before_cleanup()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _before_cleanup(self) -> None:
        """Work to finish before the server goes (Zalo's webhook pushes)."""

    async def _notify(self) -> None:
        async with self._new_update:
            self._new_update.notify_all()

    # --- what the bot sent ----------------------------------------------------------------------
    def to_chat(self, chat_id: int | str) -> list[Any]:
        return [s for s in self.sent if s.chat_id == str(chat_id)]

    def texts_to(self, chat_id: int | str) -> list[str]:
        return [s.text for s in self.to_chat(chat_id)]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out; sent so far: {[(s.chat_id, s.text[:60]) for s in self.sent]}"
                )
            self._sent_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._sent_event.wait(), timeout=0.05)

    # --- the API ----------------------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        raise NotImplementedError

    def _error(self, code: int, description: str, status: int | None = None, **extra: Any) -> web.Response:
        body = {"ok": False, "error_code": code, "description": description, **extra}
        return web.json_response(body, status=status or code)

    async def _answer(
        self, request: web.Request, method: str, params: dict, faultable: bool
    ) -> web.StreamResponse:
        """The call after its own checks: a fault if one is due, else the `_api_<method>` result."""
        self.calls.append(method)
        if faultable and self.fault is not None and (fault := self.fault(method, params)) is not None:
            return await self._apply_fault(request, fault)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return self._error(404, "Not Found: method not found")
        result = await handler(params)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    async def _apply_fault(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        """The faults of any HTTP API; the fakes handle their own kinds first and end here."""
        if fault.kind == "500":
            return self._error(500, "Internal Server Error")
        if fault.kind == "502":
            return web.Response(status=502, text="<html>Bad Gateway</html>")
        if fault.kind == "slow":
            await asyncio.sleep(fault.delay)
            return self._error(504, "Gateway Timeout")
        if fault.kind == "drop":
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        raise ValueError(fault.kind)
