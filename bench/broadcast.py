"""Broadcast throughput and memory: `python -m bench.broadcast SUBSCRIBERS RATE`.

The fake Bot API runs in its own process; this process runs the real BroadcastWorker with a
real python-telegram-bot Bot over HTTP, through Telegram's outlet as the bot sends, on a fresh
SQLite database of SUBSCRIBERS subscribers.
Prints one JSON line: achieved rate, configured rate, wall time, peak RSS.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot
from telegram.request import HTTPXRequest

from bot.broadcast import BroadcastWorker
from bot.channels.telegram.outlet import TelegramOutlet
from bot.conversation import Outcome
from bot.peer import TELEGRAM, Peer
from bot.storage import Storage

tg = partial(Peer, TELEGRAM)  # a Telegram user by id

TOKEN = "123456789:AAAbbbCCCdddEEEfffGGGhhhIIIjjjKKKlll"


def peak_rss_kib() -> int:
    """VmHWM: this process's peak resident memory. (ru_maxrss would include the parent's
    peak from before exec on Linux, which hides what the broadcast itself uses.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def fill(database: Path, subscribers: int) -> None:
    """Subscribers written straight into the schema Storage created."""
    with sqlite3.connect(database) as db:
        db.executemany(
            "INSERT INTO users (channel, id, language, subscribed, first_seen, last_seen)"
            " VALUES ('telegram', ?, 'ru', 1, '', '')",
            ((i,) for i in range(1, subscribers + 1)),
        )


async def run(subscribers: int, rate: float) -> dict[str, float]:
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_bot_api"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        with tempfile.TemporaryDirectory() as tmp:
            database = Path(tmp) / "bench.sqlite3"
            async with Storage(database):
                pass
            fill(database, subscribers)
            # First and last send and a count: a list of 100,000 times would itself be memory.
            first_send, last_send, sends = 0.0, 0.0, 0
            defaults = Defaults(parse_mode=ParseMode.HTML)
            request = HTTPXRequest(connection_pool_size=64)
            bot = ExtBot(TOKEN, base_url=url, request=request, defaults=defaults)
            async with bot, Storage(database) as storage:

                class CountingOutlet(TelegramOutlet):
                    async def deliver(self, chat_id: int, html: str) -> Outcome:
                        nonlocal first_send, last_send, sends
                        outcome = await super().deliver(chat_id, html)
                        last_send = time.monotonic()
                        first_send = first_send or last_send
                        sends += 1
                        return outcome

                broadcast_id = await storage.broadcasts.create(tg(1), 1, "<b>Новость</b> для всех")
                await storage.broadcasts.start(broadcast_id)
                worker = BroadcastWorker(storage, {TELEGRAM: CountingOutlet(bot)}, rate)
                started = time.monotonic()
                worker.start()
                while (await storage.broadcasts.get(broadcast_id)).status == "sending":  # type: ignore[union-attr]
                    await asyncio.sleep(0.5)
                await worker.stop()
                wall = time.monotonic() - started
                counts = await storage.broadcasts.counts(broadcast_id)
    finally:
        server.terminate()
        server.wait()
    achieved = (sends - 1) / (last_send - first_send)
    return {
        "subscribers": subscribers,
        "sent": counts["sent"],
        "configured_rate": rate,
        "achieved_rate": round(achieved, 1),
        "share_of_rate": round(achieved / rate, 4),
        "wall_seconds": round(wall, 1),
        "peak_rss_mib": round(peak_rss_kib() / 1024, 1),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(int(sys.argv[1]), float(sys.argv[2])))))
