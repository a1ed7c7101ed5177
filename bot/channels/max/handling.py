"""Updates handed to the flows: one chat's in the order they came, chats side by side, each
marked done in the inbox once handled (in small batches, as the Telegram side does)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from bot.storage.max_inbox import MaxInbox

log = logging.getLogger(__name__)

DONE_EVERY = 0.2  # seconds between writes of done marks
CONCURRENT = 64  # updates being handled at once, across chats
RETRY_WRITE = 1.0  # seconds after a failed write of done marks

# The update, and when it was received (time.monotonic()).
Handle = Callable[[dict[str, Any], float], Awaitable[None]]
OrderKey = Callable[[dict[str, Any]], Hashable]


class UpdateHandling:
    def __init__(self, inbox: MaxInbox, handle: Handle, order_key: OrderKey) -> None:
        self.inbox = inbox
        self.handle = handle
        self.order_key = order_key
        self._chats: dict[Hashable, asyncio.Lock] = {}
        self._waiting: dict[Hashable, int] = {}
        self._slots = asyncio.Semaphore(CONCURRENT)
        self._tasks: set[asyncio.Task[None]] = set()
        self._done: list[str] = []
        self._sent: list[int] = []
        self._writer: asyncio.Task[None] | None = None

    def submit(self, key: str, update: dict[str, Any]) -> None:
        """Handle `update` after the earlier updates of its chat."""
        chat = self.order_key(update)
        lock = self._chats.setdefault(chat, asyncio.Lock())
        self._waiting[chat] = self._waiting.get(chat, 0) + 1
        received_at = time.monotonic()
        task = asyncio.create_task(
            self._run(key, update, received_at, chat, lock), name=f"max-update-{key}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def replay(self) -> None:
        """Updates stored before a restart and not handled, handed over (before new ones); one
        that is not JSON (it cannot be) is marked done rather than met at every start."""
        for key, body in await self.inbox.pending():
            try:
                update = json.loads(body)
            except ValueError:
                update = None
            if isinstance(update, dict):
                self.submit(key, update)
            else:
                log.warning("a stored MAX update %s is not an update; skipped", key)
                await self.inbox.finish([key])

    def sent(self, question_id: int) -> None:
        """The answer to a logged question went out (recorded with the next done marks)."""
        self._sent.append(question_id)
        self._schedule_write()

    async def drain(self, grace: float) -> None:
        """Let the updates in hand finish, for at most `grace` seconds; what does not finish
        stays pending in the inbox and is handled after the restart."""
        if self._tasks:
            _, unfinished = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
        if self._writer is not None:  # a write in flight keeps its marks if cancelled
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)
        await self.write_done()

    async def write_done(self) -> None:
        """Record the done marks gathered so far; if that fails they are kept for the next
        try (else those updates would be answered again after a restart)."""
        done, self._done = self._done, []
        sent, self._sent = self._sent, []
        if not done and not sent:
            return
        try:
            await self.inbox.finish(done, sent)
        except BaseException:
            self._done[:0], self._sent[:0] = done, sent
            raise

    async def _run(
        self,
        key: str,
        update: dict[str, Any],
        received_at: float,
        chat: Hashable,
        lock: asyncio.Lock,
    ) -> None:
        try:
            async with lock, self._slots:
                try:
                    await self.handle(update, received_at)
                except Exception:  # the flow's error is logged; the update is not retried
                    log.exception("MAX update %s failed", key)
                self._done.append(key)
                self._schedule_write()
        finally:
            self._waiting[chat] -= 1
            if not self._waiting[chat]:
                del self._waiting[chat], self._chats[chat]

    def _schedule_write(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_soon(), name="max-done-marks")

    async def _write_soon(self) -> None:
        """Every DONE_EVERY seconds while there are marks: the ones added during a write wait
        for the next round, not for the next update."""
        while self._done or self._sent:
            await asyncio.sleep(DONE_EVERY)
            try:
                await self.write_done()
            except Exception:
                log.exception("could not record handled MAX updates; trying again")
                await asyncio.sleep(RETRY_WRITE)
