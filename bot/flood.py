"""Per-user flood control, the counting part: a sliding window per user, bounded memory."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Hashable

BURST = 5  # messages...
WINDOW = 2.0  # ...within this many seconds is a flood
MUTE = 30.0  # seconds ignored after a flood
TRACKED_USERS = 10_000  # memory stays bounded however many users write


class FloodGuard:
    def __init__(self, burst: int = BURST, window: float = WINDOW, mute: float = MUTE) -> None:
        self.burst, self.window, self.mute = burst, window, mute
        self._recent: OrderedDict[Hashable, deque[float]] = OrderedDict()
        self._muted_until: dict[Hashable, float] = {}

    def check(self, user_id: Hashable, now: float | None = None) -> str:
        """'ok', 'warn' (the message that started a flood) or 'drop'."""
        now = time.monotonic() if now is None else now
        if self._muted_until.get(user_id, 0.0) > now:
            return "drop"
        self._muted_until.pop(user_id, None)
        recent = self._recent.pop(user_id, deque())
        self._recent[user_id] = recent  # most recent last, for eviction
        while recent and now - recent[0] > self.window:
            recent.popleft()
        recent.append(now)
        if len(self._recent) > TRACKED_USERS:
            self._recent.popitem(last=False)
        if len(recent) > self.burst:
            recent.clear()
            self._muted_until[user_id] = now + self.mute
            return "warn"
        return "ok"
