"""Subscriptions and the administrators' broadcast, end to end through the fake Bot API."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path
from typing import Any

from bot.peer import TELEGRAM, Peer
from bot.storage import Storage
from tests.fake_bot_api import FakeBotApi

from .conftest import ADMIN
from .test_chat import buttons

tg = partial(Peer, TELEGRAM)  # a Telegram user by id

RESIDENT = FakeBotApi.user(301, "ru")


async def subscribe_many(
    database: Path, api: FakeBotApi, count: int, first_id: int = 10_000
) -> list[int]:
    """Subscribers that pressed Start at some time; their chats exist in the fake API."""
    ids = list(range(first_id, first_id + count))
    async with Storage(database) as storage:
        for user_id in ids:
            await storage.users.set_subscribed(tg(user_id), True)
            api.add_private_chat(FakeBotApi.user(user_id))
    return ids


def received(api: FakeBotApi, text: str) -> dict[int, int]:
    counts: dict[int, int] = {}
    for call in api.sent():
        if call.result["text"] == text:
            counts[int(call.params["chat_id"])] = counts.get(int(call.params["chat_id"]), 0) + 1
    return counts


async def confirm_last(api: FakeBotApi) -> dict[str, Any]:
    """Press ✅ under the admin's last confirmation message."""
    confirmation = api.sent(ADMIN["id"])[-1].result
    go = next(b for b in buttons(confirmation) if b["text"].startswith("✅"))
    await api.push_callback(ADMIN, confirmation, go["callback_data"])
    return confirmation


async def broadcast_finished(api: FakeBotApi, timeout: float = 10) -> None:
    """Until the Telegram administrator's progress message says the broadcast is finished."""
    await api.wait_for(
        lambda calls: any(
            c.method == "editMessageText" and c.ok and "завершена" in c.result["text"]
            for c in calls
        ),
        timeout=timeout,
    )


async def test_subscribe_and_unsubscribe(bot: FakeBotApi, tmp_path: Path) -> None:
    await bot.push_text(RESIDENT, "/subscribe")
    await bot.push_text(RESIDENT, "/unsubscribe")
    await bot.push_text(RESIDENT, "/start")
    replies = await bot.wait_sent(RESIDENT["id"], 3)
    assert "подписаны" in replies[0].result["text"] and "отписаны" in replies[1].result["text"]
    subscribe_button = next(b for b in buttons(replies[2].result) if b["callback_data"] == "m:sub")
    await bot.push_callback(RESIDENT, replies[2].result, subscribe_button["callback_data"])
    await bot.wait_sent(RESIDENT["id"], 4)
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        assert db.execute(
            "SELECT subscribed FROM users WHERE id = ?", (RESIDENT["id"],)
        ).fetchone() == (1,)


async def test_non_admins_get_the_unknown_command_reply_and_nothing_happens(
    bot: FakeBotApi, tmp_path: Path
) -> None:
    for text in (
        "/nosuchcommand",
        "/broadcast Всем привет",
        "/broadcast_status",
        "/stats",
        "/unanswered",
    ):
        await bot.push_text(RESIDENT, text)
    replies = await bot.wait_sent(RESIDENT["id"], 5)
    assert len({r.result["text"] for r in replies}) == 1
    assert "Такой команды нет" in replies[0].result["text"]
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM broadcasts").fetchone() == (0,)


