"""The services a handler may use, gathered in one object built by bot/app.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.services.workdays import WorkCalendar
from bot.storage.db import Database

if TYPE_CHECKING:
    from bot.services.feedback import FeedbackService
    from bot.services.knowledge import KnowledgeService


@dataclass
class Services:
    settings: Settings
    db: Database
    # (channel, chat id) of the officials' group: Telegram when configured, else the console.
    staff_chat: tuple[str, str]
    # Optional only so that core tests can run without loading the knowledge base.
    knowledge: KnowledgeService | None = None
    # Built on first use by bot.services.feedback.service_for.
    feedback: FeedbackService | None = None
    # Working days (VN holidays + the local override file): appointments, deadlines, the morning summary.
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
