"""Shared fixtures: a fake Telegram server, settings pointing at it, and a running bot."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fake_telegram import FakeTelegram
from helpers import fast_settings

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.config import Settings
from bot.services.knowledge import KnowledgeService

# The project's shared folder sits beside the repository (locally and in CI).
SHARED = Path(__file__).resolve().parents[2] / "shared"

STAFF_CHAT = -1001234567890
OFFICIAL = 5001
CITIZEN = 9001


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeService:
    """The shipped knowledge base, loaded once for the whole run."""
    return KnowledgeService.load()


@pytest.fixture
async def fake_tg() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.stop()


def telegram_settings(tmp_path: Path, fake: FakeTelegram, **overrides: object) -> Settings:
    base = fast_settings(
        tmp_path,
        telegram_token=fake.token,
        telegram_api_base_url=fake.base_url,
        staff_chat_id=str(STAFF_CHAT),
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


@asynccontextmanager
async def running_bot(settings: Settings, knowledge: KnowledgeService | None = None) -> AsyncIterator[App]:
    """A real PTB Application polling the fake server, our App behind it."""
    app = App(settings, knowledge=knowledge)
    await app.open()
    channel = TelegramChannel(app)
    app.add_sender(channel)
    app.start_delivery()
    await channel.start_polling()
    try:
        yield app
    finally:
        await channel.stop()
        await app.close()
