"""A resident's conversation with the bot, end to end through the fake Bot API."""

from __future__ import annotations

from typing import Any

from tests.fake_bot_api import FakeBotApi

RU = FakeBotApi.user(101, "ru")
EN = FakeBotApi.user(202, "en-GB", "John")


def buttons(call_result: dict[str, Any]) -> list[dict[str, Any]]:
    markup = call_result.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def callbacks(call_result: dict[str, Any]) -> list[str]:
    return [b["callback_data"] for b in buttons(call_result) if "callback_data" in b]


async def test_start_greets_in_russian_with_a_menu_and_commands_are_registered(
    bot: FakeBotApi,
) -> None:
    await bot.push_text(RU, "/start")
    (reply,) = await bot.wait_sent(RU["id"])
    assert "Здравствуйте" in reply.result["text"]
    assert {"m:rank", "m:share", "m:svc", "m:sub"} <= set(callbacks(reply.result))
    assert {c["command"] for c in bot.commands["ru"]} >= {"start", "rank", "share", "services"}
    assert bot.commands["en"][0]["description"] == "Start and menu"
    assert bot.refused == []


async def test_start_in_english_for_an_english_telegram(bot: FakeBotApi) -> None:
    await bot.push_text(EN, "/start")
    (reply,) = await bot.wait_sent(EN["id"])
    assert reply.result["text"].startswith("Hello")
    assert any(b["text"] == "📊 Rating" for b in buttons(reply.result))


async def test_free_text_answer_cites_its_source_and_can_be_voted_on(bot: FakeBotApi) -> None:
    await bot.push_text(RU, "какое место заняла смоленская область в рейтинге")
    (reply,) = await bot.wait_sent(RU["id"])
    text = reply.result["text"]
    assert "4-е место" in text and "Источники:" in text and "nesluhi.info, 2020" in text
    assert "<blockquote expandable>" in reply.params["text"]
    votes = [c for c in callbacks(reply.result) if c.startswith("v:")]
    assert len(votes) == 2
    await bot.push_callback(RU, reply.result, votes[0])
    await bot.wait_for(lambda calls: any(c.method == "answerCallbackQuery" for c in calls))
    answered = [c for c in bot.calls if c.method == "answerCallbackQuery"]
    assert answered[-1].params["text"] == "Спасибо за оценку!"
    assert bot.refused == []


async def test_clarify_then_tap_a_title(bot: FakeBotApi) -> None:
    await bot.push_text(RU, "паспорт")
    (clarify,) = await bot.wait_sent(RU["id"])
    titles = [b["text"] for b in buttons(clarify.result)]
    assert "Оформление загранпаспорта" in titles and len(titles) <= 3
    pick = next(b for b in buttons(clarify.result) if b["text"] == "Оформление загранпаспорта")
    await bot.push_callback(RU, clarify.result, pick["callback_data"])
    replies = await bot.wait_sent(RU["id"], 2)
    assert replies[1].result["text"].startswith("Оформление загранпаспорта")
    assert "Госпошлина" in {b["text"] for b in buttons(replies[1].result)}


async def test_a_new_question_after_a_clarify_is_a_new_question(bot: FakeBotApi) -> None:
    await bot.push_text(RU, "паспорт")
    await bot.wait_sent(RU["id"])
    await bot.push_text(RU, "1")
    replies = await bot.wait_sent(RU["id"], 2)
    assert "К сожалению" in replies[1].result["text"]  # "1" is not a pick


async def test_service_card_and_its_follow_ups(bot: FakeBotApi) -> None:
    await bot.push_text(RU, "/services")
    (listing,) = await bot.wait_sent(RU["id"])
    hunting = next(b for b in buttons(listing.result) if b["text"] == "Охота и оружие")
    await bot.push_callback(RU, listing.result, hunting["callback_data"])
    category = (await bot.wait_sent(RU["id"], 2))[1].result
    licence = next(b for b in buttons(category) if b["text"] == "Получение охотничьего билета")
    await bot.push_callback(RU, category, licence["callback_data"])
    card = (await bot.wait_sent(RU["id"], 3))[2].result
    assert "Как подать онлайн" in card["text"] and "16" not in card["text"].split("Как подать")[0]
    follow_ups = {b["text"]: b for b in buttons(card)}
    assert {"Документы", "Госпошлина", "Сроки", "Лично и в МФЦ"} <= set(follow_ups)
    assert follow_ups["Открыть Госуслуги"]["url"] == "https://www.gosuslugi.ru"
    await bot.push_callback(RU, card, follow_ups["Сроки"]["callback_data"])
    section = (await bot.wait_sent(RU["id"], 4))[3].result["text"]
    assert "5 рабочих дней" in section and "Источник" in section
    assert bot.refused == []


