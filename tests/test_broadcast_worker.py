"""The broadcast worker on its own: pacing, retries, and a crash in the middle."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path

from telegram.error import Forbidden, NetworkError, RetryAfter

from bot.broadcast import BroadcastWorker, Progress
from bot.channels.telegram.outlet import TelegramOutlet
from bot.peer import TELEGRAM, Peer
from bot.storage import Storage

tg = partial(Peer, TELEGRAM)  # a Telegram user by id


class _Bot:
    """Just enough of a Bot for the Telegram outlet: its sends go to the test's function."""

    def __init__(self, send: Callable[[int, str], Awaitable[object]]) -> None:
        self._send = send

    async def send_message(self, chat_id: int, text: str, **api_kwargs: object) -> object:
        """`api_kwargs`: what the outlet passes on to PTB (rate_limit_args)."""
        return await self._send(chat_id, text)


def senders(send: Callable[[int, str], Awaitable[object]]) -> dict[str, TelegramOutlet]:
    """The worker sends through Telegram's outlet, which reads the errors `send` raises."""
    return {TELEGRAM: TelegramOutlet(_Bot(send))}  # type: ignore[arg-type]


async def prepare(database: Path, subscribers: int) -> int:
    async with Storage(database) as storage:
        for user_id in range(1, subscribers + 1):
            await storage.users.set_subscribed(tg(user_id), True)
        broadcast_id = await storage.broadcasts.create(tg(1), 1, "news")
        assert await storage.broadcasts.start(broadcast_id) == subscribers
    return broadcast_id


async def wait_done(storage: Storage, broadcast_id: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while (await storage.broadcasts.get(broadcast_id)).status == "sending":  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "the broadcast did not finish"
        await asyncio.sleep(0.01)


async def test_a_crash_mid_broadcast_skips_nobody_and_repeats_at_most_one_batch(
    tmp_path: Path,
) -> None:
    database = tmp_path / "bot.sqlite3"
    broadcast_id = await prepare(database, 300)
    sent: list[int] = []

    async def send(chat_id: int, text: str) -> None:
        sent.append(chat_id)

    storage = Storage(database)
    await storage.open()
    worker = BroadcastWorker(storage, senders(send), rate=1000)
    worker.start()
    while len(sent) < 120:
        await asyncio.sleep(0.001)
    assert worker._task is not None
    worker._task.cancel()  # the process dies: the batch in flight is never recorded
    with contextlib.suppress(asyncio.CancelledError):
        await worker._task
    await storage.close()

    async with Storage(database) as restarted:
        again = BroadcastWorker(restarted, senders(send), rate=1000)
        again.start()
        await wait_done(restarted, broadcast_id)
        await again.stop()
        counts = await restarted.broadcasts.counts(broadcast_id)
    received = Counter(sent)
    assert set(received) == set(range(1, 301))  # nobody skipped
    assert sum(n - 1 for n in received.values()) <= worker.batch  # repeats: the batch in flight
    assert counts["sent"] == 300 and counts["pending"] == counts["sending"] == 0


async def test_pacing_holds_the_configured_rate(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    broadcast_id = await prepare(database, 100)
    times: list[float] = []

    async def send(chat_id: int, text: str) -> None:
        times.append(time.monotonic())

    async with Storage(database) as storage:
        worker = BroadcastWorker(storage, senders(send), rate=200)
        worker.start()
        await wait_done(storage, broadcast_id)
        await worker.stop()
    achieved = (len(times) - 1) / (times[-1] - times[0])
    assert 0.9 * 200 <= achieved <= 1.05 * 200


async def test_floods_network_errors_and_blocks(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    broadcast_id = await prepare(database, 20)
    calls: Counter[int] = Counter()
    reports: list[Progress] = []

    async def send(chat_id: int, text: str) -> None:
        calls[chat_id] += 1
        if chat_id == 3 and calls[chat_id] == 1:
            raise RetryAfter(1)
        if chat_id == 5 and calls[chat_id] <= 2:
            raise NetworkError("connection reset")
        if chat_id == 7:
            raise Forbidden("Forbidden: bot was blocked by the user")
        if chat_id == 9:
            raise NetworkError("always down")

    async def report(progress: Progress) -> None:
        reports.append(progress)

    async with Storage(database) as storage:
        worker = BroadcastWorker(storage, senders(send), rate=500, on_progress=report, backoff=0.01)
        started = time.monotonic()
        worker.start()
        await wait_done(storage, broadcast_id)
        await worker.stop()
        counts = await storage.broadcasts.counts(broadcast_id)
        assert not await storage.users.is_subscribed(tg(7))
        assert await storage.users.is_subscribed(tg(9))
    assert time.monotonic() - started >= 1.0  # everyone waited out the flood
    assert calls[3] == 2 and calls[5] == 3 and calls[9] == 5
    assert counts == {"pending": 0, "sending": 0, "sent": 18, "failed": 1, "blocked": 1}
    assert reports[-1].finished and reports[-1].sent == 18 and reports[-1].total == 20
