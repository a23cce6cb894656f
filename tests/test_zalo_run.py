"""`motcua run`'s serve(): Telegram and Zalo in one process, by polling and by webhook, as configured."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import replace

import httpx
import pytest
from conftest import CITIZEN, STAFF_CHAT, telegram_settings
from fake_zalo import WEBHOOK_SECRET, FakeZalo, fake_zalo_server, zalo_settings

from bot.channels.zalo import ZaloUnauthorized
from bot.commands.run import serve
from bot.config import ConfigError, load_settings

ZALO_CITIZEN = "9a8b7c6d5e4f"


@pytest.fixture
async def fake_zalo():
    async with fake_zalo_server() as fake:
        yield fake


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _stop(task: asyncio.Task[None], stop: asyncio.Event) -> None:
    stop.set()
    await asyncio.wait_for(task, 30)


async def test_both_channels_poll_in_one_process(tmp_path, fake_tg, fake_zalo: FakeZalo):
    settings = replace(
        telegram_settings(tmp_path, fake_tg),
        zalo_bot_token=fake_zalo.token,
        zalo_api_base_url=fake_zalo.base_url,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop))
    try:
        fake_tg.message(CITIZEN, "/lienhe")
        fake_zalo.text(ZALO_CITIZEN, "/lienhe")
        [on_telegram] = await fake_tg.wait_for_messages(CITIZEN, 1, timeout=20)
        [on_zalo] = await fake_zalo.wait_for_messages(ZALO_CITIZEN, 1, timeout=20)
    finally:
        await _stop(task, stop)
    assert "Giờ làm việc" in on_telegram.text
    assert "Giờ làm việc" in on_zalo.text
    assert fake_zalo.calls[:2] == ["getMe", "deleteWebhook"]
    assert fake_tg.to_chat(STAFF_CHAT) == []


async def test_zalo_webhook_beside_telegram_on_the_one_http_server(tmp_path, fake_tg, fake_zalo: FakeZalo):
    port = _free_port()
    settings = replace(
        telegram_settings(tmp_path, fake_tg),
        zalo_bot_token=fake_zalo.token,
        zalo_api_base_url=fake_zalo.base_url,
        zalo_webhook_secret=WEBHOOK_SECRET,
        webhook_url=f"http://127.0.0.1:{port}",
        webhook_secret="telegram-secret",
        http_port=port,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop))
    try:
        await fake_zalo.wait_for(lambda: bool(fake_zalo.webhook_url), timeout=20)
        fake_zalo.text(ZALO_CITIZEN, "/start")
        [menu] = await fake_zalo.wait_for_messages(ZALO_CITIZEN, 1)
        async with httpx.AsyncClient() as client:
            health = (await client.get(f"http://127.0.0.1:{port}/healthz")).json()
            impostor = await client.post(
                f"http://127.0.0.1:{port}/zalo", json=fake_zalo.build(ZALO_CITIZEN, "/lienhe")
            )
    finally:
        await _stop(task, stop)
    assert fake_zalo.webhook_url == f"http://127.0.0.1:{port}/zalo"
    assert fake_zalo.webhook_answers == [200]
    assert "1. " in menu.text
    assert health["ok"] is True
    assert impostor.status_code == 401
    assert len(fake_zalo.to_chat(ZALO_CITIZEN)) == 1
    assert "getUpdates" not in fake_zalo.calls


def test_zalo_webhook_settings_are_checked():
    base = {"ZALO_BOT_TOKEN": "1:x"}
    with pytest.raises(ConfigError, match="ZALO_WEBHOOK_SECRET") as caught:
        load_settings({**base, "ZALO_WEBHOOK_SECRET": "tiny7", "WEBHOOK_URL": "https://x"}, dotenv=None)
    assert "tiny7" not in str(caught.value)
    with pytest.raises(ConfigError, match="WEBHOOK_URL"):
        load_settings({**base, "ZALO_WEBHOOK_SECRET": "long-enough-secret"}, dotenv=None)
    settings = load_settings(
        {**base, "ZALO_WEBHOOK_SECRET": "long-enough-secret", "WEBHOOK_URL": "https://x/"}, dotenv=None
    )
    assert settings.zalo_webhook_secret == "long-enough-secret"


async def test_a_refused_zalo_token_stops_the_start_cleanly(tmp_path, fake_zalo: FakeZalo, caplog):
    wrong = "4213370000000000001:RefusedSecretAbcdefghijklmnopqrs"
    settings = replace(
        zalo_settings(tmp_path, fake_zalo), zalo_bot_token=wrong, zalo_webhook_secret="", webhook_url=""
    )
    with pytest.raises(ZaloUnauthorized):
        await asyncio.wait_for(serve(settings, asyncio.Event()), 20)
    assert "RefusedSecret" not in caplog.text
