"""Where the bot's CPU goes while it answers: `python -m bench.profile [TOP]`.

Starts smolbot's Application (no rate limiter) against the fake Bot API, sends it bursts of
questions from many users, and samples it with py-spy (`--gil`: only the thread holding the
GIL, so waiting does not count). Prints the functions holding the most samples, callees
included. This is how the slow paths in docs/BENCHMARKS.md were found.
"""

from __future__ import annotations

import asyncio
import collections
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.e2e import BURST_USERS, CountingApi, burst_of, questions, start_bot, stop_bot

ROUNDS = 3


def inclusive_shares(raw: Path) -> tuple[int, list[tuple[str, float]]]:
    """py-spy's raw (collapsed stack) output -> total samples, (function, share incl. callees)."""
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        samples = int(number)
        total += samples
        for name in {re.sub(r" \(.*", "", frame) for frame in stack.split(";")}:
            counts[name] += samples
    return total, [(name, n / total) for name, n in counts.most_common()]


async def profile(raw: Path) -> list[float]:
    texts = questions()
    api = CountingApi()
    url = await api.start()
    rates = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            command = [
                sys.executable,
                "-m",
                "bench.bots",
                "smolbot",
                url,
                f"{tmp}/bot.sqlite3",
                f"{tmp}/kb.sqlite3",
            ]
            bot, _ = await start_bot(api, command, {}, Path.cwd())
            await api.burst(burst_of(10_000_000, 50, texts), 120)  # warm-up
            py_spy = str(Path(sys.executable).with_name("py-spy"))
            record = ["record", "--gil", "--rate", "200", "--format", "raw"]
            spy = subprocess.Popen(
                [py_spy, *record, "--output", str(raw), "--pid", str(bot.pid)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            await asyncio.sleep(1)
            for round_ in range(ROUNDS):
                messages = burst_of(1_000_000 * (round_ + 1), BURST_USERS, texts)
                rates.append(len(messages) / await api.burst(messages, 600))
            spy.send_signal(2)  # SIGINT: py-spy writes what it has
            _, errors = await asyncio.to_thread(spy.communicate)
            await stop_bot(bot)
            if spy.returncode not in (0, -2) or not raw.exists():
                raise RuntimeError(f"py-spy failed: {errors.decode()[-500:]}")
    finally:
        await api.stop()
    return rates


def main() -> int:
    top = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    if shutil.which("py-spy", path=str(Path(sys.executable).parent)) is None:
        print("bench.profile: py-spy is missing; `make bench` installs it (the bench extra)")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "profile.txt"
        rates = asyncio.run(profile(raw))
        total, shares = inclusive_shares(raw)
    print(f"replies/s while sampled: {', '.join(f'{r:.0f}' for r in rates)}")
    print(f"{total} samples of the thread holding the GIL; share including callees:")
    for name, share in shares[:top]:
        print(f"{share:6.1%}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
