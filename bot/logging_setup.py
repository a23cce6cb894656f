"""Logs carry ids and event names, never what citizens wrote, their phone or ID numbers.

Our own log calls pass only ids and event names. As a second line of defence a
filter masks anything shaped like a phone number, an ID number or a bot token,
in case a library puts one in an exception message.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

_PATTERNS = (
    (re.compile(r"\d{6,}:[A-Za-z0-9_-]{20,}"), "<token>"),  # Telegram bot tokens
    (re.compile(r"bot[0-9]+:[^/\s]+"), "bot<token>"),
    (re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\d)"), "<phone>"),
    (re.compile(r"(?<!\d)\d{9}(?:\d{3})?(?!\d)"), "<id-number>"),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class EventFormatter(logging.Formatter):
    """`time level logger message event=... key=value` — grep-able without a log stack."""

    _RESERVED = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        base = super().format(record)
        extras = " ".join(f"{k}={v}" for k, v in record.__dict__.items() if k not in self._RESERVED)
        return f"{base} {extras}".rstrip()


# Libraries whose debug output carries message texts, SQL parameters or URLs with the bot token:
# never below WARNING, even with --verbose.
QUIET_LIBRARIES = ("httpx", "httpcore", "aiosqlite", "telegram", "apscheduler", "aiohttp.access", "hpack")


def setup_logging(verbose: bool = False, stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(EventFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
