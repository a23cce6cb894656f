"""Wires storage, knowledge, services, handlers and the outbox worker together.

Channels are attached afterwards (console, Telegram, Zalo), each registering a
sender with the outbox and feeding incoming messages to the dispatcher.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import pkgutil
from types import ModuleType

import handlers
from bot.channels.base import ChannelSender
from bot.config import Settings
from bot.dispatcher import Dispatcher, build_router
from bot.services.jobs import Job, run_forever
from bot.services.knowledge import KnowledgeService
from bot.services.outbox import OutboxWorker, PacingPolicy
from bot.services.registry import Services
from bot.services.workdays import load_calendar
from bot.storage.db import Database

log = logging.getLogger(__name__)

CONSOLE_STAFF_CHAT = "staff"


def handler_modules() -> list[ModuleType]:
    """Every module in handlers/ with a `register(router)`; adding a conversation needs no wiring here."""
    found = []
    for info in sorted(pkgutil.iter_modules(handlers.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"handlers.{info.name}")
        if hasattr(module, "register"):
            found.append(module)
    return found


def pacing_from(settings: Settings) -> PacingPolicy:
    return PacingPolicy(
        group_limit=settings.group_messages_per_window,
        group_period=settings.group_window_seconds,
        private_limit=settings.private_messages_per_window,
        private_period=settings.private_window_seconds,
        per_bot_per_second=settings.bot_messages_per_second,
        retry_base=settings.retry_base_seconds,
        retry_max=settings.retry_max_seconds,
    )


class App:
    def __init__(self, settings: Settings, knowledge: KnowledgeService | None = None) -> None:
        self.settings = settings
        self.db = Database(settings.database_path)
        staff_chat = (
            ("telegram", settings.staff_chat_id)
            if settings.telegram_enabled
            else ("console", CONSOLE_STAFF_CHAT)
        )
        # Load the knowledge base first: the bot refuses to start on an invalid one.
        self.services = Services(
            settings,
            self.db,
            staff_chat,
            knowledge=knowledge or KnowledgeService.configured(settings),
            calendar=load_calendar(settings.holidays_override_file),
        )
        self.senders: dict[str, ChannelSender] = {}
        modules = handler_modules()
        self.dispatcher = Dispatcher(self.services, build_router(modules))
        # Handler modules may declare periodic jobs as `jobs() -> list[Job]`.
        self.jobs: list[Job] = [job for m in modules if hasattr(m, "jobs") for job in m.jobs()]
        self._jobs_task: asyncio.Task[None] | None = None
        self.worker = OutboxWorker(self.db, self.senders, pacing_from(settings))
        self._worker_task: asyncio.Task[None] | None = None
        self._snapshot_task: asyncio.Task[None] | None = None

    def add_sender(self, sender: ChannelSender) -> None:
        self.senders[sender.name] = sender

    async def open(self) -> None:
        """Open storage (running migrations); nothing is sent until `start_delivery`. The knowledge
        snapshot a start had to build is written meanwhile, off the event loop."""
        knowledge = self.services.knowledge
        if knowledge is not None:
            self._snapshot_task = asyncio.create_task(asyncio.to_thread(knowledge.save_snapshot))
        await self.db.open()
        self.db.on_commit(self.worker.wake)

    def start_delivery(self) -> None:
        self._worker_task = asyncio.create_task(self.worker.run())

    def start_jobs(self) -> None:
        if self.jobs:
            self._jobs_task = asyncio.create_task(run_forever(self.services, self.jobs))

    async def seed_demo_if_empty(self) -> int:
        """Clearly marked demo dossiers so a newcomer can try a lookup in the console."""
        from bot.services import demo

        return await demo.seed_demo_if_empty(self.services)

    async def close(self) -> None:
        """The database is closed whatever failed before: its connection thread would otherwise keep
        the process alive after the stop."""
        try:
            await self.worker.stop()
            for task in (self._worker_task, self._jobs_task):
                if task is not None:
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
            if self._snapshot_task is not None:
                # A stop right after the start still leaves the next start its snapshot.
                await self._snapshot_task
        finally:
            await self.db.close()
