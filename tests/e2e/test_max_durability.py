"""MAX's receipt across restarts and refusals: the marker is stored with the updates, so what
came while the bot was down is answered after the restart, and a batch MAX delivers again is
answered once; a 429 or a 502 from MAX is waited out."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.engine.answer import Engine
from tests.fake_bot_api import FakeBotApi
from tests.fake_max_api import FakeMaxApi

from .conftest import MAX_ADMIN_ID, max_env, running_bot
from .test_max import Bots, buttons, text, within_limits

# A restart that must wait out MAX's 2 polls a second, and a poll's 1 s backoff after a 502.
pytestmark = pytest.mark.slow


async def one_answered_run(
    api: FakeBotApi,
    max_api: FakeMaxApi,
    engine: Engine,
    database: Path,
    user: dict[str, Any],
    question: str,
) -> None:
    """The bot started over `database`, `user`'s `question` answered on MAX, the bot stopped."""
    async with running_bot(api, engine, database, **max_env(max_api)):
        await max_api.wait_polling()
        await max_api.push_text(user, question)
        await max_api.wait_sent(max_api.dialog(user["user_id"]))
        await max_api.end_long_polls()


async def test_what_came_while_down_is_answered_once_after_a_restart(
    api: FakeBotApi, max_api: FakeMaxApi, engine: Engine, tmp_path: Path
) -> None:
    database = tmp_path / "bot.sqlite3"
    anna = max_api.user(301, "ru")
    chat = max_api.dialog(301)
    await one_answered_run(api, max_api, engine, database, anna, "загс")
    await max_api.push_text(anna, "сколько стоит загранпаспорт")  # while the bot is down
    await max_api.push_text(anna, "/rank 2019")
    # A real restart takes seconds; within one, the new process's polls and the old one's
    # would be 3 in a second, over MAX's limit.
    await asyncio.sleep(1.1)
    async with running_bot(api, engine, database, **max_env(max_api)):
        replies = await max_api.wait_sent(chat, 3)
        assert "6000 ₽" in text(replies[1]) and "2019" in text(replies[2])
        max_api.redeliver_from(0)  # MAX sends all three again...
        polls = max_api.polls
        await max_api.end_long_polls()  # ...with the answer to the poll waiting now
        await max_api.wait_for_poll(polls + 1)  # the bot took them and polls again
        await max_api.end_long_polls()
    assert len(max_api.sent(chat)) == 3  # nothing answered twice
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM max_inbox WHERE done = 0").fetchone() == (0,)
        assert db.execute("SELECT body FROM max_inbox").fetchall() == [("",)] * 3  # no words
    within_limits(max_api)


async def test_a_429_and_a_502_from_max_are_waited_out(both: Bots) -> None:
    _, max_api = both
    anna = max_api.user(301, "ru")
    max_api.fail_next("POST /messages", 429, "too.many.requests", "Too many requests")
    await max_api.push_text(anna, "загс")
    (reply,) = await max_api.wait_sent(max_api.dialog(301))
    assert "Регистрация брака" in text(reply)
    max_api.fail_next("GET /updates", 502)
    await max_api.end_long_polls()  # the next poll meets the 502
    await max_api.wait_for(
        lambda calls: any(c.method == "GET /updates" and c.status == 502 for c in calls)
    )
    await max_api.wait_polling(timeout=15)  # polling again after its backoff
    await max_api.push_text(anna, "паспорт")
    await max_api.wait_sent(max_api.dialog(301), 2, timeout=15)
    assert max_api.violations == []


async def test_after_a_restart_a_broadcast_is_paced_in_the_residents_dialog(
    api: FakeBotApi, max_api: FakeMaxApi, engine: Engine, tmp_path: Path
) -> None:
    """Subscribers are kept by user id; the dialog their replies go to is remembered, so a
    broadcast and a reply to the same resident count as one chat's 2 a second."""
    database = tmp_path / "bot.sqlite3"
    anna = max_api.user(301, "ru")
    chat = max_api.dialog(301)
    await one_answered_run(api, max_api, engine, database, anna, "/subscribe")
    await asyncio.sleep(1.1)  # see above
    async with running_bot(api, engine, database, **max_env(max_api)):
        await max_api.wait_polling()
        admin = max_api.user(MAX_ADMIN_ID, "ru")
        await max_api.push_text(admin, "/broadcast Новость")
        confirmation = (await max_api.wait_sent(max_api.dialog(MAX_ADMIN_ID), 2))[1]
        go = next(b for label, b in buttons(max_api, confirmation).items() if "✅" in label)
        await max_api.push_callback(admin, FakeMaxApi.mid(confirmation), go["payload"])
        (_, news) = await max_api.wait_sent(chat, 2)
        await max_api.end_long_polls()
    assert news.query == {"chat_id": str(chat)} and text(news) == "Новость"
    within_limits(max_api)
