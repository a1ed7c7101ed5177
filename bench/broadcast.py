"""Broadcast throughput and memory: `python -m bench.broadcast SUBSCRIBERS RATE`.

The fake Bot API runs in its own process; this process runs the real BroadcastWorker with a
real python-telegram-bot Bot over HTTP (smolbot's transport), on a fresh SQLite database of
SUBSCRIBERS subscribers.
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
from pathlib import Path

from telegram import Bot
from telegram.constants import ParseMode
from telegram.request import HTTPXRequest

from bot.broadcast import BroadcastWorker
from bot.storage import Storage

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
            "INSERT INTO users (id, language, subscribed, first_seen, last_seen)"
            " VALUES (?, 'ru', 1, '', '')",
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
            bot = Bot(TOKEN, base_url=url, request=HTTPXRequest(connection_pool_size=64))
            async with bot, Storage(database) as storage:

                async def send(chat_id: int, text: str) -> object:
                    nonlocal first_send, last_send, sends
                    result = await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
                    last_send = time.monotonic()
                    first_send = first_send or last_send
                    sends += 1
                    return result

                broadcast_id = await storage.create_broadcast(1, 1, "<b>Новость</b> для всех")
                await storage.start_broadcast(broadcast_id)
                worker = BroadcastWorker(storage, send, rate)
                started = time.monotonic()
                worker.start()
                while (await storage.broadcast(broadcast_id)).status == "sending":  # type: ignore[union-attr]
                    await asyncio.sleep(0.5)
                await worker.stop()
                wall = time.monotonic() - started
                counts = await storage.delivery_counts(broadcast_id)
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