async def test_a_question_about_the_fee_leads_with_the_fee(bot: FakeBotApi) -> None:
    await bot.push_text(RU, "сколько стоит загранпаспорт")
    (reply,) = await bot.wait_sent(RU["id"])
    text = reply.result["text"]
    assert "Госпошлина:" in text and "6000 ₽" in text
    assert "Госпошлина" not in {b["text"] for b in buttons(reply.result)}  # already shown
    assert "Документы" in {b["text"] for b in buttons(reply.result)}
    assert bot.refused == []


async def test_small_talk_gets_what_the_bot_can_do_and_the_menu(bot: FakeBotApi) -> None:
    await bot.push_text(RU, "Добрый день!")
    await bot.push_text(RU, "спасибо большое")
    greeting, thanks = await bot.wait_sent(RU["id"], 2)
    assert greeting.result["text"].startswith("Здравствуйте!")
    assert thanks.result["text"].startswith("Пожалуйста")
    for reply in (greeting, thanks):
        assert "41 инструкция" in reply.result["text"]
        assert "📊 Рейтинг" in {b["text"] for b in buttons(reply.result)}
    assert bot.refused == []


async def test_a_bare_category_word_lists_its_services(bot: FakeBotApi) -> None:
    await bot.push_text(RU, "налоги")
    (reply,) = await bot.wait_sent(RU["id"])
    titles = {b["text"] for b in buttons(reply.result)}
    assert reply.result["text"].startswith("Налоги и имущество")
    assert {"Уплата имущественных налогов", "Выписка из ЕГРН"} <= titles
    assert bot.refused == []


async def test_english_question_gets_an_english_answer(bot: FakeBotApi) -> None:
    await bot.push_text(RU, "How much does marriage registration cost?")
    (reply,) = await bot.wait_sent(RU["id"])
    assert "350 ₽" in reply.result["text"] and "Source" in reply.result["text"]


async def test_rank_share_and_language(bot: FakeBotApi) -> None:
    await bot.push_text(RU, "/rank калужская")
    await bot.push_text(RU, "/rank 1812 наполеон")
    await bot.push_text(RU, "/share")
    await bot.push_text(RU, "/language")
    replies = await bot.wait_sent(RU["id"], 4)
    assert "23-е место" in replies[0].result["text"]
    assert "Примеры: /rank" in replies[1].result["text"]
    assert "86%" in replies[2].result["text"]
    await bot.push_callback(RU, replies[3].result, "l:en")
    await bot.wait_for(lambda calls: any(c.method == "editMessageText" for c in calls))
    await bot.push_text(RU, "/help")
    help_reply = (await bot.wait_sent(RU["id"], 5))[4]
    assert help_reply.result["text"].startswith("What I can do")
    assert bot.refused == []


