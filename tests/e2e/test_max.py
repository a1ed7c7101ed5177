"""A resident on MAX, end to end: the real bot serves Telegram and MAX at once, talking HTTP to
a strict fake of each; everything a resident has on Telegram works on MAX, within MAX's limits."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.fake_bot_api import FakeBotApi
from tests.fake_max_api import Call, FakeMaxApi, utf16_len

from .conftest import ADMIN, OPERATORS

Bots = tuple[FakeBotApi, FakeMaxApi]


def buttons(max_api: FakeMaxApi, sent: Call | str) -> dict[str, dict[str, Any]]:
    """A sent message's buttons by their text."""
    return {b["text"]: b for row in max_api.keyboard(sent) for b in row}


def text(call: Call) -> str:
    return str(call.body.get("text") or "")


def within_limits(max_api: FakeMaxApi) -> None:
    """Nothing MAX would refuse or punish, and the token never left for the upload host. (A
    fresh upload is refused once as "not ready" by design: the bot waits and sends again.)"""
    refused = [c for c in max_api.refused if (c.error or {}).get("code") != "attachment.not.ready"]
    assert refused == [], [(c.method, c.error) for c in refused]
    assert max_api.violations == []


async def test_greeting_on_bot_started_in_the_users_locale_and_the_menu_is_set(both: Bots) -> None:
    _, max_api = both
    anna, john = max_api.user(301, "ru-RU", "Анна"), max_api.user(302, "en-US", "John")
    await max_api.push_started(anna)
    await max_api.push_started(john)
    (hello,) = await max_api.wait_sent(max_api.dialog(301))
    (hello_en,) = await max_api.wait_sent(max_api.dialog(302))
    assert "Здравствуйте" in text(hello) and text(hello_en).startswith("Hello")
    assert {"📊 Рейтинг"} <= set(buttons(max_api, hello))
    assert max_api.commands is not None
    assert {c["name"] for c in max_api.commands} >= {"start", "rank", "facts", "forget_me"}
    assert "stats" not in {c["name"] for c in max_api.commands}
    within_limits(max_api)


async def test_a_question_answered_with_sources_without_blockquote_and_a_vote(both: Bots) -> None:
    _, max_api = both
    anna = max_api.user(301, "ru")
    await max_api.push_text(anna, "какое место заняла смоленская область в рейтинге")
    (reply,) = await max_api.wait_sent(max_api.dialog(301))
    assert "4-е место" in text(reply) and "Источники" in text(reply)
    assert "blockquote" not in text(reply) and "<i>" in text(reply)
    votes = [b for b in buttons(max_api, reply).values() if b.get("payload", "").startswith("v:")]
    assert len(votes) == 2
    await max_api.push_callback(anna, FakeMaxApi.mid(reply), votes[0]["payload"])
    await max_api.wait_for(lambda _: len(max_api.answers) == 1)
    assert max_api.answers[0]["notification"] == "Спасибо за оценку!"
    within_limits(max_api)


async def test_english_by_locale_and_by_text(both: Bots) -> None:
    _, max_api = both
    john, anna = max_api.user(302, "en-GB"), max_api.user(301, "ru")
    await max_api.push_text(john, "/help")
    await max_api.push_text(anna, "How much does marriage registration cost?")
    (help_reply,) = await max_api.wait_sent(max_api.dialog(302))
    (answer,) = await max_api.wait_sent(max_api.dialog(301))
    assert text(help_reply).startswith("What I can do")
    assert "350 ₽" in text(answer) and "Source" in text(answer)
    within_limits(max_api)


async def test_clarify_then_a_service_card_and_its_sections(both: Bots) -> None:
    _, max_api = both
    anna = max_api.user(301, "ru")
    chat = max_api.dialog(301)
    await max_api.push_text(anna, "паспорт")
    (clarify,) = await max_api.wait_sent(chat)
    pick = buttons(max_api, clarify)["Оформление загранпаспорта"]
    await max_api.push_callback(anna, FakeMaxApi.mid(clarify), pick["payload"])
    card = (await max_api.wait_sent(chat, 2))[1]
    assert text(card).startswith("<b>Оформление загранпаспорта")
    follow_ups = buttons(max_api, card)
    assert follow_ups["Открыть Госуслуги"] == {
        "type": "link",
        "text": "Открыть Госуслуги",
        "url": "https://www.gosuslugi.ru",
    }
    await max_api.push_callback(anna, FakeMaxApi.mid(card), follow_ups["Госпошлина"]["payload"])
    section = (await max_api.wait_sent(chat, 3))[2]
    assert "6000 ₽" in text(section)
    within_limits(max_api)


