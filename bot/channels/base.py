"""What the outbox needs from a channel: send one reply, and say how a failure should be treated."""

from __future__ import annotations

from typing import Protocol

from bot.core import Reply


class DeliveryError(Exception):
    """Base of send failures; the subclass tells the outbox what to do next."""


class RetryLater(DeliveryError):
    """The platform asked us to wait (Telegram 429 `retry_after`)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds:g}s")
        self.seconds = seconds


class TemporaryFailure(DeliveryError):
    """Network trouble or a 5xx: retry with backoff."""


class PermanentFailure(DeliveryError):
    """Blocked by the user, chat not found, malformed request: retrying will not help."""


class ThreadNotFound(DeliveryError):
    """The forum topic was deleted: recreate it, then retry."""


class ChannelSender(Protocol):
    name: str

    async def send(self, chat_id: str, reply: Reply, thread_id: str | None) -> list[str]:
        """Deliver one reply (split as the channel needs); return the ids of the messages it became."""
        ...

    def is_group(self, chat_id: str) -> bool:
        """Groups have stricter flood limits than private chats."""
        ...

    async def create_topic(self, chat_id: str, title: str) -> str:
        """Create a forum topic and return its thread id (only Telegram groups have them)."""
        ...
