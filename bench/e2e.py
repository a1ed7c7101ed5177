"""End to end through the fake Bot API: `python -m bench.e2e` prints one JSON line.

The fake Bot API runs in this process and plays many users at once: it queues a burst of
questions from different users and times the replies. Each bot runs in a process of its own:
a bare python-telegram-bot echo bot (the floor, on the HTTP transport smolbot uses too, PTB's
HTTPXRequest), smolbot's Application without Telegram's rate limiter (what our logic costs),
and `smolbot run` itself (limiter included: at most 30 replies a second, as Telegram
allows). Two conditions: the fake answering at once (the bots' own CPU is
the limit), and the fake taking TELEGRAM_LIKE_DELAY to accept each reply, as Telegram's servers
do from afar (waiting is the limit). Also measured: the bot process's CPU time per reply, one
question at a time (latency), the time from exec until it polls for updates (start-up), and
its resident memory.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import bots
from bench.labelled import HOLDOUT_SETS, TUNING_SET, load_cases
from tests.fake_bot_api import FakeBotApi

BURST_USERS = 1_000  # different users in one burst...
PER_USER = 3  # ...each asking this many questions (under the flood limit of 5 in 2 s)
SMALL_BURST_USERS = 100  # where replies come at 30/s or 20/s, a smaller burst says as much
TELEGRAM_LIKE_DELAY = 0.05  # seconds; an assumption, not a measurement of Telegram
ROUNDS = 3
LATENCY_SAMPLES = 50
STARTS = 5
TICKS = os.sysconf("SC_CLK_TCK")


class CountingApi(FakeBotApi):
    """The fake Bot API, noting when the bot first polls and when the awaited replies are in."""

    def __init__(self) -> None:
        super().__init__()
        self.any_chat, self.keep_calls = True, False
        self.first_poll_at = 0.0
        self.polled = asyncio.Event()
        self.replies = 0
        self.target = 0
        self.done = asyncio.Event()
        self.delay = 0.0  # seconds before each reply is accepted

    async def api_getUpdates(self, params: dict[str, Any]) -> Any:
        if not self.polled.is_set():
            self.first_poll_at = time.monotonic()
            self.polled.set()
        return await super().api_getUpdates(params)

    async def api_sendMessage(self, params: dict[str, Any]) -> Any:
        if self.delay:
            await asyncio.sleep(self.delay)
        result = await super().api_sendMessage(params)
        self.messages.clear()  # nothing edits these; keeping them would grow this process
        self.replies += 1
        if self.replies >= self.target:
            self.done.set()
        return result

    async def burst(self, messages: list[tuple[dict[str, Any], str]], timeout: float) -> float:
        """Queues every message at once; seconds until the bot has replied to all of them."""
        self.replies, self.target = 0, len(messages)
        self.done.clear()
        start = time.monotonic()
        for user, text in messages:
            await self.push_text(user, text)
        try:
            await asyncio.wait_for(self.done.wait(), timeout)
        except TimeoutError:
            raise TimeoutError(f"{self.replies} of {self.target} replies in {timeout} s") from None
        return time.monotonic() - start


def questions() -> list[str]:
    """Every labelled question but commands ("/start"): the echo floor does not answer those."""
    cases = load_cases(TUNING_SET) + [c for p in HOLDOUT_SETS for c in load_cases(p)]
    return [c.query for c in cases if not c.query.lstrip().startswith("/")]


def language(text: str) -> str:
    latin = sum("a" <= ch.lower() <= "z" for ch in text)
    return "en" if latin > len(text) / 2 else "ru"


def burst_of(first_user: int, users: int, texts: list[str]) -> list[tuple[dict[str, Any], str]]:
    """`users` users from `first_user` on, each asking PER_USER questions, interleaved."""
    messages = []
    for turn in range(PER_USER):
        for n in range(users):
            text = texts[(n * PER_USER + turn + first_user) % len(texts)]
            user = FakeBotApi.user(first_user + n, language(text), "User")
            messages.append((user, text))
    return messages


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


async def start_bot(
    api: CountingApi, command: list[str], env: dict[str, str], cwd: Path
) -> tuple[subprocess.Popen[bytes], float]:
    """The bot process and the seconds from exec until it first polled for updates."""
    api.polled.clear()
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        env={**os.environ, **env},
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        await asyncio.wait_for(api.polled.wait(), 60)
    except TimeoutError:
        process.kill()
        output = process.communicate()[1].decode()[-2000:]
        raise RuntimeError(f"{command} did not start: {output}") from None
    return process, api.first_poll_at - started


async def stop_bot(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, waited for without blocking: the fake must answer the bot's last calls."""
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(asyncio.to_thread(process.wait), 30)
    except TimeoutError:
        process.kill()
        await asyncio.to_thread(process.wait)
    await asyncio.sleep(0.2)  # requests the bot sent last are answered before the next start


