"""A user flooding the bot is told once to slow down and ignored; others are answered."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bot.engine.answer import Engine
from bot.flood import FloodGuard
from tests.fake_bot_api import FakeBotApi

from .conftest import running_bot

FLOODER = FakeBotApi.user(601, "ru")
NEIGHBOUR = FakeBotApi.user(602, "en")


async def test_a_flood_from_one_user_does_not_hold_up_another(
    api: FakeBotApi, engine: Engine, tmp_path: Path
) -> None:
    guard = FloodGuard(burst=5, window=2.0, mute=30.0)
    async with running_bot(api, engine, tmp_path / "bot.sqlite3", flood=guard) as bot:
        for i in range(40):
            await bot.push_text(FLOODER, f"рейтинг {i}")
        asked = time.monotonic()
        await bot.push_text(NEIGHBOUR, "how much does a foreign passport cost")
        (reply,) = await bot.wait_sent(NEIGHBOUR["id"])
        waited = time.monotonic() - asked
        await bot.wait_for(
            lambda _: any("Слишком много" in c.result["text"] for c in bot.sent(FLOODER["id"]))
        )
        flooder_replies = [c.result["text"] for c in bot.sent(FLOODER["id"])]
    assert "6,000 ₽" in reply.result["text"] and waited < 2.0
    assert len(flooder_replies) == 6  # five answers, then one "slow down", then silence
    assert sum("Слишком много" in text for text in flooder_replies) == 1


def test_the_guard_forgives_after_the_mute_and_keeps_memory_bounded() -> None:
    guard = FloodGuard(burst=3, window=1.0, mute=10.0)
    assert [guard.check(1, now=t / 10) for t in range(5)] == ["ok", "ok", "ok", "warn", "drop"]
    assert guard.check(1, now=20.0) == "ok"  # the mute is over
    assert guard.check(2, now=0.0) == "ok"  # others were never affected
    for user_id in range(100, 20_100):
        guard.check(user_id, now=30.0)
    assert len(guard._recent) <= 10_000


async def test_button_taps_count_against_the_flood_limit_and_are_all_answered(
    api: FakeBotApi, engine: Engine, tmp_path: Path
) -> None:
    guard = FloodGuard(burst=5, window=2.0, mute=30.0)
    async with running_bot(api, engine, tmp_path / "bot.sqlite3", flood=guard) as bot:
        await bot.push_text(FLOODER, "паспорт")  # a clarifying question: each tap, an answer
        (reply,) = await bot.wait_sent(FLOODER["id"])
        pick = reply.result["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        assert pick.startswith("t:")
        for _ in range(20):
            await bot.push_callback(FLOODER, reply.result, pick)
        await bot.wait_for(lambda c: sum(x.method == "answerCallbackQuery" for x in c) == 20)
        await asyncio.sleep(0.3)
        answers = [c.params.get("text") for c in bot.calls if c.method == "answerCallbackQuery"]
        taken = len(bot.sent(FLOODER["id"])) - 1
    assert taken == 4  # the first message and four taps make five; the rest are not handled
    assert sum(bool(a) and "Слишком много" in a for a in answers) == 1
