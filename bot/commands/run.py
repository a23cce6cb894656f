"""`motcua run`: serve every channel configured in .env; the console chat when none is."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys

from bot.app import App
from bot.channels.http import HttpServer
from bot.channels.telegram import TelegramChannel
from bot.commands.chat import run_console
from bot.config import ConfigError, Settings, load_settings
from knowledge.loader import KnowledgeBaseError

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="chạy bot trên mọi kênh đã cấu hình (console nếu chưa có kênh nào)"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"Cấu hình sai: {exc}", file=sys.stderr)
        return 2
    if not settings.telegram_enabled and not settings.zalo_enabled:
        print(
            "Chưa cấu hình TELEGRAM_BOT_TOKEN hay ZALO_BOT_TOKEN: mở trò chuyện thử trên console.",
            file=sys.stderr,
        )
        return run_console(settings, seed_demo=True)
    try:
        asyncio.run(serve(settings))
    except KnowledgeBaseError as exc:
        print("Cơ sở dữ liệu thủ tục không hợp lệ, bot không khởi động:", file=sys.stderr)
        for error in exc.errors:
            print(f"  - {error}", file=sys.stderr)
        return 2
    return 0


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run until SIGINT/SIGTERM (or `stop` is set, for tests)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    app = App(settings)
    await app.open()
    http: HttpServer | None = None
    telegram: TelegramChannel | None = None
    if settings.webhook_url or settings.zalo_webhook_secret:
        http = HttpServer(settings.http_host, settings.http_port)
    if settings.telegram_enabled:
        telegram = TelegramChannel(app)
        app.add_sender(telegram)
    app.start_delivery()
    app.start_jobs()
    if telegram is not None:
        if settings.webhook_url and http is not None:
            http.add_webhook(
                "/telegram", settings.webhook_secret, "X-Telegram-Bot-Api-Secret-Token", telegram.feed_webhook
            )
            await telegram.start_webhook_mode()
        else:
            await telegram.start_polling()
    if http is not None:
        await http.start()
    log.info("bot started", extra={"event": "started", "telegram": bool(telegram), "webhook": bool(http)})
    try:
        await stop.wait()
    finally:
        log.info("bot stopping", extra={"event": "stopping"})
        if telegram is not None:
            await telegram.stop()
        if http is not None:
            await http.stop()
        await app.close()
