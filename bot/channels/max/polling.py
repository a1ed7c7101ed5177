"""Long polling from the stored marker: a batch and the marker after it are stored before any
of it is handled, so a crash loses nothing and a batch that comes again is handled once."""

from __future__ import annotations

import asyncio
import json
import logging

from bot.channels.max.client import MaxApiError, MaxClient, MaxError
from bot.channels.max.events import UPDATE_TYPES, update_key
from bot.channels.max.handling import UpdateHandling
from bot.storage.max_inbox import MaxInbox

log = logging.getLogger(__name__)

POLL_SECONDS = 30  # MAX holds a poll open at most this long
BATCH = 100  # MAX's largest batch
BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)  # seconds after consecutive failed polls


class Polling:
    def __init__(
        self,
        client: MaxClient,
        inbox: MaxInbox,
        handling: UpdateHandling,
        poll_seconds: int = POLL_SECONDS,
    ) -> None:
        self.client = client
        self.inbox = inbox
        self.handling = handling
        self.poll_seconds = poll_seconds
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Hand over what was stored and not handled before a restart, then poll."""
        for key, body in await self.inbox.pending():
            try:
                self.handling.submit(key, json.loads(body))
            except ValueError:
                log.warning("a stored MAX update %s is not JSON; skipped", key)
        self._task = asyncio.create_task(self.run(), name="max-polling")

    async def stop(self) -> None:
        """Stop polling now: a poll in flight is abandoned, and MAX gives its updates again
        from the stored marker."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def run(self) -> None:
        marker = await self.inbox.marker()
        failures = 0
        while True:
            try:
                updates, next_marker = await self.client.updates(
                    marker, self.poll_seconds, BATCH, UPDATE_TYPES
                )
                failures = 0
            except MaxError as exc:
                wait = BACKOFF[min(failures, len(BACKOFF) - 1)]
                if isinstance(exc, MaxApiError) and exc.retry_after is not None:
                    wait = max(wait, exc.retry_after)
                failures += 1
                log.warning("MAX poll failed (%s); again in %.0f s", exc, wait)
                await asyncio.sleep(wait)
                continue
            keyed = [(update_key(u), u) for u in updates]
            try:
                fresh = await self.inbox.receive(
                    [(key, json.dumps(u, ensure_ascii=False)) for key, u in keyed], next_marker
                )
            except Exception:  # not stored: poll again from the old marker, MAX gives them again
                log.exception("could not store MAX updates; polling again")
                await asyncio.sleep(BACKOFF[0])
                continue
            marker = next_marker
            for key, update in keyed:
                if key in fresh:
                    fresh.discard(key)  # the same update twice in one batch: once
                    self.handling.submit(key, update)
