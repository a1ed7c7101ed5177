"""Telegram's limits on what the bot sends, and what to do when a call fails for a while.

PTB's AIORateLimiter waits out a 429 ("retry after 57") by pausing *every* request: one busy
group stalled private residents for a minute. Here a 429 on a call to a chat pauses that chat
only; a 429 on a call to no chat (answering a button or an inline query, limited per user)
delays that call only. Sends are paced as Telegram asks: 30 a second overall, 20 a minute to
one group.

A call to a chat (a reply, an edit, a broadcast message) that meets a network error or a 5xx
(Telegram's side having a bad moment) is retried with backoff for up to RETRY_FOR seconds, then
given up with a log line: an answer is not dropped for a blip. Other calls (getMe at start,
answering a button) fail at once, so a bot that cannot reach Telegram says so at start, and so
do calls made with `rate_limit_args=ONE_TRY`: the broadcast worker paces and retries its sends
itself, and a second layer of retries would hold a delivery for a minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

RETRY_FOR = 60.0  # seconds a failing call is retried
FIRST_BACKOFF, MAX_BACKOFF = 0.5, 8.0  # seconds between attempts, doubling
MAX_429 = 3  # 429s answered for one call before it is given up
TRACKED_GROUPS = 512  # group limiters kept; idle ones go first

Result = bool | dict[str, Any] | list[dict[str, Any]]
# `rate_limit_args` of a call whose caller retries it: paced like any send, tried once.
ONE_TRY = "one-try"
RateLimitArgs = str | None


def retry_seconds(exc: RetryAfter) -> float:
    """A 429's retry_after in seconds, however PTB is set to give it (int or timedelta)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)


def is_transient(exc: Exception) -> bool:
    """A timeout, a refused connection or a 5xx, not Telegram refusing the request (BadRequest
    and Forbidden are NetworkError subclasses too)."""
    return isinstance(exc, TimedOut) or type(exc) is NetworkError


def _chat_of(data: dict[str, Any]) -> int | str | None:
    chat_id = data.get("chat_id")
    with contextlib.suppress(ValueError, TypeError):
        return int(chat_id)  # type: ignore[arg-type]
    return chat_id if isinstance(chat_id, str) else None


class PerChatRateLimiter(BaseRateLimiter[RateLimitArgs]):
    def __init__(
        self,
        overall_per_second: float = FloodLimit.MESSAGES_PER_SECOND,
        group_per_minute: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        retry_for: float = RETRY_FOR,
    ) -> None:
        self._overall = AsyncLimiter(overall_per_second, 1)
        self._group_rate = group_per_minute
        self._groups: OrderedDict[int | str, AsyncLimiter] = OrderedDict()
        self._paused_until: dict[int | str, float] = {}  # chat (or _EVERYONE) -> monotonic
        self._retry_for = retry_for

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""

    def _group(self, chat: int | str) -> AsyncLimiter:
        limiter = self._groups.pop(chat, None) or AsyncLimiter(self._group_rate, 60)
        self._groups[chat] = limiter  # most recently used last
        if len(self._groups) > TRACKED_GROUPS:
            for key, idle in list(self._groups.items()):
                if idle.has_capacity(idle.max_rate):  # forgetting it changes nothing
                    del self._groups[key]
                    break
        return limiter

    async def _wait_out_pause(self, chat: int | str | None) -> None:
        while chat is not None:
            wait = self._paused_until.get(chat, 0.0) - time.monotonic()
            if wait <= 0:
                self._paused_until.pop(chat, None)
                return
            await asyncio.sleep(wait)

    async def _once(
        self, chat: int | str | None, callback: Callable[[], Coroutine[Any, Any, Result]]
    ) -> Result:
        await self._wait_out_pause(chat)
        if chat is None:
            return await callback()
        group = isinstance(chat, str) or chat < 0
        async with self._group(chat) if group else contextlib.nullcontext(), self._overall:
            return await callback()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: RateLimitArgs,
    ) -> Result:
        chat = _chat_of(data)
        one_try = rate_limit_args == ONE_TRY
        deadline = time.monotonic() + self._retry_for
        backoff, refused = FIRST_BACKOFF, 0
        while True:
            try:
                return await self._once(chat, lambda: callback(*args, **kwargs))
            except RetryAfter as exc:
                refused += 1
                if refused > MAX_429 or (one_try and chat is None):
                    log.warning("%s to %s: still 429 after %s tries", endpoint, chat, MAX_429)
                    raise
                seconds = retry_seconds(exc)
                log.info("429 for %s to %s: paused %.0f s", endpoint, chat, seconds)
                if chat is None:
                    await asyncio.sleep(seconds + 0.1)
                    continue
                now = time.monotonic()
                if len(self._paused_until) > TRACKED_GROUPS:  # chats that never sent again
                    self._paused_until = {k: t for k, t in self._paused_until.items() if t > now}
                self._paused_until[chat] = max(
                    self._paused_until.get(chat, 0.0), now + seconds + 0.1
                )
                if one_try:
                    raise
            except Exception as exc:
                retry = chat is not None and not one_try and is_transient(exc)
                if not retry or time.monotonic() + backoff > deadline:
                    if retry:
                        log.warning(
                            "%s to %s gave up after %.0f s: %s",
                            endpoint,
                            chat,
                            self._retry_for,
                            exc,
                        )
                    raise
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
