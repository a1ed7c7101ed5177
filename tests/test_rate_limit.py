"""The rate limiter's decisions, without Telegram: whom a 429 pauses, what is retried."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.channels.telegram.rate_limit import PerChatRateLimiter


async def call(limiter: PerChatRateLimiter, chat: int | None, outcomes: list[Any]) -> Any:
    """A request whose successive attempts raise or return `outcomes` in turn."""

    async def attempt() -> Any:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    data = {} if chat is None else {"chat_id": chat}
    return await limiter.process_request(attempt, (), {}, "sendMessage", data, None)


async def test_a_429_pauses_its_chat_and_no_other() -> None:
    limiter = PerChatRateLimiter()
    paused = asyncio.create_task(call(limiter, -100, [RetryAfter(2), True]))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    assert await call(limiter, 42, [True]) is True
    assert time.monotonic() - started < 0.5
    assert not paused.done()
    assert await paused is True


async def test_a_429_on_a_call_to_no_chat_delays_that_call_only() -> None:
    limiter = PerChatRateLimiter()  # answering a button: Telegram limits it per user
    started = time.monotonic()
    paused = asyncio.create_task(call(limiter, None, [RetryAfter(1), True]))
    await asyncio.sleep(0.1)
    assert await call(limiter, 42, [True]) is True
    assert time.monotonic() - started < 0.5
    assert await paused is True and time.monotonic() - started > 0.9


async def test_transient_errors_are_retried_until_the_time_runs_out() -> None:
    limiter = PerChatRateLimiter(retry_for=2)
    assert await call(limiter, 42, [NetworkError("Bad Gateway"), TimedOut(), "sent"]) == "sent"
    with pytest.raises(NetworkError):
        await call(limiter, 42, [NetworkError("Bad Gateway")] * 10)


async def test_what_telegram_refused_is_not_retried() -> None:
    limiter = PerChatRateLimiter()
    outcomes: list[Any] = [BadRequest("message is too long"), "sent"]
    with pytest.raises(BadRequest):
        await call(limiter, 42, outcomes)
    assert outcomes == ["sent"]