async def bursts(
    api: CountingApi, process: subprocess.Popen[bytes], users: int, texts: list[str], tag: int
) -> dict[str, Any]:
    """ROUNDS bursts, each from `users` users the bot has not seen."""
    rates, cpu_ms = [], []
    for round_ in range(ROUNDS):
        messages = burst_of(1_000_000 * (tag * ROUNDS + round_ + 1), users, texts)
        cpu_before = cpu_seconds(process.pid)
        seconds = await api.burst(messages, 600)
        rates.append(len(messages) / seconds)
        cpu_ms.append((cpu_seconds(process.pid) - cpu_before) * 1000 / len(messages))
    return {"replies_per_second": rates, "cpu_ms_per_reply": cpu_ms, "messages": users * PER_USER}


async def measure(
    api: CountingApi, process: subprocess.Popen[bytes], users: int, texts: list[str]
) -> dict[str, Any]:
    """Warm-up; bursts with an instant fake and with a Telegram-like one; then latency."""
    await api.burst(burst_of(10_000_000, 20, texts), 120)  # warm-up: caches, connections
    ready_rss = proc_status(process.pid)["VmRSS"]
    instant = await bursts(api, process, users, texts, 0)
    api.delay = TELEGRAM_LIKE_DELAY
    try:
        delayed = await bursts(api, process, min(users, SMALL_BURST_USERS), texts, 1)
    finally:
        api.delay = 0.0
    latencies = []
    for n in range(LATENCY_SAMPLES):
        await asyncio.sleep(0.05)  # one question at a time, slower than any rate limit
        text = texts[n * 7 % len(texts)]
        user = FakeBotApi.user(20_000_000 + n, language(text), "User")
        latencies.append(await api.burst([(user, text)], 30) * 1000)
    return {
        "instant": instant,
        "telegram_like": delayed,
        "latency_ms": latencies,
        "rss_after_warmup_mib": ready_rss / 1024,
        "peak_rss_mib": proc_status(process.pid)["VmHWM"] / 1024,
    }


async def run() -> dict[str, Any]:
    texts = questions()
    api = CountingApi()
    url = await api.start()
    results: dict[str, Any] = {}
    smolbot = str(Path(sys.executable).with_name("smolbot"))
    root = Path(__file__).resolve().parents[1]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            kb_path = work / "kb.sqlite3"
            # `smolbot run` as deployed; its first start compiles the knowledge base.
            env = {
                "TELEGRAM_BOT_TOKEN": bots.TOKEN,
                "TELEGRAM_API_BASE_URL": url,
                "DATABASE_PATH": str(work / "run" / "bot.sqlite3"),
                "KB_PATH": str(kb_path),
            }
            starts = []
            for attempt in range(STARTS + 1):
                process, seconds = await start_bot(api, [smolbot, "run"], env, work)
                starts.append((seconds, proc_status(process.pid)["VmRSS"] / 1024))
                if attempt < STARTS:
                    await stop_bot(process)
            try:
                deployed = await measure(api, process, SMALL_BURST_USERS, texts)
            finally:
                await stop_bot(process)
            deployed["first_start_s"] = starts[0][0]
            deployed["start_s"] = [s for s, _ in starts[1:]]
            deployed["rss_at_start_mib"] = [r for _, r in starts[1:]]
            for name, command in (
                ("echo", [sys.executable, "-m", "bench.bots", "echo", url]),
                (
                    "smolbot_unlimited",
                    [
                        sys.executable,
                        "-m",
                        "bench.bots",
                        "smolbot",
                        url,
                        str(work / "unlimited.sqlite3"),
                        str(kb_path),
                    ],
                ),
            ):
                process, _ = await start_bot(api, command, {}, root)
                try:
                    results[name] = await measure(api, process, BURST_USERS, texts)
                finally:
                    await stop_bot(process)
            results["smolbot_run"] = deployed
    finally:
        await api.stop()
    return results


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run())))
