"""Logs carry ids and event names only: never a citizen's words, phone or ID number, nor the bot token."""

from __future__ import annotations

import io
import logging

from conftest import CITIZEN, running_bot, telegram_settings

from bot.logging_setup import RedactingFilter, redact, setup_logging

PHONE = "0912 345 678"
ID_NUMBER = "001204012345"
SECRET_WORDS = "nhà tôi ở ngõ 12 bị mất trộm xe máy"


def test_redaction_masks_phones_ids_and_tokens():
    text = f"call {PHONE} or +84912345678, id {ID_NUMBER}, url https://x/bot123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ/get"
    masked = redact(text)
    for secret in ("345 678", "84912345678", ID_NUMBER, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
        assert secret not in masked


def test_filter_rewrites_records_and_exceptions():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "phone %s", (PHONE,), None)
    try:
        raise ValueError(f"bad id {ID_NUMBER}")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    RedactingFilter().filter(record)
    assert PHONE not in record.getMessage()
    assert ID_NUMBER not in (record.exc_text or "")


async def test_a_verbose_conversation_logs_no_personal_data(tmp_path, fake_tg, knowledge):
    """The real logging set-up at --verbose, through a real conversation."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    out = io.StringIO()
    setup_logging(verbose=True, stream=out)
    try:
        async with running_bot(telegram_settings(tmp_path, fake_tg), knowledge):
            fake_tg.message(CITIZEN, f"{SECRET_WORDS}, số điện thoại {PHONE}, CCCD {ID_NUMBER}")
            fake_tg.message(CITIZEN, "/start")
            await fake_tg.wait_for_messages(CITIZEN, 2)
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    logged = out.getvalue()
    assert "event=outbox_sent" in logged  # debug events were written
    for secret in (PHONE, "345 678", ID_NUMBER, SECRET_WORDS, fake_tg.token):
        assert secret not in logged
