"""Administrators' /stats and /unanswered, and residents talking to an operator."""

from __future__ import annotations

from pathlib import Path

from bot.engine.answer import Engine
from bot.kb.loader import load_dir
from tests.fake_bot_api import Call, FakeBotApi

from .conftest import ADMIN, OPERATORS, running_bot
from .test_chat import buttons, callbacks

RESIDENT = FakeBotApi.user(401, "ru", "Ольга")
OPERATOR = FakeBotApi.user(402, "ru", "Оператор")


async def test_stats(bot: FakeBotApi) -> None:
    for text in ("рейтинг", "паспорт", "как приготовить борщ", "загс"):
        await bot.push_text(RESIDENT, text)
    replies = await bot.wait_sent(RESIDENT["id"], 4)
    vote = next(c for c in callbacks(replies[0].result) if c.endswith(":1"))
    await bot.push_callback(RESIDENT, replies[0].result, vote)
    await bot.wait_for(lambda calls: any(c.method == "answerCallbackQuery" for c in calls))
    await bot.push_text(ADMIN, "/stats")
    (stats,) = await bot.wait_sent(ADMIN["id"])
    text = stats.result["text"]
    assert "Пользователей: 1, подписчиков: 0" in text and "Вопросов сегодня: 4, всего: 4" in text
    assert "Ответов: 50% · уточнений: 25% · без ответа: 25%" in text
    assert "👍 1 · 👎 0" in text and "Место Смоленской области в рейтинге" in text


async def test_unanswered_grouped_and_attached_as_a_new_phrasing(
    fresh_bot: FakeBotApi, tmp_path: Path
) -> None:
    bot = fresh_bot
    asked = [
        "где оформить европротокол",
        "где оформить европротокол?",
        "Где оформить ЕВРОПРОТОКОЛ",
        "европротокол где оформить",
        "как приготовить борщ",
    ]
    for text in asked:
        await bot.push_text(RESIDENT, text)
    replies = await bot.wait_sent(RESIDENT["id"], len(asked))
    assert all("К сожалению" in r.result["text"] for r in replies)
    await bot.push_text(ADMIN, "/unanswered")
    (listing,) = await bot.wait_sent(ADMIN["id"])
    lines = listing.result["text"].splitlines()
    assert lines[1].startswith("1. «где оформить европротокол") and "— 4 раза" in lines[1]
    assert lines[2].startswith("2. «как приготовить борщ»")
    await bot.push_callback(ADMIN, listing.result, buttons(listing.result)[0]["callback_data"])
    likely = (await bot.wait_sent(ADMIN["id"], 2))[1].result
    every = next(b for b in buttons(likely) if b["text"] == "📋 Все темы")
    await bot.push_callback(ADMIN, likely, every["callback_data"])
    groups = (await bot.wait_sent(ADMIN["id"], 3))[2].result
    kb = load_dir(Path(__file__).resolve().parents[2] / "data")
    # The topics come in groups: the rating and figures, then each category of services.
    assert [b["text"] for b in buttons(groups)] == [
        "📂 Рейтинг, цифры и справка",
        *(f"📂 {c.title.ru}" for c in kb.categories),
    ]
    transport = next(b for b in buttons(groups) if b["callback_data"].endswith(":transport"))
    await bot.push_callback(ADMIN, groups, transport["callback_data"])
    choices = (await bot.wait_sent(ADMIN["id"], 4))[3].result
    titles = [b["text"] for b in buttons(choices)]
    assert titles == [*(e.title.ru for e in kb.services("transport")), "📋 Все темы"]
    vehicle = next(
        b for b in buttons(choices) if b["callback_data"].endswith(":vehicle-registration")
    )
    await bot.push_callback(ADMIN, choices, vehicle["callback_data"])
    await bot.wait_for(lambda calls: any(c.method == "editMessageText" for c in calls))

    await bot.push_text(RESIDENT, "где оформить европротокол")  # the bot has learned it
    answer = (await bot.wait_sent(RESIDENT["id"], len(asked) + 1))[-1].result["text"]
    assert answer.startswith("Регистрация автомобиля")
    import sqlite3

    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        assert db.execute("SELECT entry_id, text FROM extra_phrasings").fetchall() == [
            ("vehicle-registration", "где оформить европротокол")
        ]
    await bot.push_text(RESIDENT, "/forget_me")  # the phrasing was the resident's words
    await bot.wait_sent(RESIDENT["id"], len(asked) + 2)
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM extra_phrasings").fetchone() == (0,)
    assert bot.refused == []


async def test_ask_an_operator_and_get_the_reply(bot: FakeBotApi) -> None:
    bot.chats[OPERATORS["id"]] = OPERATORS
    await bot.push_text(RESIDENT, "можно ли <оплатить> пошлину наличными & в кассе?")
    (fallback,) = await bot.wait_sent(RESIDENT["id"])
    ask = next(b for b in buttons(fallback.result) if b["text"] == "🙋 Спросить оператора")
    await bot.push_callback(RESIDENT, fallback.result, ask["callback_data"])
    (forwarded,) = await bot.wait_sent(OPERATORS["id"])
    assert "можно ли <оплатить> пошлину наличными & в кассе?" in forwarded.result["text"]
    operators_message = {**forwarded.result, "from": FakeBotApi.user(7000001)}
    await bot.push(
        "message",
        {
            **bot._message(OPERATOR, "Да, в МФЦ <можно>.", OPERATORS),
            "reply_to_message": operators_message,
        },
    )
    replies = await bot.wait_sent(RESIDENT["id"], 3)
    assert replies[-1].result["text"] == "Ответ оператора:\n\nДа, в МФЦ <можно>."
    confirmation = (await bot.wait_sent(OPERATORS["id"], 2))[-1]
    assert "отправлен" in confirmation.result["text"]
    assert bot.refused == []


