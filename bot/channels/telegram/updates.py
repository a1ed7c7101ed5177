"""Concurrent updates, in order per chat; a busy chat holds no one else up; a bounded stop.

Handled one at a time, every reply waits for the one before it, though most of a reply's time
is spent waiting on Telegram and on SQLite. Handled all at once (PTB's `concurrent_updates=True`),
a resident's two quick messages could be answered out of order, or a button pressed before the
question it belongs to was recorded. So: different chats at once, one chat in arrival order.

A chat's turn comes before a slot: PTB takes its concurrency slot before `do_process_update`,
so PTB's own limit is set out of reach and the slots here are taken once the chat's earlier
updates are done. Otherwise a group's queued updates, each waiting for the one before (which
waits on the group's 20 messages a minute), took every slot and private chats waited.

Each update handled is marked done in the inbox (inbox.py). Once the application stops,
updates not yet begun are left there for the next start, and those in flight get STOP_GRACE
seconds before they are cancelled (and replayed at the next start, perhaps answered twice):
a stop takes seconds however long the queue.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.channels.telegram.inbox import DurableUpdateQueue

MAX_CONCURRENT = 64
STOP_GRACE = 20.0  # seconds; under systemd's TimeoutStopSec (deploy/smolbot.service)
_UNREACHABLE = 1_000_000  # PTB's semaphore, never the limit

log = logging.getLogger(__name__)


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (or its user, for inline queries); None for the rest."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class PerChatOrder(BaseUpdateProcessor):
    """Updates of different chats run concurrently; those of one chat, one after another.

    asyncio locks are first come, first served, and PTB starts update tasks in the order it
    fetched them, so a chat's updates are handled in the order Telegram sent them.
    """

    def __init__(
        self,
        inbox: DurableUpdateQueue | None = None,
        max_concurrent_updates: int = MAX_CONCURRENT,
        stop_grace: float = STOP_GRACE,
    ) -> None:
        super().__init__(_UNREACHABLE)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._inbox = inbox
        self.stop_grace = stop_grace  # tests shorten it
        self._stopping = False
        self._cut_short = False  # the stop's grace ran out
        self._handling: set[asyncio.Task[Any]] = set()
        self._locks: dict[int, asyncio.Lock] = {}
        self._queued: dict[int, int] = {}  # updates holding or awaiting each lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await self._in_a_slot(update, coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._queued[key] = self._queued.get(key, 0) + 1
        try:
            async with lock:
                await self._in_a_slot(update, coroutine)
        finally:
            self._queued[key] -= 1
            if not self._queued[key]:  # memory stays bounded by the chats in flight
                del self._queued[key], self._locks[key]

    async def _in_a_slot(self, update: object, coroutine: Awaitable[Any]) -> None:
        async with self._slots:
            if self._stopping:  # left in the inbox for the next start
                if inspect.iscoroutine(coroutine):
                    coroutine.close()
                return
            if await self._until_grace_is_over(coroutine) and self._inbox is not None:
                self._inbox.done(update)

    async def _until_grace_is_over(self, coroutine: Awaitable[Any]) -> bool:
        """Run the handlers; False if a stop's grace ran out first and they were cancelled."""
        task = asyncio.ensure_future(coroutine)
        self._handling.add(task)
        try:
            await task
        except asyncio.CancelledError:
            if self._cut_short and task.cancelled():
                return False
            raise  # this task itself was cancelled
        finally:
            self._handling.discard(task)
        return True

    def _cut_the_rest_short(self) -> None:
        self._cut_short = True
        for task in self._handling:
            task.cancel()

    def begin_stop(self) -> None:
        """No update is begun from now on; those in flight have STOP_GRACE seconds."""
        if self._stopping:
            return
        self._stopping = True
        in_flight = sum(self._queued.values())
        if in_flight:
            log.info("stopping: %s updates in flight get %.0f s", in_flight, self.stop_grace)
        asyncio.get_running_loop().call_later(self.stop_grace, self._cut_the_rest_short)

    @property
    def chats_in_flight(self) -> int:
        return len(self._locks)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: PTB waits for the updates in flight before it shuts down."""
