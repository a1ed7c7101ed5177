"""`smolbot run` killed or stopped in the middle of a burst: every question is answered in the end.

The bot paces its replies at Telegram's 30 a second, so two seconds into a burst of 200 most
questions have been fetched (and confirmed to Telegram) but not answered.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.fake_bot_api import FakeBotApi

from .conftest import TOKEN
from .test_run import finish, run_env, start_bot

QUESTIONS = (
    "как зарегистрировать брак",
    "как получить охотничий билет",
    "сколько смолян на госуслугах",
)


async def ask_burst(api: FakeBotApi, users: range) -> None:
    for n in users:
        await api.push_text(FakeBotApi.user(n, "ru"), QUESTIONS[n % len(QUESTIONS)])


def replies_per_user(api: FakeBotApi, users: range) -> Counter[int]:
    sent = Counter(int(c.params["chat_id"]) for c in api.sent())
    return Counter({user: sent[user] for user in users})


async def wait_until_polling(api: FakeBotApi, process: asyncio.subprocess.Process) -> None:
    """The bot is up once it has set its commands (post_init) and asked for updates."""
    await api.wait_for(lambda calls: any(c.method == "setMyCommands" for c in calls), 60)
    await asyncio.sleep(0.5)
    assert process.returncode is None


async def restart_until_all_answered(
    api: FakeBotApi, env: dict[str, str], cwd: Path, users: range, timeout: float
) -> str:
    """Start the bot again, wait until every user has a reply, stop it; its output."""
    process = await start_bot(env, cwd)
    try:
        await api.wait_for(lambda _: all(replies_per_user(api, users).values()), timeout)
    finally:
        process.send_signal(signal.SIGTERM)
        logs = await finish(process, cwd)
    return logs


@pytest.mark.slow  # a burst of 200, kill -9, a restart: ~10 s
async def test_after_kill_9_every_question_is_answered_after_the_restart(
    api: FakeBotApi, tmp_path: Path
) -> None:
    env = run_env(api, tmp_path, TOKEN)
    users = range(10_000, 10_200)
    process = await start_bot(env, tmp_path)
    await wait_until_polling(api, process)
    await ask_burst(api, users)
    await asyncio.sleep(2)
    process.kill()
    await process.wait()
    before = sum(replies_per_user(api, users).values())
    assert before < len(users)  # the kill came mid-burst

    logs = await restart_until_all_answered(api, env, tmp_path, users, 60)
    counts = replies_per_user(api, users)
    assert min(counts.values()) >= 1, logs
    assert sum(n - 1 for n in counts.values()) <= 30  # answered twice: replies in flight
    assert "Traceback" not in logs
    assert not [c for c in api.refused if c.method == "sendMessage"]
    with sqlite3.connect(env["DATABASE_PATH"]) as db:  # each question logged once, as sent
        assert db.execute("SELECT count(*), sum(sent) FROM questions").fetchone() == (200, 200)
        assert db.execute("SELECT count(*) FROM inbox WHERE done = 0").fetchone() == (0,)


async def test_an_update_delivered_twice_is_answered_once(bot: FakeBotApi) -> None:
    user = FakeBotApi.user(30_000, "ru")
    await bot.push_text(user, "как зарегистрировать брак")
    await bot.wait_sent(user["id"])
    again = {"update_id": 1, "message": bot._message(user, "как зарегистрировать брак", None)}
    await bot.redeliver(again)
    await bot.wait_for(
        lambda calls: any(c.method == "getUpdates" and c.result == [again] for c in calls)
    )
    await bot.push_text(user, "как получить охотничий билет")
    replies = await bot.wait_sent(user["id"], 2)
    await asyncio.sleep(0.3)
    assert len(bot.sent(user["id"])) == 2 and "охот" in replies[1].result["text"].lower()


@pytest.mark.slow  # 900 questions answered at Telegram's 30 a second: ~30 s
async def test_a_stop_is_quick_however_long_the_queue_and_the_rest_is_answered_after(
    api: FakeBotApi, tmp_path: Path
) -> None:
    env = run_env(api, tmp_path, TOKEN)
    users = range(20_000, 20_900)  # 30 seconds of replies at Telegram's pace
    process = await start_bot(env, tmp_path)
    await wait_until_polling(api, process)
    await ask_burst(api, users)
    await api.wait_for(lambda _: len(api.sent()) >= 30, 30)
    stopped_at = time.monotonic()
    process.send_signal(signal.SIGTERM)
    logs = await finish(process, tmp_path)
    assert process.returncode == 0, logs
    assert time.monotonic() - stopped_at < 10  # systemd allows 30 s (TimeoutStopSec)
    assert min(replies_per_user(api, users).values()) == 0  # the rest waits for the next start

    logs = await restart_until_all_answered(api, env, tmp_path, users, 90)
    assert max(replies_per_user(api, users).values()) == 1, logs  # a clean stop repeats nothing
    assert "Traceback" not in logs