async def test_without_operators_there_is_no_operator_button(
    api: FakeBotApi, engine: Engine, tmp_path: Path
) -> None:
    async with running_bot(api, engine, tmp_path / "bot.sqlite3", OPERATORS_CHAT_ID="") as bot:
        await bot.push_text(RESIDENT, "как приготовить борщ")
        (fallback,) = await bot.wait_sent(RESIDENT["id"])
        assert all(b["text"] != "🙋 Спросить оператора" for b in buttons(fallback.result))


async def test_small_talk_is_answered_and_not_left_for_the_editors(bot: FakeBotApi) -> None:
    for text in ("привет", "спасибо!", "что ты умеешь?"):
        await bot.push_text(RESIDENT, text)
    replies = await bot.wait_sent(RESIDENT["id"], 3)
    assert all("📋 Услуги" in {b["text"] for b in buttons(r.result)} for r in replies)
    await bot.push_text(ADMIN, "/unanswered")
    (listing,) = await bot.wait_sent(ADMIN["id"])
    assert listing.result["text"] == "Вопросов без ответа нет."
    assert bot.refused == []


async def ask_and_get_fallback(bot: FakeBotApi, text: str) -> tuple[dict, str]:  # type: ignore[type-arg]
    """The bot's reply to an unanswerable question and its "ask an operator" data."""
    await bot.push_text(RESIDENT, text)
    fallback = (await bot.wait_sent(RESIDENT["id"]))[-1]
    ask = next(b for b in buttons(fallback.result) if b["text"] == "🙋 Спросить оператора")
    return fallback.result, ask["callback_data"]


async def test_a_forged_or_repeated_operator_tap_sends_nothing(bot: FakeBotApi) -> None:
    bot.chats[OPERATORS["id"]] = OPERATORS
    fallback, data = await ask_and_get_fallback(bot, "как приготовить борщ")
    intruder = FakeBotApi.user(403, "ru", "Чужой")
    await bot.push_text(intruder, "привет")
    await bot.wait_sent(intruder["id"])
    await bot.push_callback(intruder, fallback, data)  # someone else's question
    question_id = int(data.split(":")[1])
    for forged in (f"op:{question_id + 50}", "op:" + "9" * 25):  # no such question
        await bot.push_callback(RESIDENT, fallback, forged)
    await bot.wait_for(lambda c: sum(x.method == "answerCallbackQuery" for x in c) == 3)
    assert bot.sent(OPERATORS["id"]) == []
    for _ in range(3):  # the asker's own tap goes once, however often it is tapped
        await bot.push_callback(RESIDENT, fallback, data)
    await bot.wait_for(lambda c: sum(x.method == "answerCallbackQuery" for x in c) == 6)
    assert len(bot.sent(OPERATORS["id"])) == 1
    answers = [c.params.get("text") for c in bot.calls if c.method == "answerCallbackQuery"]
    assert answers.count("Эта кнопка устарела. Задайте вопрос ещё раз.") == 5
    answered = await bot.wait_sent(RESIDENT["id"], 2)  # "sent to an operator", once
    assert len(answered) == 2 and bot.refused == []


async def test_a_long_question_reaches_the_operators_and_a_long_reply_the_resident(
    bot: FakeBotApi,
) -> None:
    bot.chats[OPERATORS["id"]] = OPERATORS
    long_question = "как приготовить борщ & <щи> " * 150  # 4,200 characters with the markup
    fallback, data = await ask_and_get_fallback(bot, long_question[:4000])
    await bot.push_callback(RESIDENT, fallback, data)
    await bot.wait_for(lambda _: "Ответьте" in joined(bot.sent(OPERATORS["id"])))
    parts = bot.sent(OPERATORS["id"])
    assert len(parts) > 1 and joined(parts).count("<щи>") == long_question[:4000].count("<щи>")
    reply = "Борщ — не наша тема, но <вот> ответ & подробности. " * 90  # 4,500 characters
    await bot.push(
        "message",
        {
            **bot._message(OPERATOR, reply, OPERATORS),
            "reply_to_message": {**parts[-1].result, "from": FakeBotApi.user(7000001)},
        },
    )
    await bot.wait_for(lambda _: joined(bot.sent(RESIDENT["id"])).count("<вот>") == 90)
    got = bot.sent(RESIDENT["id"])  # the fallback, "sent to an operator", then the reply
    assert len(got) > 3 and got[2].result["text"].startswith("Ответ оператора:")
    assert bot.refused == []


def joined(calls: list[Call]) -> str:
    return "".join(c.result["text"] for c in calls)


async def test_an_edited_operator_reply_is_not_sent_twice(bot: FakeBotApi) -> None:
    bot.chats[OPERATORS["id"]] = OPERATORS
    fallback, data = await ask_and_get_fallback(bot, "как приготовить борщ")
    await bot.push_callback(RESIDENT, fallback, data)
    (forwarded,) = await bot.wait_sent(OPERATORS["id"])
    reply = {
        **bot._message(OPERATOR, "Не знаю.", OPERATORS),
        "reply_to_message": {**forwarded.result, "from": FakeBotApi.user(7000001)},
    }
    await bot.push("message", reply)
    await bot.wait_sent(RESIDENT["id"], 3)
    await bot.push("edited_message", {**reply, "text": "Не знаю, спросите в МФЦ.", "edit_date": 1})
    notes = await bot.wait_sent(OPERATORS["id"], 3)
    assert "Правка не отправлена" in notes[-1].result["text"]
    assert len(bot.sent(RESIDENT["id"])) == 3
