"""Telegram having a bad moment: a reply that meets a 5xx is sent once Telegram recovers."""

from __future__ import annotations

import time

import pytest

from tests.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.slow  # Telegram answers 502 for 8 seconds


async def test_questions_asked_while_sending_fails_are_answered_after_it_recovers(
    bot: FakeBotApi,
) -> None:
    bot.failing_until = time.monotonic() + 8
    residents = [FakeBotApi.user(700 + n, "ru") for n in range(5)]
    for resident in residents:
        await bot.push_text(resident, "как зарегистрировать брак")
    for resident in residents:
        (reply,) = await bot.wait_sent(resident["id"], timeout=25)
        assert reply.at >= bot.failing_until
        assert "брак" in reply.result["text"].lower()
    assert {c.error for c in bot.refused} == {"Bad Gateway"}
