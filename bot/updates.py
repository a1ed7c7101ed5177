"""Concurrent updates, in order per chat.

Handled one at a time, every reply waits for the one before it, though most of a reply's time
is spent waiting on Telegram and on SQLite. Handled all at once (PTB's `concurrent_updates=True`),
a resident's two quick messages could be answered out of order, or a button pressed before the
question it belongs to was recorded. So: different chats at once, one chat in arrival order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT = 64


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

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._queued: dict[int, int] = {}  # updates holding or awaiting each lock

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._queued[key] = self._queued.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._queued[key] -= 1
            if not self._queued[key]:  # memory stays bounded by the chats in flight
                del self._queued[key], self._locks[key]

    @property
    def chats_in_flight(self) -> int:
        return len(self._locks)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: PTB waits for the updates in flight before it shuts down."""
