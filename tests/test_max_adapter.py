"""The MAX adapter's pieces without a network: HTML and keyboards as MAX takes them, updates as
Events, the per-second pace, and the inbox that makes handling idempotent."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.channels.max import polling as polling_module
from bot.channels.max.events import to_event, update_key
from bot.channels.max.handling import DONE_EVERY, UpdateHandling
from bot.channels.max.markup import keyboard_attachment, markup_html, max_html
from bot.channels.max.pace import MARGIN, Pace
from bot.channels.max.polling import Polling
from bot.conversation import Button
from bot.engine.render import split_message, text_units
from bot.peer import MAX, Peer
from bot.storage import Storage
from tests.fake_max_api import parse_html


def test_only_tags_max_keeps_and_sources_without_blockquote() -> None:
    html = (
        '<b>Паспорт</b> <tg-spoiler>x</tg-spoiler> <span class="tg-spoiler">y</span>\n\n'
        '<blockquote expandable>Источник: <a href="https://gosuslugi.ru" target="_blank">'
        "Госуслуги</a></blockquote> <strike>old</strike> <code>1 &lt; 2</code>"
    )
    assert max_html(html) == (
        "<b>Паспорт</b> x y\n\n"
        '<i>Источник: <a href="https://gosuslugi.ru">Госуслуги</a></i> <s>old</s> '
        "<code>1 &lt; 2</code>"
    )


def test_telegram_formatted_text_keeps_only_what_max_takes() -> None:
    # PTB's text_html (operators' replies, broadcasts): &#x27; for ', mentions as tg:// links.
    html = (
        "<b>Don&#x27;t</b> &quot;wait&quot; &amp; see "
        '<a href="tg://user?id=5">Анна</a> <a>bare</a> <a href="https://x.ru/?a=1&amp;b=2">x</a>'
    )
    assert max_html(html) == (
        '<b>Don\'t</b> "wait" &amp; see Анна bare <a href="https://x.ru/?a=1&amp;b=2">x</a>'
    )
    assert parse_html(max_html(html))[0].startswith("Don't")  # the strict fake takes it


def test_a_long_answer_is_cut_to_max_length_counting_tags_and_emoji() -> None:
    paragraph = "<b>😀 жирный</b> " + "слово " * 100
    parts = split_message(max_html("\n\n".join([paragraph] * 12)), 4000)
    assert len(parts) > 1
    assert all(text_units(p) <= 4000 for p in parts)


def test_keyboards_keep_to_max_row_limits() -> None:
    many = tuple(Button(f"b{i}", payload=f"p{i}") for i in range(9))
    links = tuple(Button(f"l{i}", url=f"https://e.ru/{i}") for i in range(5))
    [attachment] = keyboard_attachment((many, links))
    rows = attachment["payload"]["buttons"]
    assert attachment["type"] == "inline_keyboard"
    assert [len(r) for r in rows] == [7, 2, 3, 2]
    assert rows[0][0] == {"type": "callback", "text": "b0", "payload": "p0"}
    assert rows[2][0] == {"type": "link", "text": "l0", "url": "https://e.ru/0"}
    assert keyboard_attachment(()) == []
    assert len(keyboard_attachment(tuple((b,) for b in many * 4))[0]["payload"]["buttons"]) == 30


USER = {"user_id": 42, "first_name": "Анна", "is_bot": False, "last_activity_time": 1}


def message(text: str | None, chat_type: str = "dialog", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"mid": "mid.00ab", "seq": 1}
    if text is not None:
        body["text"] = text
    return {
        "sender": USER,
        "recipient": {"chat_id": 9001, "chat_type": chat_type},
        "timestamp": 1,
        "body": body,
        **extra,
    }


def test_updates_become_events_with_the_dialog_not_the_user_as_chat() -> None:
    started = to_event(
        {"update_type": "bot_started", "chat_id": 9001, "user": USER, "user_locale": "en-US"},
        "smol_bot",
    )
    assert started is not None and started.kind == "started"
    assert (started.chat_id, started.user, started.language_code) == (9001, Peer(MAX, 42), "en-US")

    command = to_event(
        {"update_type": "message_created", "message": message("/Rank  2019 "), "user_locale": "ru"},
        "smol_bot",
    )
    assert command is not None and (command.command, command.args) == ("rank", "2019")
    assert command.message_id == "mid.00ab" and command.chat_id == 9001

    question = to_event(
        {"update_type": "message_created", "message": message("паспорт & <b>")}, "smol_bot"
    )
    assert question is not None and question.command is None
    assert question.html == "паспорт &amp; &lt;b&gt;"

    tap = to_event(
        {
            "update_type": "message_callback",
            "callback": {"callback_id": "cb1", "payload": "m:rank", "user": USER, "timestamp": 1},
            "message": message("menu"),
        },
        "smol_bot",
    )
    assert tap is not None and (tap.kind, tap.payload, tap.tap_id) == ("tap", "m:rank", "cb1")
    assert tap.message_id == "mid.00ab"

    photo = to_event({"update_type": "message_created", "message": message(None)}, None)
    assert photo is not None and photo.kind == "other"


def test_group_messages_are_for_the_bot_only_when_they_mention_it() -> None:
    chatter = to_event(
        {"update_type": "message_created", "message": message("привет всем", "chat")}, "smol_bot"
    )
    asked = to_event(
        {"update_type": "message_created", "message": message("@smol_bot паспорт", "chat")},
        "smol_bot",
    )
    other_bot = to_event(
        {"update_type": "message_created", "message": message("/rank@other_bot", "chat")},
        "smol_bot",
    )
    fan = to_event(
        {"update_type": "message_created", "message": message("hi @smol_bot_fan", "chat")},
        "smol_bot",
    )
    reply = message("а сколько стоит?", "chat")
    reply["link"] = {"type": "reply", "sender": {"user_id": 77}, "message": {"mid": "m.1"}}
    replied = to_event({"update_type": "message_created", "message": reply}, "smol_bot", 77)
    assert fan is not None and not fan.addressed and fan.text == "hi @smol_bot_fan"
    assert replied is not None and replied.addressed and replied.reply_to == "m.1"
    assert chatter is not None and not chatter.addressed
    assert asked is not None and asked.addressed and asked.text == "паспорт"
    assert other_bot is not None and other_bot.command == "rank@other_bot"


def test_updates_from_bots_and_channels_are_not_events() -> None:
    from_bot = message("hi")
    from_bot["sender"] = {**USER, "is_bot": True}
    assert to_event({"update_type": "message_created", "message": from_bot}, None) is None
    assert to_event({"update_type": "message_created", "message": {"body": {}}}, None) is None
    assert to_event({"update_type": "user_added", "chat_id": 1}, None) is None


def test_an_update_has_the_same_key_every_time_it_comes() -> None:
    created = {"update_type": "message_created", "message": message("x")}
    assert update_key(created) == "m:mid.00ab"
    started = {"update_type": "bot_started", "chat_id": 1, "user": USER, "timestamp": 5}
    assert update_key(started) == update_key(dict(reversed(started.items())))
    assert update_key(started) != update_key({**started, "timestamp": 6})


async def test_pace_allows_two_a_second_per_key() -> None:
    now = [100.0]
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pace = Pace(2, clock=lambda: now[0], sleep=fake_sleep)
    await pace.wait("a")
    await pace.wait("a")
    await pace.wait("b")  # another chat: no wait
    assert slept == []
    await pace.wait("a")
    assert slept == [pytest.approx(1 + MARGIN)]


async def test_the_inbox_hands_out_an_update_once_and_keeps_the_marker(tmp_path: Path) -> None:
    async with Storage(tmp_path / "bot.sqlite3") as storage:
        inbox = storage.max_inbox
        assert await inbox.marker() is None
        fresh = await inbox.receive([("m:1", "{}"), ("m:2", "{}")], marker=17)
        assert fresh == {"m:1", "m:2"} and await inbox.marker() == 17
        assert await inbox.receive([("m:2", "{}"), ("m:3", "{}")], marker=18) == {"m:3"}
        await inbox.finish(["m:1"])
        assert [k for k, _ in await inbox.pending()] == ["m:2", "m:3"]


class FlakyInbox:
    """An inbox whose writes fail while `failing` is set; records what it finished."""

    def __init__(self) -> None:
        self.failing = False
        self.finished: list[str] = []

    async def finish(self, keys: list[str], sent: list[int] = []) -> None:  # noqa: B006
        await asyncio.sleep(0.01)
        if self.failing:
            raise sqlite3.OperationalError("database is locked")
        self.finished.extend(keys)


async def test_done_marks_survive_a_failed_write_and_none_wait_for_the_next_update() -> None:
    inbox = FlakyInbox()
    handled: list[str] = []

    async def handle(update: dict[str, Any], received_at: float) -> None:
        handled.append(update["k"])

    handling = UpdateHandling(inbox, handle, lambda u: u["k"])  # type: ignore[arg-type]
    inbox.failing = True
    handling.submit("a", {"k": "a"})
    await asyncio.sleep(DONE_EVERY * 2)
    assert handled == ["a"] and inbox.finished == []
    inbox.failing = False
    handling.submit("b", {"k": "b"})
    await handling.drain(grace=1.0)
    assert sorted(inbox.finished) == ["a", "b"]  # the failed write's mark was kept


async def test_polling_goes_on_after_a_failure_that_is_not_maxs(tmp_path: Path) -> None:
    calls = 0

    class Client:
        async def updates(self, marker: Any, *args: Any) -> tuple[list[dict[str, Any]], int]:
            nonlocal calls
            calls += 1
            if calls == 1:
                raise TypeError("an answer of a shape nobody expected")
            await asyncio.sleep(0.01)
            return [], 5

    async with Storage(tmp_path / "bot.sqlite3") as storage:
        handling = UpdateHandling(storage.max_inbox, lambda *_: asyncio.sleep(0), lambda u: 0)
        polling = Polling(Client(), storage.max_inbox, handling)  # type: ignore[arg-type]
        polling_backoff = polling_module.BACKOFF
        polling_module.BACKOFF = (0.01,)
        try:
            await polling.start()
            for _ in range(100):
                await asyncio.sleep(0.01)
                if calls >= 3:
                    break
        finally:
            polling_module.BACKOFF = polling_backoff
            await polling.stop()
        assert calls >= 3 and await storage.max_inbox.marker() == 5


def test_a_senders_formatting_becomes_html_that_both_messengers_take() -> None:
    from tests.fake_bot_api import parse_html as telegram_parses

    shown, markup = parse_html(
        "😀 <b>Важно</b>: <i>портал <u>не</u> работает</i> &lt;в субботу&gt; "
        '<a href="https://gosuslugi.ru">сайт</a> <mark>!</mark>'
    )
    markup.append({"type": "strong", "from": 20, "length": 12})  # crosses <i>: left out
    markup.append({"type": "link", "from": 0, "length": 2, "url": "javascript:alert(1)"})
    html = markup_html(shown, markup)
    assert html == (
        "😀 <b>Важно</b>: <i>портал <u>не</u> работает</i> &lt;в субботу&gt; "
        '<a href="https://gosuslugi.ru">сайт</a> !'
    )
    telegram_parses(html)  # raises if Telegram would refuse it
    assert parse_html(max_html(html))[0] == shown
