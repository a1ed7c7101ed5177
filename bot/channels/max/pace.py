"""At most N of something in any window of W seconds: MAX's limits are per second, per chat
(2 messages) and per bot (about 30 requests), and a 429 costs more than waiting."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable

# MAX counts on its own clock; a little more than a second keeps two clocks apart.
MARGIN = 0.05


class Pace:
    """Waits before the (N+1)th event in any `window` seconds for the same key."""

    def __init__(
        self,
        count: int,
        window: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.count = count
        self.window = window + MARGIN
        self.clock = clock
        self.sleep = sleep
        self._times: dict[Hashable, deque[float]] = {}

    async def wait(self, key: Hashable = None) -> None:
        times = self._times.get(key)
        if times is None:
            self._forget_idle()
            times = self._times[key] = deque(maxlen=self.count)
        # No await between the last check and the append: two tasks cannot both take a slot.
        while len(times) == self.count and (delay := times[0] + self.window - self.clock()) > 0:
            await self.sleep(delay)
        times.append(self.clock())

    def _forget_idle(self) -> None:
        """Keys quiet for a window need no memory (a broadcast touches every subscriber once)."""
        if len(self._times) < 4096:
            return
        idle_before = self.clock() - self.window
        for key in [k for k, t in self._times.items() if not t or t[-1] < idle_before]:
            del self._times[key]
