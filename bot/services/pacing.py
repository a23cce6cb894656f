"""Sliding-window pacing, so the outbox never sends faster than the platform allows.

A send occupies its slot from when it *finished*: the platform sees the request
arrive after we start it, so counting from completion keeps us under its limit
even when the network adds jitter.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    def __init__(self, limit: int, period: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = max(1, limit)
        self.period = period
        self._clock = clock
        self._stamps: deque[float] = deque()

    def wait_time(self) -> float:
        now = self._clock()
        while self._stamps and now - self._stamps[0] >= self.period:
            self._stamps.popleft()
        if len(self._stamps) < self.limit:
            return 0.0
        return self.period - (now - self._stamps[0])

    def record(self) -> None:
        self._stamps.append(self._clock())

    async def acquire(self) -> None:
        """Wait until one more send fits in the window (the caller records it when the send ends)."""
        while (delay := self.wait_time()) > 0:
            await asyncio.sleep(delay)
