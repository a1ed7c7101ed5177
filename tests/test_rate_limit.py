"""The rate limiter's decisions, without Telegram: whom a 429 pauses, what is retried."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.channels.telegram.rate_limit import ONE_TRY, PerChatRateLimiter


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


async def test_a_broadcast_send_is_tried_once_and_its_failure_goes_back_to_the_worker() -> None:
    """The broadcast worker paces and retries its own sends (and waits out a 429 for all of
    them); retrying inside the limiter too would hold a delivery for a minute on a 502."""
    limiter = PerChatRateLimiter()

    async def once(outcomes: list[Any]) -> Any:
        async def attempt() -> Any:
            outcome = outcomes.pop(0)
            if isinstance(outcome, Exception):
                raise outcome
            return outcome

        data = {"chat_id": 42}
        return await limiter.process_request(attempt, (), {}, "sendMessage", data, ONE_TRY)

    started = time.monotonic()
    with pytest.raises(NetworkError):
        await once([NetworkError("Bad Gateway"), True])
    with pytest.raises(RetryAfter):
        await once([RetryAfter(5), True])
    assert time.monotonic() - started < 0.5
    assert await call(limiter, 7, [True]) is True  # the 429 paused chat 42, not everyone
