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
        await self.handling.replay()
        self._task = asyncio.create_task(self.run(), name="max-polling")

    async def stop(self) -> None:
        """Stop polling now: a poll in flight is abandoned, and MAX gives its updates again
        from the stored marker."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def run(self) -> None:
        """Poll until stopped. A failure of any kind is logged and polling goes on after a
        pause: a poller that died quietly would leave MAX's residents unanswered."""
        marker: int | None = None
        marker_known = False
        failures = 0
        while True:
            try:
                if not marker_known:
                    marker, marker_known = await self.inbox.marker(), True
                marker = await self._poll_once(marker)
                failures = 0
            except Exception as exc:
                wait = BACKOFF[min(failures, len(BACKOFF) - 1)]
                if isinstance(exc, MaxApiError) and exc.retry_after is not None:
                    wait = max(wait, exc.retry_after)
                failures += 1
                if isinstance(exc, MaxError):
                    log.warning("MAX poll failed (%s); again in %.0f s", exc, wait)
                else:  # not stored: MAX gives the batch again from the old marker
                    log.exception("MAX updates not taken; polling again in %.0f s", wait)
                await asyncio.sleep(wait)

    async def _poll_once(self, marker: int | None) -> int | None:
        """One long poll; the batch and the marker after it stored, then handed over. Returns
        the marker to poll from next."""
        updates, next_marker = await self.client.updates(
            marker, self.poll_seconds, BATCH, UPDATE_TYPES
        )
        keyed = [(update_key(u), u) for u in updates]
        fresh = await self.inbox.receive(
            [(key, json.dumps(u, ensure_ascii=False)) for key, u in keyed], next_marker
        )
        for key, update in keyed:
            if key in fresh:
                fresh.discard(key)  # the same update twice in one batch: once
                self.handling.submit(key, update)
        return next_marker