async def test_services_menu_down_to_a_card(both: Bots) -> None:
    _, max_api = both
    anna = max_api.user(301, "ru")
    chat = max_api.dialog(301)
    await max_api.push_text(anna, "/services")
    (listing,) = await max_api.wait_sent(chat)
    hunting = buttons(max_api, listing)["Охота и оружие"]
    await max_api.push_callback(anna, FakeMaxApi.mid(listing), hunting["payload"])
    category = (await max_api.wait_sent(chat, 2))[1]
    licence = buttons(max_api, category)["Получение охотничьего билета"]
    await max_api.push_callback(anna, FakeMaxApi.mid(category), licence["payload"])
    card = (await max_api.wait_sent(chat, 3))[2]
    assert "Как подать онлайн" in text(card)
    within_limits(max_api)


async def test_rank_with_both_charts_uploaded_without_the_token(both: Bots) -> None:
    _, max_api = both
    anna = max_api.user(301, "ru")
    chat = max_api.dialog(301)
    await max_api.push_text(anna, "/rank")
    await max_api.wait_for(lambda _: len(max_api.sent(chat)) >= 3, timeout=30)
    images = [
        c for c in max_api.sent(chat) if any(a["type"] == "image" for a in c.body["attachments"])
    ]
    assert len(images) == 2 and len(max_api.uploads) == 2
    assert all(u.kind == "image" for u in max_api.uploads)
    not_ready = [c for c in max_api.calls if c.error and c.error["code"] == "attachment.not.ready"]
    assert len(not_ready) == 2  # each fresh upload refused once, then sent again
    assert max_api.violations == []


async def test_share_facts_language_and_subscriptions(both: Bots, tmp_path: Path) -> None:
    _, max_api = both
    anna = max_api.user(301, "ru")
    chat = max_api.dialog(301)
    for command in ("/share", "/subscribe", "/language"):
        await max_api.push_text(anna, command)
    share, subscribed, language = await max_api.wait_sent(chat, 3)
    assert "86%" in text(share)
    assert "подпис" in text(subscribed).lower()
    await max_api.push_callback(anna, FakeMaxApi.mid(language), "l:en")
    await max_api.wait_for(lambda _: any(c.method == "PUT /messages" for c in max_api.calls))
    await max_api.push_text(anna, "/unsubscribe")
    unsubscribed = (await max_api.wait_sent(chat, 4))[3]
    assert "unsubscribed" in text(unsubscribed).lower()
    await max_api.push_text(anna, "/facts")
    facts = (await max_api.wait_sent(chat, 5))[4:]
    assert "Key figures" in text(facts[0]) and "Source" in text(facts[0])
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        assert db.execute(
            "SELECT language, subscribed FROM users WHERE channel = 'max' AND id = 301"
        ).fetchall() == [("en", 0)]
    within_limits(max_api)


async def test_forget_me_deletes_what_the_bot_kept_on_max_only(both: Bots, tmp_path: Path) -> None:
    api, max_api = both
    anna = max_api.user(301, "ru")
    same_id_on_telegram = FakeBotApi.user(301, "ru")
    await api.push_text(same_id_on_telegram, "загс")
    await api.wait_sent(301)
    await max_api.push_text(anna, "загс")
    await max_api.push_text(anna, "/forget_me")
    replies = await max_api.wait_sent(max_api.dialog(301), 2)
    assert "удалены" in text(replies[1])
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        left = db.execute("SELECT channel FROM questions WHERE user_id = 301").fetchall()
    assert left == [("telegram",)]  # the Telegram user 301 is someone else


async def test_stickers_and_edits_get_a_polite_reply(both: Bots) -> None:
    _, max_api = both
    anna = max_api.user(301, "ru")
    created = await max_api.push_text(anna, "вопрос")
    await max_api.wait_sent(max_api.dialog(301))
    await max_api.push_attachment(anna)
    await max_api.push_edit(anna, FakeMaxApi.mid(created), "исправленный вопрос")
    replies = await max_api.wait_sent(max_api.dialog(301), 3)
    assert "понимаю только текст" in text(replies[1])
    assert "новые сообщения" in text(replies[2])
    within_limits(max_api)


async def test_hostile_and_long_texts_stay_within_max_limits(both: Bots) -> None:
    _, max_api = both
    anna = max_api.user(301, "ru")
    await max_api.push_text(anna, "а" * 5000)
    await max_api.push_text(anna, "<b>паспорт</b> & <script>alert(1)</script>")
    await max_api.wait_sent(max_api.dialog(301), 2)
    await max_api.push_text(anna, "/facts")  # the press sheet: longer than one MAX message
    await max_api.push_text(anna, "/facts csv")  # answered after every part of the sheet

    def the_csv(call: Call) -> bool:
        return any(a["type"] == "file" for a in call.body.get("attachments") or [])

    await max_api.wait_for(lambda _: any(the_csv(c) for c in max_api.sent()), timeout=15)
    *parts, csv = max_api.sent(max_api.dialog(301))[2:]
    assert the_csv(csv) and [u.kind for u in max_api.uploads] == ["file"]
    assert len(parts) >= 2 and all(utf16_len(text(p)) <= 4000 for p in parts)
    within_limits(max_api)


