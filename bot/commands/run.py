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
from bot.channels.zalo import SECRET_HEADER as ZALO_SECRET_HEADER
from bot.channels.zalo import WEBHOOK_PATH as ZALO_WEBHOOK_PATH
from bot.channels.zalo import ZaloChannel, ZaloUnauthorized
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
    except ZaloUnauthorized:
        print("Zalo từ chối ZALO_BOT_TOKEN: kiểm tra lại token trong .env.", file=sys.stderr)
        return 2
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
    zalo: ZaloChannel | None = None
    zalo_webhook = bool(settings.zalo_enabled and settings.zalo_webhook_secret and settings.webhook_url)
    if settings.webhook_url or settings.zalo_webhook_secret:
        http = HttpServer(settings.http_host, settings.http_port)
    if settings.telegram_enabled:
        telegram = TelegramChannel(app)
        app.add_sender(telegram)
    if settings.zalo_enabled:
        if not settings.telegram_enabled:
            log.warning(
                "zalo without telegram: reports have no staff group to go to",
                extra={"event": "zalo_without_staff_group"},
            )
        zalo = ZaloChannel(app)
        app.add_sender(zalo)
    app.start_delivery()
    app.start_jobs()
    try:
        if telegram is not None:
            if settings.webhook_url and http is not None:
                http.add_webhook(
                    "/telegram",
                    settings.webhook_secret,
                    "X-Telegram-Bot-Api-Secret-Token",
                    telegram.feed_webhook,
                )
                await telegram.start_webhook_mode()
            else:
                await telegram.start_polling()
        if zalo is not None and zalo_webhook and http is not None:
            http.add_webhook(
                ZALO_WEBHOOK_PATH, settings.zalo_webhook_secret, ZALO_SECRET_HEADER, zalo.feed_webhook
            )
        if http is not None:
            await http.start()
        if zalo is not None:
            # After the HTTP server listens, so Zalo's first webhook call finds it.
            await (zalo.start_webhook_mode() if zalo_webhook else zalo.start_polling())
        log.info(
            "bot started",
            extra={"event": "started", "telegram": bool(telegram), "zalo": bool(zalo), "webhook": bool(http)},
        )
        await stop.wait()
    except ZaloUnauthorized:
        log.error("ZALO_BOT_TOKEN was refused by Zalo", extra={"event": "zalo_unauthorized"})
        raise
    finally:
        log.info("bot stopping", extra={"event": "stopping"})
        if zalo is not None:
            await zalo.stop()
        if telegram is not None:
            await telegram.stop()
        if http is not None:
            await http.stop()
        await app.close()
        if zalo is not None:
            # Last: the outbox worker sends through its HTTP client until app.close() stops it.
            await zalo.aclose()
