"""The one HTTP server: Telegram and Zalo webhooks plus /healthz.

Webhook routes check the platform's secret header in constant time, accept the
update quickly and process it after answering, as both platforms expect.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)

WebhookSink = Callable[[dict], Awaitable[None]]


def secret_matches(expected: str, given: str | None) -> bool:
    """An empty configured secret accepts nothing: a webhook without a secret is a hole."""
    return bool(expected) and given is not None and hmac.compare_digest(expected.encode(), given.encode())


class HttpServer:
    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.web_app = web.Application(client_max_size=2 * 1024 * 1024)
        self.web_app.router.add_get("/healthz", self._healthz)
        self._runner: web.AppRunner | None = None
        self._background: set[asyncio.Task[None]] = set()
        self.health_checks: list[Callable[[], Awaitable[dict]]] = []

    def add_webhook(self, path: str, secret: str, header: str, sink: WebhookSink) -> None:
        async def receive(request: web.Request) -> web.Response:
            if not secret_matches(secret, request.headers.get(header)):
                log.warning("webhook rejected", extra={"event": "webhook_bad_secret", "path": path})
                return web.Response(status=401, text="unauthorized")
            try:
                data = json.loads(await request.read())
            except (ValueError, UnicodeDecodeError):
                return web.Response(status=400, text="bad json")
            if not isinstance(data, dict):
                return web.Response(status=400, text="bad update")
            task = asyncio.create_task(self._process(sink, data))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
            return web.json_response({"ok": True})

        self.web_app.router.add_post(path, receive)

    async def _process(self, sink: WebhookSink, data: dict) -> None:
        try:
            await sink(data)
        except Exception:
            log.exception("webhook processing failed", extra={"event": "webhook_error"})

    async def _healthz(self, request: web.Request) -> web.Response:
        details: dict = {"ok": True}
        for check in self.health_checks:
            details.update(await check())
        return web.json_response(details)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        log.info("http server listening", extra={"event": "http_started", "port": self.port})

    @property
    def bound_port(self) -> int:
        """The actual port (tests ask for port 0)."""
        assert self._runner is not None
        for site in self._runner.sites:
            server = getattr(site, "_server", None)
            if server is not None and server.sockets:
                return int(server.sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
