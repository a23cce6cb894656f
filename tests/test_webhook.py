"""Webhook mode: the one HTTP server takes Telegram updates (secret checked) and answers /healthz."""

from __future__ import annotations

import asyncio
import socket

import httpx
from conftest import CITIZEN, telegram_settings

from bot.commands.run import serve

SECRET = "s3cret-Token_1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def update(update_id: int, text: str) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1700000000,
            "chat": {"id": CITIZEN, "type": "private", "first_name": "A"},
            "from": {"id": CITIZEN, "is_bot": False, "first_name": "A"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


async def test_webhook_checks_secret_handles_repeats_once_and_serves_health(tmp_path, fake_tg):
    port = free_port()
    settings = telegram_settings(
        tmp_path, fake_tg, webhook_url="https://bot.example.invalid", webhook_secret=SECRET, http_port=port
    )
    stop = asyncio.Event()
    server = asyncio.create_task(serve(settings, stop))
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as client:
            for _ in range(100):
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
            assert (await client.get("/healthz")).json()["ok"] is True
            assert "setWebhook" in fake_tg.calls

            wrong = await client.post(
                "/telegram", json=update(1, "/start"), headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            )
            missing = await client.post("/telegram", json=update(2, "/start"))
            assert (wrong.status_code, missing.status_code) == (401, 401)

            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            for _ in range(2):  # Telegram retries a webhook call it thinks failed
                ok = await client.post("/telegram", json=update(3, "/start"), headers=headers)
                assert ok.status_code == 200
            await fake_tg.wait_for_messages(CITIZEN, 1)
            await client.post("/telegram", json=update(4, "/lienhe"), headers=headers)
            sent = await fake_tg.wait_for_messages(CITIZEN, 2)
            await asyncio.sleep(0.2)
    finally:
        stop.set()
        await asyncio.wait_for(server, 15)
    assert len(fake_tg.to_chat(CITIZEN)) == 2
    assert "Xin chào Anh/Chị" in sent[0].text and "Giờ làm việc" in sent[1].text
