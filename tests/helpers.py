"""Small builders for tests that exercise the core without any channel."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot.channels.base import DeliveryError
from bot.config import Settings
from bot.core import IncomingMessage, Reply

_ids = itertools.count(1)


def incoming(
    text: str = "",
    *,
    channel: str = "console",
    user: str = "u1",
    chat: str | None = None,
    payload: str | None = None,
    kind: str = "private",
    message_id: str | None = None,
    **extra: object,
) -> IncomingMessage:
    return IncomingMessage(
        channel=channel,
        user_id=user,
        chat_id=chat or user,
        message_id=message_id or f"m{next(_ids)}",
        text=text,
        payload=payload,
        chat_kind=kind,  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


@dataclass
class RecordingSender:
    """A channel that records what it is asked to send; failures can be scripted per call."""

    name: str = "console"
    sent: list[tuple[str, str]] = field(default_factory=list)
    failures: list[DeliveryError | None] = field(default_factory=list)
    topics_created: list[str] = field(default_factory=list)
    groups: frozenset[str] = frozenset({"staff"})

    def is_group(self, chat_id: str) -> bool:
        return chat_id in self.groups

    async def create_topic(self, chat_id: str, title: str) -> str:
        self.topics_created.append(title)
        return f"thread-{len(self.topics_created)}"

    async def send(self, chat_id: str, reply: Reply, thread_id: str | None) -> list[str]:
        if self.failures:
            failure = self.failures.pop(0)
            if failure is not None:
                raise failure
        self.sent.append((chat_id, reply.text))
        return [str(len(self.sent))]

    def texts_to(self, chat_id: str) -> list[str]:
        return [text for chat, text in self.sent if chat == chat_id]


def run_console(
    tmp_path: Path, lines: list[str], *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `motcua chat` with piped input on a database in tmp_path, as a newcomer would; `env` adds
    settings (KNOWLEDGE_DIR, ...). No channel is configured, whatever the machine's environment says."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--db", str(tmp_path / "console.db"), *extra],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        cwd=tmp_path,
        timeout=120,
    )


def console_chat(tmp_path: Path, lines: list[str], *extra: str) -> str:
    """The console's output for these lines; fails the test if the console fails."""
    result = run_console(tmp_path, lines, *extra)
    result.check_returncode()
    return result.stdout


def fast_settings(tmp_path: Path, **fields: object) -> Settings:
    """Settings for a bot under test: its own database, and pacing and retries fast enough that a
    test waits milliseconds, not the real platform limits. `fields` add the channel's token and URL."""
    return Settings(
        database_path=tmp_path / "bot.db",
        knowledge_cache_dir=tmp_path / "kb-cache",
        commune_name="UBND xã Thử Nghiệm",
        group_messages_per_window=1000,
        group_window_seconds=1.0,
        private_messages_per_window=1000,
        private_window_seconds=1.0,
        bot_messages_per_second=1000,
        retry_base_seconds=0.02,
        retry_max_seconds=0.5,
        send_timeout_seconds=2.0,
        **fields,  # type: ignore[arg-type]
    )