async def test_non_text_and_edited_messages_get_a_polite_reply(bot: FakeBotApi) -> None:
    sticker = {
        "file_id": "s1",
        "file_unique_id": "u1",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
    await bot.push_message(RU, sticker=sticker)
    await bot.push_message(
        RU, photo=[{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
    )
    await bot.push_message(RU, voice={"file_id": "v", "file_unique_id": "v", "duration": 1})
    await bot.push_edit(RU, "исправленный вопрос")
    replies = await bot.wait_sent(RU["id"], 4)
    texts = [r.result["text"] for r in replies]
    assert sum("понимаю только текст" in t for t in texts) == 3
    assert any("новые сообщения" in t for t in texts)


async def test_groups_answer_only_when_addressed(bot: FakeBotApi) -> None:
    group = {"id": -1001, "type": "supergroup", "title": "Смоляне"}
    await bot.push_text(RU, "какое место в рейтинге", chat=group)
    await bot.push_text(RU, "@smol_eservices_bot загранпаспорт", chat=group)
    replies = await bot.wait_sent(group["id"], 1)
    await bot.push_text(RU, "/rank@smol_eservices_bot 2017", chat=group)
    replies = await bot.wait_sent(group["id"], 2)
    assert "загранпаспорт" in replies[0].result["text"].lower()
    assert "2017" in replies[1].result["text"]
    assert len(bot.sent(group["id"])) == 2  # the unaddressed question got no reply


async def test_hostile_text_is_answered_safely(bot: FakeBotApi) -> None:
    hostile = [
        "<b>паспорт</b> & <script>alert(1)</script>",
        "а" * 5000,
        "\x00\x07\x1b[31m ЗАГС",
        "'; DROP TABLE questions; --",
        "Robert'); DELETE FROM users;--",
    ]
    for text in hostile:
        await bot.push_text(RU, text)
    replies = await bot.wait_sent(RU["id"], len(hostile))
    assert len(replies) == len(hostile)
    assert bot.refused == []
    await bot.push_text(RU, "загс")
    last = (await bot.wait_sent(RU["id"], len(hostile) + 1))[-1]
    assert "Регистрация брака" in last.result["text"]  # the database survived


async def test_votes_are_stored_with_the_question_and_the_answer(bot: FakeBotApi, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    await bot.push_text(RU, "госпошлина за брак")
    (reply,) = await bot.wait_sent(RU["id"])
    down = next(c for c in callbacks(reply.result) if c.startswith("v:") and c.endswith(":-1"))
    await bot.push_callback(RU, reply.result, down)
    await bot.wait_for(lambda calls: any(c.method == "answerCallbackQuery" for c in calls))
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        rows = db.execute(
            "SELECT q.query, q.topic, q.answer, v.vote, v.user_id FROM votes v"
            " JOIN questions q ON q.id = v.question_id"
        ).fetchall()
        users = db.execute("SELECT id, language FROM users").fetchall()
    assert len(rows) == 1
    query, topic, answer, vote, voter = rows[0]
    assert (query, topic, vote, voter) == (
        "госпошлина за брак",
        "marriage-registration",
        -1,
        RU["id"],
    )
    assert "350 ₽" in answer
    assert users == [(RU["id"], "ru")]


async def test_a_failing_handler_gets_an_apology_in_the_users_language(
    bot: FakeBotApi,
    engine,
    monkeypatch,
    caplog,  # type: ignore[no-untyped-def]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(engine, "ask", broken)
    await bot.push_text(EN, "/start")
    await bot.push_text(EN, "rating")
    replies = await bot.wait_sent(EN["id"], 2)
    assert replies[1].result["text"] == "Something went wrong. Please try again a little later."
    assert "the engine broke" in caplog.text


async def test_forget_me_deletes_what_the_bot_kept(bot: FakeBotApi, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    await bot.push_text(RU, "/subscribe")
    await bot.push_text(RU, "загс")
    await bot.push_text(RU, "/forget_me")
    replies = await bot.wait_sent(RU["id"], 3)
    assert "удалены" in replies[2].result["text"]
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        assert db.execute(
            "SELECT count(*) FROM questions WHERE user_id = ?", (RU["id"],)
        ).fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM users WHERE id = ?", (RU["id"],)).fetchone() == (0,)


async def test_only_the_user_who_was_answered_can_vote(bot: FakeBotApi, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    await bot.push_text(RU, "госпошлина за брак")
    (reply,) = await bot.wait_sent(RU["id"])
    up = next(c for c in callbacks(reply.result) if c.startswith("v:") and c.endswith(":1"))
    await bot.push_callback(EN, reply.result, up)  # someone else's answer
    await bot.wait_for(lambda calls: any(c.method == "answerCallbackQuery" for c in calls))
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM votes").fetchone() == (0,)


async def test_unknown_empty_and_oversized_button_data_is_answered(bot: FakeBotApi) -> None:
    await bot.push_text(RU, "госпошлина за брак")
    (reply,) = await bot.wait_sent(RU["id"])
    for data in ("zzz:1", "v:" + "9" * 25 + ":1", "op:" + "9" * 25, "t:x:" + "y" * 50):
        await bot.push_callback(RU, reply.result, data)
    no_data = {"id": "77", "from": RU, "message": reply.result, "chat_instance": "1"}
    await bot.push("callback_query", no_data)
    await bot.wait_for(lambda c: sum(x.method == "answerCallbackQuery" for x in c) == 5)
    answers = [c.params.get("text") for c in bot.calls if c.method == "answerCallbackQuery"]
    stale = "Эта кнопка устарела. Задайте вопрос ещё раз."
    assert answers == [stale, "Этот ответ уже не найден.", stale, stale, stale]
    assert len(bot.sent(RU["id"])) == 1  # no "something went wrong"
