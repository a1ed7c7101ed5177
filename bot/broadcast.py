"""The durable broadcast worker: every subscriber once, at a steady rate, through floods,
blocked users and restarts.

Deliveries live in SQLite (bot/storage/broadcasts.py). The worker claims a small batch (about
0.2 s of sending), sends it paced to the configured rate, and records the results in one
transaction.
After a crash the claimed-but-unrecorded batch is sent again: duplicates are limited to that
batch, and nobody is skipped. Each messenger's adapter sends through the `Sender` interface
and says what became of a message: "retry after N" pauses that messenger's sending for N
seconds; a retry without a time (a network error) is retried with backoff; "blocked" marks the
delivery blocked and unsubscribes the user.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from bot.conversation import Outcome
from bot.peer import Peer
from bot.storage import DeliveryResult, Storage

log = logging.getLogger(__name__)


class Sender(Protocol):
    """One messenger's way to send a broadcast message (its adapter's outlet)."""

    async def deliver(self, chat_id: int, html: str) -> Outcome: ...


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
        senders: Mapping[str, Sender],
        rate: float,
        on_progress: Callable[[Progress], Awaitable[None]] | None = None,
        progress_every: float = 3.0,
        backoff: float = 1.0,
    ) -> None:
        self.storage = storage
        self.senders = senders
        self.rate = rate
        self.batch = max(1, min(MAX_BATCH, math.ceil(rate * SENDING_SECONDS_PER_BATCH)))
        self.on_progress = on_progress
        self.progress_every = progress_every
        self.backoff = backoff
        self._next_slot: dict[str, float] = {}  # per messenger
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
        for broadcast_id in await self.storage.broadcasts.sending():
            released = await self.storage.broadcasts.release_in_flight(broadcast_id)
            if released:
                log.info(
                    "broadcast %s: %s deliveries in flight at the last stop go out again",
                    broadcast_id,
                    released,
                )
        while not self._stopping:
            self._wake.clear()
            try:
                for broadcast_id in await self.storage.broadcasts.sending():
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
            broadcast_id, await self.storage.broadcasts.counts(broadcast_id), None
        ).done
        last_report = 0.0
        while not self._stopping:
            broadcast = await self.storage.broadcasts.get(broadcast_id)
            if broadcast is None or broadcast.status != "sending":
                await self._report(broadcast_id, started, done_at_start, final=True)
                return
            claimed = await self.storage.broadcasts.claim(broadcast_id, self.batch)
            if not claimed:
                await self.storage.broadcasts.set_status(broadcast_id, "done")
                await self._report(broadcast_id, started, done_at_start, final=True)
                return
            results = await asyncio.gather(
                *(self._send_one(recipient, broadcast.text) for recipient, _ in claimed)
            )
            await self.storage.broadcasts.record(broadcast_id, list(results))
            now = time.monotonic()
            if now - last_report >= self.progress_every:
                last_report = now
                await self._report(broadcast_id, started, done_at_start, final=False)

    async def _report(
        self, broadcast_id: int, started: float, done_at_start: int, final: bool
    ) -> None:
        if self.on_progress is None:
            return
        counts = await self.storage.broadcasts.counts(broadcast_id)
        broadcast = await self.storage.broadcasts.get(broadcast_id)
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
    async def _pace(self, channel: str) -> None:
        """Wait for this message's slot: one every 1/rate seconds per messenger, across
        batches."""
        now = time.monotonic()
        slot = max(self._next_slot.get(channel, 0.0), now)
        self._next_slot[channel] = slot + 1 / self.rate
        if slot > now:
            await asyncio.sleep(slot - now)

    async def _send_one(self, recipient: Peer, text: str) -> DeliveryResult:
        sender = self.senders.get(recipient.channel)
        if sender is None:  # a subscriber of a messenger this run does not serve
            return DeliveryResult(recipient, "failed", f"{recipient.channel} is not connected")
        attempt = 0
        floods = 0
        while True:
            await self._pace(recipient.channel)
            try:
                outcome = await sender.deliver(recipient.id, text)
            except Exception as exc:  # one bad delivery must not stop the others
                log.exception("broadcast: delivery to %s failed", recipient)
                return DeliveryResult(recipient, "failed", repr(exc)[:200])
            if outcome.status in ("sent", "blocked", "failed"):
                return DeliveryResult(recipient, outcome.status, outcome.error)
            if outcome.retry_after is not None:
                floods += 1
                # Everyone on this messenger waits: it asked the bot, not one chat, to slow down.
                self._next_slot[recipient.channel] = max(
                    self._next_slot.get(recipient.channel, 0.0),
                    time.monotonic() + outcome.retry_after,
                )
                if floods > MAX_FLOOD_WAITS:
                    return DeliveryResult(recipient, "failed", f"flood control {floods} times")
            else:
                attempt += 1
                if attempt >= MAX_ATTEMPTS:
                    return DeliveryResult(recipient, "failed", outcome.error)
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
