"""The durable broadcast worker: every subscriber once, at a steady rate, through floods,
blocked users and restarts.

Deliveries live in SQLite (bot/storage.py). The worker claims a small batch (about 0.2 s of
sending), sends it paced to the configured rate, and records the results in one transaction.
After a crash the claimed-but-unrecorded batch is sent again: duplicates are limited to that
batch, and nobody is skipped. 429 pauses all sending for retry_after; network errors are retried
with backoff; "blocked by the user" and "chat not found" mark the delivery blocked and
unsubscribe the user.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.rate_limit import retry_seconds
from bot.storage import Storage

log = logging.getLogger(__name__)

Send = Callable[[int, str], Awaitable[object]]
SENDING_SECONDS_PER_BATCH = 0.2
MAX_BATCH = 200
MAX_ATTEMPTS = 5
MAX_FLOOD_WAITS = 20


@dataclass(frozen=True, slots=True)
class Progress:
    broadcast_id: int
    total: int
    sent: int
    failed: int
    blocked: int
    rate: float  # messages a second over this run
    eta_seconds: float | None
    finished: bool = False
    cancelled: bool = False

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.blocked

    @classmethod
    def of(
        cls,
        broadcast_id: int,
        counts: dict[str, int],
        status: str | None,
        rate: float = 0.0,
        eta_seconds: float | None = None,
        finished: bool = False,
    ) -> Progress:
        """From Storage.delivery_counts and the broadcast's status."""
        return cls(
            broadcast_id,
            sum(counts.values()),
            counts["sent"],
            counts["failed"],
            counts["blocked"],
            rate,
            eta_seconds,
            finished=finished,
            cancelled=status == "cancelled",
        )


class BroadcastWorker:
    def __init__(
        self,
        storage: Storage,
        send: Send,
        rate: float,
        on_progress: Callable[[Progress], Awaitable[None]] | None = None,
        progress_every: float = 3.0,
        backoff: float = 1.0,
    ) -> None:
        self.storage = storage
        self.send = send
        self.rate = rate
        self.batch = max(1, min(MAX_BATCH, math.ceil(rate * SENDING_SECONDS_PER_BATCH)))
        self.on_progress = on_progress
        self.progress_every = progress_every
        self.backoff = backoff
        self._next_slot = 0.0
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="broadcast-worker")

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        """Finish the batch in flight, record it, and stop; pending deliveries wait for restart."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def run(self) -> None:
        for broadcast_id in await self.storage.sending_broadcasts():
            released = await self.storage.release_in_flight(broadcast_id)
            if released:
                log.info(
                    "broadcast %s: %s deliveries in flight at the last stop go out again",
                    broadcast_id,
                    released,
                )
        while not self._stopping:
            self._wake.clear()
            try:
                for broadcast_id in await self.storage.sending_broadcasts():
                    await self._deliver(broadcast_id)
                    if self._stopping:
                        return
            except Exception:  # e.g. the database went away: wait for the next wake-up
                log.exception("broadcast worker: a round failed; deliveries stay pending")
            await self._wake.wait()

    # -- one broadcast -----------------------------------------------------------------------
    async def _deliver(self, broadcast_id: int) -> None:
        started = time.monotonic()
        done_at_start = Progress.of(
            broadcast_id, await self.storage.delivery_counts(broadcast_id), None
        ).done
        last_report = 0.0
        while not self._stopping:
            broadcast = await self.storage.broadcast(broadcast_id)
            if broadcast is None or broadcast.status != "sending":
                await self._report(broadcast_id, started, done_at_start, final=True)
                return
            claimed = await self.storage.claim_deliveries(broadcast_id, self.batch)
            if not claimed:
                await self.storage.set_broadcast_status(broadcast_id, "done")
                await self._report(broadcast_id, started, done_at_start, final=True)
                return
            results = await asyncio.gather(
                *(self._send_one(user_id, broadcast.text) for user_id, _ in claimed)
            )
            await self.storage.record_deliveries(broadcast_id, list(results))
            now = time.monotonic()
            if now - last_report >= self.progress_every:
                last_report = now
                await self._report(broadcast_id, started, done_at_start, final=False)

    async def _report(
        self, broadcast_id: int, started: float, done_at_start: int, final: bool
    ) -> None:
        if self.on_progress is None:
            return
        counts = await self.storage.delivery_counts(broadcast_id)
        broadcast = await self.storage.broadcast(broadcast_id)
        progress = Progress.of(broadcast_id, counts, broadcast.status if broadcast else None)
        elapsed = max(time.monotonic() - started, 1e-6)
        rate = (progress.done - done_at_start) / elapsed
        eta = (progress.total - progress.done) / rate if rate > 0 else None
        progress = replace(progress, rate=rate, eta_seconds=eta, finished=final)
        try:
            await self.on_progress(progress)
        except Exception:  # a failed progress edit must not stop the deliveries
            log.warning("broadcast %s: could not report progress", broadcast_id, exc_info=True)

    # -- one message -------------------------------------------------------------------------
    async def _pace(self) -> None:
        """Wait for this message's slot: one every 1/rate seconds, across batches."""
        now = time.monotonic()
        slot = max(self._next_slot, now)
        self._next_slot = slot + 1 / self.rate
        if slot > now:
            await asyncio.sleep(slot - now)

    async def _send_one(self, user_id: int, text: str) -> tuple[int, str, str | None]:
        attempt = 0
        floods = 0
        while True:
            await self._pace()
            try:
                await self.send(user_id, text)
                return user_id, "sent", None
            except RetryAfter as exc:
                floods += 1
                wait = retry_seconds(exc)
                # Everyone waits: Telegram asked the bot, not this one chat, to slow down.
                self._next_slot = max(self._next_slot, time.monotonic() + wait)
                if floods > MAX_FLOOD_WAITS:
                    return user_id, "failed", f"flood control {floods} times"
            except Forbidden as exc:
                return user_id, "blocked", exc.message
            except BadRequest as exc:
                if "chat not found" in exc.message.lower():
                    return user_id, "blocked", exc.message
                return user_id, "failed", exc.message
            except NetworkError as exc:
                attempt += 1
                if attempt >= MAX_ATTEMPTS:
                    return user_id, "failed", exc.message
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
            except Exception as exc:  # one bad delivery must not stop the others
                log.exception("broadcast: delivery to %s failed", user_id)
                return user_id, "failed", repr(exc)[:200]
