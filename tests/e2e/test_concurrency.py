"""Many residents at once: one slow chat holds up no one else, and one chat's messages are
answered in the order they were sent."""

from __future__ import annotations

import time

from tests.fake_bot_api import BOT_USER, FakeBotApi

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


GROUP = {"id": -100777, "type": "supergroup", "title": "Смоленск онлайн"}
MENTION = f"@{BOT_USER['username']}"


async def test_a_429_for_one_chat_delays_only_that_chat(bot: FakeBotApi) -> None:
    bot.flood_once[GROUP["id"]] = 30  # the group's reply earns "retry after 30"
    await bot.push_text(SLOW, f"{MENTION} как получить охотничий билет", GROUP)
    await bot.wait_for(lambda calls: any(c.error and "retry after" in c.error for c in calls))
    started = time.monotonic()
    await bot.push_text(QUICK, "как зарегистрировать брак")
    (reply,) = await bot.wait_sent(QUICK["id"], timeout=3)
    assert time.monotonic() - started < 3 and "брак" in reply.result["text"].lower()
    assert bot.sent(GROUP["id"]) == []  # the group waits out its 30 seconds


async def test_a_busy_group_holds_up_no_private_chat(bot: FakeBotApi) -> None:
    for n in range(100):  # more than the bot may send to one group in five minutes
        member = FakeBotApi.user(4000 + n, "ru")
        await bot.push_text(member, f"{MENTION} как получить охотничий билет", GROUP)
    residents = [FakeBotApi.user(6000 + n, "ru") for n in range(20)]
    asked = {}
    for resident in residents:
        await bot.push_text(resident, "как зарегистрировать брак")
        asked[resident["id"]] = time.monotonic()
    for resident in residents:
        (reply,) = await bot.wait_sent(resident["id"], timeout=3)
        assert reply.at - asked[resident["id"]] < 3
        assert "брак" in reply.result["text"].lower()
    assert len(bot.sent(GROUP["id"])) <= 20
    assert not [c for c in bot.refused if int(c.params.get("chat_id", 0)) > 0]
