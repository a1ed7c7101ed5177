"""What Telegram shows around the conversation (menus, descriptions), the parse mode every
message gets from PTB's Defaults, and failures reported to the administrators."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.engine.answer import Engine
from handlers import routes
from handlers.turn import Turn
from tests.fake_bot_api import FakeBotApi

from .conftest import ADMIN, TOKEN, running_bot
from .test_chat import buttons

RESIDENT = FakeBotApi.user(411, "ru", "Пётр")
ADMIN_ONLY = {"stats", "unanswered", "broadcast", "broadcast_status", "broadcast_cancel"}


def names(commands: list[dict[str, str]]) -> set[str]:
    return {c["command"] for c in commands}


async def test_menus_for_residents_and_for_each_admin_in_ru_and_en_and_descriptions(
    bot: FakeBotApi,
) -> None:
    for lang in ("", "ru", "en"):
        residents = bot.menus[("all_private_chats", lang)]
        assert {"start", "rank", "services", "forget_me"} <= names(residents)
        assert not names(residents) & ADMIN_ONLY  # no administrator's command for residents
        admin = bot.menus[(f"chat:{ADMIN['id']}", lang)]
        assert names(admin) == names(residents) | ADMIN_ONLY
    assert bot.menus[("all_private_chats", "en")][0]["description"] == "Start and menu"
    assert bot.menus[("all_private_chats", "ru")][0]["description"] == "Начало и меню"
    assert set(bot.descriptions) == set(bot.short_descriptions) == {"", "ru", "en"}
    assert "Смоленской" in bot.descriptions["ru"] and "Smolensk" in bot.descriptions["en"]
    assert bot.refused == []


async def test_an_admin_who_never_opened_the_bot_does_not_stop_it(
    api: FakeBotApi, engine: Engine, tmp_path: Path
) -> None:
    """Telegram refuses a menu for a chat it does not know; the bot starts all the same."""
    stranger = 987654
    async with running_bot(
        api, engine, tmp_path / "bot.sqlite3", ADMIN_IDS=f"{ADMIN['id']},{stranger}"
    ) as bot:
        await bot.push_text(RESIDENT, "/start")
        assert await bot.wait_sent(RESIDENT["id"])
        assert (f"chat:{stranger}", "ru") not in bot.menus
        assert (f"chat:{ADMIN['id']}", "ru") in bot.menus


async def test_the_confirmation_after_attaching_a_question_shows_its_ampersand(
    fresh_bot: FakeBotApi,
) -> None:
    bot = fresh_bot
    await bot.push_text(RESIDENT, "как приготовить борщ & <щи>")
    await bot.wait_sent(RESIDENT["id"])
    await bot.push_text(ADMIN, "/unanswered")
    (listing,) = await bot.wait_sent(ADMIN["id"])
    await bot.push_callback(ADMIN, listing.result, buttons(listing.result)[0]["callback_data"])
    shown = 2
    keyboard = (await bot.wait_sent(ADMIN["id"], shown))[-1].result
    while not buttons(keyboard)[0]["callback_data"].startswith("ua:"):  # via "all topics"
        choice = buttons(keyboard)[-1 if shown == 2 else 0]["callback_data"]
        await bot.push_callback(ADMIN, keyboard, choice)
        shown += 1
        keyboard = (await bot.wait_sent(ADMIN["id"], shown))[-1].result
    await bot.push_callback(ADMIN, keyboard, buttons(keyboard)[0]["callback_data"])
    await bot.wait_for(lambda calls: any(c.method == "editMessageText" for c in calls))
    edit = next(c for c in bot.calls if c.method == "editMessageText")
    assert edit.result["text"].startswith("«как приготовить борщ & <щи>» теперь формулировка")
    assert bot.refused == []


async def test_an_error_in_a_flow_reaches_the_errors_chat_redacted_and_once_a_minute(
    bot: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:

    async def broken(turn: Turn) -> None:
        raise RuntimeError(f"the share flow broke (token {TOKEN})")

    monkeypatch.setitem(routes.COMMANDS, "share", broken)
    long_text = "/share " + "очень длинный вопрос " * 30
    await bot.push_text(RESIDENT, long_text)
    (apology,) = await bot.wait_sent(RESIDENT["id"])
    assert "пошло не так" in apology.result["text"]
    (report,) = await bot.wait_sent(ADMIN["id"])  # ERRORS_CHAT_ID unset: the first admin
    text = report.result["text"]
    assert "RuntimeError" in text and "the share flow broke" in text
    assert TOKEN not in text and TOKEN.split(":")[1] not in text
    quoted = re.search(r"Текст: «(.*)»", text, re.DOTALL)
    assert quoted is not None and len(quoted[1]) <= 201  # 200 characters and an ellipsis
    await bot.push_text(RESIDENT, "/share again")  # the same error within the minute
    await bot.wait_sent(RESIDENT["id"], 2)
    await bot.push_text(RESIDENT, "/start")
    await bot.wait_sent(RESIDENT["id"], 3)
    assert len(bot.sent(ADMIN["id"])) == 1
