"""Many residents at once: one slow chat holds up no one else, and one chat's messages are
answered in the order they were sent."""

from __future__ import annotations

import time

from tests.fake_bot_api import FakeBotApi

SLOW = FakeBotApi.user(301, "ru")
QUICK = FakeBotApi.user(302, "ru")


async def test_a_slow_chat_does_not_hold_up_another(bot: FakeBotApi) -> None:
    bot.delays[SLOW["id"]] = [2.0]  # Telegram takes two seconds to accept this reply
    await bot.push_text(SLOW, "как получить охотничий билет")
    await bot.push_text(QUICK, "как зарегистрировать брак")
    started = time.monotonic()
    (quick,) = await bot.wait_sent(QUICK["id"], timeout=5)
    assert time.monotonic() - started < 1.5
    assert bot.sent(SLOW["id"]) == []
    (slow,) = await bot.wait_sent(SLOW["id"], timeout=5)
    assert "охот" in slow.result["text"].lower() and "брак" in quick.result["text"].lower()


async def test_one_chats_messages_are_answered_in_order(bot: FakeBotApi) -> None:
    # Each reply is accepted faster than the one before: handled all at once, they would
    # arrive in reverse.
    bot.delays[SLOW["id"]] = [0.6, 0.3, 0.0]
    for question in (
        "как получить охотничий билет",
        "как зарегистрировать брак",
        "как заменить паспорт в 45 лет",
    ):
        await bot.push_text(SLOW, question)
    replies = await bot.wait_sent(SLOW["id"], count=3, timeout=10)
    texts = [r.result["text"].lower() for r in replies]
    assert "охот" in texts[0] and "брак" in texts[1] and "45" in texts[2]
    assert bot.refused == []