async def test_ask_an_operator_from_max_and_get_the_reply_on_max(both: Bots) -> None:
    api, max_api = both
    api.chats[OPERATORS["id"]] = OPERATORS
    anna = max_api.user(301, "ru")
    chat = max_api.dialog(301)
    await max_api.push_text(anna, "можно ли <оплатить> пошлину наличными & в кассе?")
    (fallback,) = await max_api.wait_sent(chat)
    ask = buttons(max_api, fallback)["🙋 Спросить оператора"]
    await max_api.push_callback(anna, FakeMaxApi.mid(fallback), ask["payload"])
    (forwarded,) = await api.wait_sent(OPERATORS["id"])
    assert "можно ли <оплатить> пошлину наличными & в кассе?" in forwarded.result["text"]
    operator = FakeBotApi.user(402, "ru", "Оператор")
    await api.push(
        "message",
        {
            **api._message(operator, "Да, в МФЦ <можно>.", OPERATORS),
            "reply_to_message": {**forwarded.result, "from": FakeBotApi.user(7000001)},
        },
    )
    replies = await max_api.wait_sent(chat, 3)
    assert text(replies[-1]) == "<b>Ответ оператора:</b>\n\nДа, в МФЦ &lt;можно&gt;."
    within_limits(max_api)
    assert api.refused == []


@pytest.mark.slow  # twelve questions at MAX's 2 replies a second
async def test_flood_is_held_back_on_max(
    api: FakeBotApi, max_api: FakeMaxApi, engine: Any, tmp_path: Path
) -> None:
    from bot.flood import FloodGuard

    from .conftest import max_env, running_bot

    async with running_bot(
        api, engine, tmp_path / "bot.sqlite3", flood=FloodGuard(), **max_env(max_api)
    ):
        await max_api.wait_polling()
        anna = max_api.user(301, "ru")
        for i in range(12):
            await max_api.push_text(anna, f"загс {i}")
        await max_api.wait_for(
            lambda _: any("Слишком много" in text(c) for c in max_api.sent()), timeout=15
        )
        await max_api.end_long_polls()
    assert len(max_api.sent(max_api.dialog(301))) < 12
    within_limits(max_api)


async def test_in_a_max_group_the_bot_answers_only_when_mentioned(both: Bots) -> None:
    _, max_api = both
    anna = max_api.user(301, "ru")
    group = max_api.add_group(-7001, "Смоляне")
    await max_api.push_group_text(group["chat_id"], anna, "какое место в рейтинге")
    await max_api.push_group_text(group["chat_id"], anna, "@smol_eservices_bot загранпаспорт")
    (reply,) = await max_api.wait_sent(group["chat_id"])
    assert "загранпаспорт" in text(reply).lower()
    await max_api.push_group_text(group["chat_id"], anna, "/rank 2017")
    replies = await max_api.wait_sent(group["chat_id"], 2)
    assert "2017" in text(replies[1])
    assert len(max_api.sent(group["chat_id"])) == 2  # the unaddressed question got no reply
    await max_api.push_group_text(
        group["chat_id"], anna, "а сколько стоит?", reply_to_mid=FakeMaxApi.mid(reply)
    )
    await max_api.wait_sent(group["chat_id"], 3)  # a reply to the bot is addressed to it
    within_limits(max_api)


async def test_start_typed_as_text_and_a_failing_flow_gets_an_apology_and_a_report(
    both: Bots, engine: Any, monkeypatch: Any, caplog: Any
) -> None:
    api, max_api = both
    john = max_api.user(302, "en-US")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"the engine broke (token {max_api.token})")

    await max_api.push_text(john, "/start")
    (hello,) = await max_api.wait_sent(max_api.dialog(302))
    assert text(hello).startswith("Hello")
    monkeypatch.setattr(engine, "ask", broken)
    await max_api.push_text(john, "rating")
    apology = (await max_api.wait_sent(max_api.dialog(302), 2))[1]
    assert text(apology) == "Something went wrong. Please try again a little later."
    assert "the engine broke" in caplog.text
    # The errors chat is Telegram's (ERRORS_CHAT_ID, else the first of ADMIN_IDS).
    (report,) = await api.wait_sent(ADMIN["id"])
    assert "the engine broke" in report.result["text"] and "MAX message" in report.result["text"]
    assert max_api.token not in report.result["text"]
    within_limits(max_api)
