"""Periodic jobs (morning summaries, overdue reminders) without a scheduler dependency.

A job says which period "now" belongs to (e.g. the date, for a daily job after
7:00) and does its work in the same transaction that records the period as
done, so a restart neither skips nor repeats it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.storage import job_runs

if TYPE_CHECKING:
    from bot.services.registry import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    # The period "now" falls in, or None when the job should not run now (e.g. before 7:00, on a holiday).
    period: Callable[[Services, dt.datetime], str | None]
    run: Callable[[Services], Awaitable[None]]


async def run_due(services: Services, jobs: list[Job], now: dt.datetime) -> list[str]:
    """Run each job whose current period has not been done; returns the names that ran."""
    ran = []
    for job in jobs:
        key = job.period(services, now)
        if key is None:
            continue
        try:
            async with services.db.transaction():
                if not await job_runs.claim_period(services.db, job.name, key):
                    continue
                await job.run(services)
        except Exception:
            log.exception("job failed", extra={"event": "job_failed", "job": job.name})
            continue
        ran.append(job.name)
        log.info("job ran", extra={"event": "job_ran", "job": job.name})
    return ran


async def run_forever(services: Services, jobs: list[Job], interval: float = 60.0) -> None:
    while True:
        await run_due(services, jobs, dt.datetime.now())
        await asyncio.sleep(interval)


def daily_after(hour: int) -> Callable[[Services, dt.datetime], str | None]:
    """A daily period that opens at `hour` o'clock."""

    def period(services: Services, now: dt.datetime) -> str | None:
        return now.date().isoformat() if now.hour >= hour else None

    return period
