"""Production's shape for the cross-platform tests: one App serving the Telegram staff group and Zalo
citizens, plus reading Zalo's numbered choices (Zalo has no buttons)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from conftest import running_bot, telegram_settings
from fake_telegram import FakeTelegram
from fake_zalo import FakeZalo

from bot.app import App
from bot.channels.zalo import ZaloChannel
from bot.config import Settings
from bot.services.knowledge import KnowledgeService


def both_settings(tmp_path, fake_tg: FakeTelegram, fake_zalo: FakeZalo) -> Settings:
    return replace(
        telegram_settings(tmp_path, fake_tg),
        zalo_bot_token=fake_zalo.token,
        zalo_api_base_url=fake_zalo.base_url,
    )


@asynccontextmanager
async def both_channels(settings: Settings, knowledge: KnowledgeService) -> AsyncIterator[App]:
    async with running_bot(settings, knowledge) as app:
        zalo = ZaloChannel(app, poll_timeout=1)
        app.add_sender(zalo)
        await zalo.start_polling()
        try:
            yield app
        finally:
            await zalo.stop()
    await zalo.aclose()


def number_of(text: str, label: str) -> str:
    """The digit the citizen types for a numbered choice."""
    for line in text.splitlines():
        number, _, rest = line.partition(". ")
        if number.isdigit() and rest == label:
            return number
    raise AssertionError(f"{label!r} is not offered in:\n{text}")
