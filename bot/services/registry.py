"""The services a handler may use, gathered in one object built by bot/app.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.config import Settings
from bot.services.workdays import WorkCalendar
from bot.storage.db import Database


@dataclass
class Services:
    settings: Settings
    db: Database
    # (channel, chat id) of the officials' group: Telegram when configured, else the console.
    staff_chat: tuple[str, str]
    knowledge: Any = None
    dossiers: Any = None
    feedback: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Working days (VN holidays + the local override file): appointments, deadlines, the morning summary.
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