async def test_broadcast_reaches_every_reachable_subscriber_once_through_floods_and_blocks(
    bot: FakeBotApi, tmp_path: Path
) -> None:
    database = tmp_path / "bot.sqlite3"
    subscribers = await subscribe_many(database, bot, 60)
    blocked = set(subscribers[5:10])
    gone = subscribers[-3:]  # chats Telegram no longer knows
    bot.blocked |= blocked
    for user_id in gone:
        del bot.chats[user_id]
    bot.flood_every, bot.retry_after = 9, 1

    await bot.push_text(ADMIN, "/broadcast Новая электронная услуга: <перевод> детского сада & МФЦ")
    preview, confirmation = await bot.wait_sent(ADMIN["id"], 2)
    text = "Новая электронная услуга: <перевод> детского сада & МФЦ"
    assert preview.result["text"] == text  # the preview is exactly what subscribers get
    assert "Получателей сейчас: 60" in confirmation.result["text"]
    assert received(bot, text) == {ADMIN["id"]: 1}  # nothing sent before ✅

    await confirm_last(bot)
    await bot.wait_for(
        lambda calls: any(
            c.method == "editMessageText" and c.ok and "завершена" in c.result["text"]
            for c in calls
        ),
        timeout=30,
    )
    reachable = set(subscribers) - blocked - set(gone)
    got = received(bot, text)
    got.pop(ADMIN["id"])
    assert got == dict.fromkeys(reachable, 1)  # every reachable subscriber, exactly once
    refused = {c.error for c in bot.refused}
    assert refused <= {
        "Forbidden: bot was blocked by the user",
        "Bad Request: chat not found",
        "Too Many Requests: retry after 1",
    }
    assert any(c.error and c.error.startswith("Too Many") for c in bot.refused)
    with sqlite3.connect(database) as db:
        counts = dict(
            db.execute("SELECT status, count(*) FROM deliveries GROUP BY status").fetchall()
        )
        still = {r[0] for r in db.execute("SELECT id FROM users WHERE subscribed = 1")}
    assert counts == {"sent": len(reachable), "blocked": len(blocked) + len(gone)}
    assert still == reachable  # the blocked and the gone are unsubscribed
    final = [c for c in bot.calls if c.method == "editMessageText" and c.ok][-1].result["text"]
    assert f"Отправлено: {len(reachable)} из 60" in final and "заблокировали бота: 8" in final


async def test_cancel_before_sending_sends_nothing(bot: FakeBotApi, tmp_path: Path) -> None:
    await subscribe_many(tmp_path / "bot.sqlite3", bot, 3)
    await bot.push_text(ADMIN, "/broadcast Черновик")
    _, confirmation = await bot.wait_sent(ADMIN["id"], 2)
    cancel = next(b for b in buttons(confirmation.result) if b["text"].startswith("✖"))
    await bot.push_callback(ADMIN, confirmation.result, cancel["callback_data"])
    await bot.wait_for(lambda calls: any(c.method == "editMessageText" for c in calls))
    await confirm_last(bot)  # a ✅ pressed after ✖ does nothing
    await bot.push_text(ADMIN, "/broadcast_status")
    await bot.wait_sent(ADMIN["id"], 3)
    assert received(bot, "Черновик") == {ADMIN["id"]: 1}


async def test_broadcast_as_a_reply_and_status_and_cancel(bot: FakeBotApi, tmp_path: Path) -> None:
    await subscribe_many(tmp_path / "bot.sqlite3", bot, 400)
    source = bot._message(ADMIN, "Портал Госуслуг будет недоступен ночью", None)
    await bot.push(
        "message", {**bot._message(ADMIN, "/broadcast", None), "reply_to_message": source}
    )
    preview, _ = await bot.wait_sent(ADMIN["id"], 2)
    assert preview.result["text"] == "Портал Госуслуг будет недоступен ночью"
    await confirm_last(bot)
    await bot.wait_for(lambda _: len(received(bot, "Портал Госуслуг будет недоступен ночью")) > 20)
    await bot.push_text(ADMIN, "/broadcast_cancel")
    await bot.push_text(ADMIN, "/broadcast_status")
    await bot.wait_for(lambda _: any("отменена" in c.result["text"] for c in bot.sent(ADMIN["id"])))
    sent_after_cancel = len(received(bot, "Портал Госуслуг будет недоступен ночью"))
    assert sent_after_cancel < 401  # stopped before everyone


async def test_residents_are_answered_promptly_while_a_broadcast_runs(
    api: FakeBotApi,
    engine,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    import time

    from .conftest import running_bot

    database = tmp_path / "bot.sqlite3"
    await subscribe_many(database, api, 100)
    async with running_bot(api, engine, database, BROADCAST_RATE="20") as bot:  # 5 s of sending
        await bot.push_text(ADMIN, "/broadcast Идёт рассылка")
        await bot.wait_sent(ADMIN["id"], 2)
        await confirm_last(bot)
        await bot.wait_for(lambda _: len(received(bot, "Идёт рассылка")) > 10)
        asked = time.monotonic()
        await bot.push_text(RESIDENT, "сколько стоит загранпаспорт")
        (reply,) = await bot.wait_sent(RESIDENT["id"])
        waited = time.monotonic() - asked
        in_progress = len(received(bot, "Идёт рассылка"))
    assert "6000 ₽" in reply.result["text"]
    assert waited < 1.0, f"the resident waited {waited:.2f} s"
    assert in_progress < 100  # the broadcast was still going when the answer came
