"""The outbox worker with a recording channel: order, pacing, retries, permanent failures, topics."""

from __future__ import annotations

import asyncio

import pytest
from helpers import RecordingSender

from bot.channels.base import PermanentFailure, RetryLater, TemporaryFailure, ThreadNotFound
from bot.core import Outgoing, Reply
from bot.services.outbox import OutboxWorker, PacingPolicy
from bot.storage import outbox as outbox_store
from bot.storage import staff_topics
from bot.storage.db import Database

FAST = PacingPolicy(
    group_limit=1000,
    group_period=1,
    private_limit=1000,
    private_period=1,
    per_bot_per_second=1000,
    retry_base=0.01,
    retry_max=0.05,
)


@pytest.fixture
async def db(tmp_path):
    database = Database(tmp_path / "o.db")
    await database.open()
    yield database
    await database.close()


async def run_worker(db, sender, policy=FAST):
    worker = OutboxWorker(db, {sender.name: sender}, policy)
    db.on_commit(worker.wake)
    task = asyncio.create_task(worker.run())
    return worker, task


async def stop(worker, task):
    await worker.stop()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_each_chat_keeps_its_order_while_chats_run_in_parallel(db):
    sender = RecordingSender()
    for i in range(30):
        for chat in ("a", "b", "staff"):
            await outbox_store.enqueue(db, Outgoing("console", chat, Reply(f"{chat}-{i:02d}")))
    worker, task = await run_worker(db, sender)
    assert await worker.drain(10)
    await stop(worker, task)
    for chat in ("a", "b", "staff"):
        assert sender.texts_to(chat) == [f"{chat}-{i:02d}" for i in range(30)]


async def test_retry_after_and_temporary_errors_are_retried_in_order(db):
    sender = RecordingSender(
        failures=[RetryLater(0.05), TemporaryFailure("502"), None, TemporaryFailure("x")]
    )
    for i in range(5):
        await outbox_store.enqueue(db, Outgoing("console", "staff", Reply(f"m{i}")))
    worker, task = await run_worker(db, sender)
    assert await worker.drain(10)
    await stop(worker, task)
    assert sender.texts_to("staff") == [f"m{i}" for i in range(5)]


async def test_permanent_failure_is_recorded_and_does_not_block_the_chat(db):
    sender = RecordingSender(failures=[PermanentFailure("forbidden: bot was blocked by the user")])
    await outbox_store.enqueue(db, Outgoing("console", "u9", Reply("first")))
    await outbox_store.enqueue(db, Outgoing("console", "u9", Reply("second")))
    worker, task = await run_worker(db, sender)
    assert await worker.drain(10)
    await stop(worker, task)
    assert sender.texts_to("u9") == ["second"]
    assert await outbox_store.counts_by_status(db) == {"failed": 1, "sent": 1}


async def test_deleted_topic_is_recreated_and_delivery_continues(db):
    sender = RecordingSender(failures=[ThreadNotFound("message thread not found")])
    await outbox_store.enqueue(
        db, Outgoing("console", "staff", Reply("report"), thread_id="old", topic_key="Khác")
    )
    worker, task = await run_worker(db, sender)
    assert await worker.drain(10)
    await stop(worker, task)
    assert sender.topics_created == ["Khác"]
    assert sender.texts_to("staff") == ["report"]
    assert await staff_topics.get(db, "Khác") == "thread-1"


async def test_group_pacing_never_exceeds_the_window(db):
    sender = RecordingSender()
    stamps: list[float] = []
    original = sender.send

    async def timed_send(chat_id, reply, thread_id):
        stamps.append(asyncio.get_running_loop().time())
        return await original(chat_id, reply, thread_id)

    sender.send = timed_send  # type: ignore[method-assign]
    policy = PacingPolicy(
        group_limit=5,
        group_period=0.2,
        private_limit=1000,
        private_period=1,
        per_bot_per_second=1000,
        retry_base=0.01,
        retry_max=0.05,
    )
    for i in range(16):
        await outbox_store.enqueue(db, Outgoing("console", "staff", Reply(f"g{i}")))
    worker, task = await run_worker(db, sender, policy)
    assert await worker.drain(10)
    await stop(worker, task)
    assert len(stamps) == 16
    for i in range(len(stamps) - 5):
        assert stamps[i + 5] - stamps[i] >= 0.2 - 1e-3
