"""Delivers outbox rows: per-chat order, platform pacing, retries with backoff, no endless retries.

Only the oldest pending row of a chat is ever in flight, so a chat's messages
arrive in the order they were committed; different chats are sent concurrently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from dataclasses import dataclass, replace

from bot.channels.base import (
    ChannelSender,
    PermanentFailure,
    RetryLater,
    TemporaryFailure,
    ThreadNotFound,
)
from bot.channels.render import delivery_parts
from bot.core import Outgoing
from bot.services.pacing import SlidingWindow
from bot.storage import outbox as outbox_store
from bot.storage import staff_topics
from bot.storage.db import Database
from bot.storage.outbox import OutboxRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PacingPolicy:
    group_limit: int = 20
    group_period: float = 60.0
    private_limit: int = 3
    private_period: float = 3.0
    per_bot_per_second: int = 30
    retry_base: float = 1.0
    retry_max: float = 300.0
    max_attempts: int = 50


async def queue(db: Database, message: Outgoing) -> None:
    """Write a message to the outbox as one row per platform call (see `delivery_parts`)."""
    for part in delivery_parts(message.reply, message.channel):
        await outbox_store.enqueue(db, replace(message, reply=part))


class OutboxWorker:
    def __init__(self, db: Database, senders: dict[str, ChannelSender], policy: PacingPolicy) -> None:
        self.db = db
        self.senders = senders
        self.policy = policy
        self._wake = asyncio.Event()
        self._busy: set[tuple[str, str]] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._chat_windows: dict[tuple[str, str], SlidingWindow] = {}
        self._bot_windows: dict[str, SlidingWindow] = {}
        # Bumped whenever a chat's delivery finishes, so a head read before that is known to be stale.
        self._chat_version: dict[tuple[str, str], int] = {}
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    async def enqueue(self, message: Outgoing) -> None:
        await queue(self.db, message)

    def _window(self, row: OutboxRow, sender: ChannelSender) -> SlidingWindow:
        key = (row.channel, row.chat_id)
        if key not in self._chat_windows:
            if sender.is_group(row.chat_id):
                self._chat_windows[key] = SlidingWindow(self.policy.group_limit, self.policy.group_period)
            else:
                self._chat_windows[key] = SlidingWindow(self.policy.private_limit, self.policy.private_period)
        return self._chat_windows[key]

    def _bot_window(self, channel: str) -> SlidingWindow:
        if channel not in self._bot_windows:
            self._bot_windows[channel] = SlidingWindow(self.policy.per_bot_per_second, 1.0)
        return self._bot_windows[channel]

    async def run(self) -> None:
        """Loop until stopped: start a delivery for every chat whose head row is due."""
        while not self._stopping:
            self._wake.clear()
            next_due = await self._dispatch_due()
            timeout = 1.0 if next_due is None else max(0.0, min(1.0, next_due - time.time()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=timeout)

    async def _dispatch_due(self) -> float | None:
        versions = dict(self._chat_version)
        heads = await outbox_store.chat_heads(self.db)
        now = time.time()
        next_due: float | None = None
        for row in heads:
            key = (row.channel, row.chat_id)
            if key in self._busy or self._chat_version.get(key, 0) != versions.get(key, 0):
                continue
            if row.next_attempt_at > now:
                next_due = row.next_attempt_at if next_due is None else min(next_due, row.next_attempt_at)
                continue
            if row.channel not in self.senders:
                continue
            self._busy.add(key)
            task = asyncio.create_task(self._deliver(row))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return next_due

    async def _deliver(self, row: OutboxRow) -> None:
        key = (row.channel, row.chat_id)
        sender = self.senders[row.channel]
        window = self._window(row, sender)
        bot_window = self._bot_window(row.channel)
        try:
            await window.acquire()
            await bot_window.acquire()
            try:
                ids = await sender.send(row.chat_id, row.reply, row.thread_id)
            finally:
                window.record()
                bot_window.record()
            await outbox_store.mark_sent(self.db, row, ids)
            log.debug("outbox sent", extra={"event": "outbox_sent", "outbox_id": row.id})
        except RetryLater as exc:
            await outbox_store.mark_retry(self.db, row, exc.seconds, str(exc))
            log.info("outbox flood wait", extra={"event": "outbox_retry_after", "outbox_id": row.id})
        except ThreadNotFound:
            await self._recreate_topic(row, sender)
        except PermanentFailure as exc:
            await outbox_store.mark_failed(self.db, row, str(exc))
            log.warning("outbox permanent failure", extra={"event": "outbox_failed", "outbox_id": row.id})
        except (TemporaryFailure, Exception) as exc:  # an unknown error must not kill delivery
            await self._retry_or_fail(row, exc)
        finally:
            self._chat_version[key] = self._chat_version.get(key, 0) + 1
            self._busy.discard(key)
            self.wake()

    async def _retry_or_fail(self, row: OutboxRow, exc: Exception) -> None:
        if row.attempts + 1 >= self.policy.max_attempts:
            await outbox_store.mark_failed(self.db, row, f"gave up: {type(exc).__name__}")
            log.warning("outbox gave up", extra={"event": "outbox_gave_up", "outbox_id": row.id})
            return
        delay = min(self.policy.retry_max, self.policy.retry_base * 2 ** min(row.attempts, 16))
        delay *= random.uniform(0.8, 1.2)
        await outbox_store.mark_retry(self.db, row, delay, type(exc).__name__)
        log.info("outbox retry", extra={"event": "outbox_retry", "outbox_id": row.id})

    async def _recreate_topic(self, row: OutboxRow, sender: ChannelSender) -> None:
        """A deleted forum topic is recreated rather than breaking delivery to the staff group."""
        if not row.topic_key:
            await outbox_store.mark_failed(self.db, row, "thread not found")
            return
        try:
            thread_id = await sender.create_topic(row.chat_id, row.topic_key)
        except Exception as exc:
            await self._retry_or_fail(row, exc)
            return
        await staff_topics.put(self.db, row.topic_key, thread_id)
        await outbox_store.set_thread(self.db, row, thread_id)
        log.info("forum topic recreated", extra={"event": "topic_recreated"})

    async def drain(self, timeout: float = 30.0) -> bool:
        """Wait until nothing is pending and due (tests and the piped console use it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.wake()
            if not self._tasks and await outbox_store.pending_count(self.db) == 0:
                return True
            await asyncio.sleep(0.01)
        return False

    async def stop(self, grace: float = 5.0) -> None:
        """Let sends in flight finish (so they are marked sent), then cancel what is left."""
        self._stopping = True
        self.wake()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=grace)
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
